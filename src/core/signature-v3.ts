// Signature V3 (ACS3-HMAC-SHA256), signing-and-transport.md §3: what @alicloud/openapi-client signs
// by default. Used by the server to recompute the signature of a received request.
import * as crypto from 'node:crypto';
import { createHash, createHmac, type KeyObject } from 'node:crypto';
import { popEncode } from './signature.js';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// crypto.hash (Node 20.12+) hashes without making a Hash object: the server hashes every V3 request.
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;
export const sha256Hex = oneShot ? (data: string | Buffer) => oneShot('sha256', data, 'hex') : (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Decoded query parameters sorted by name, `encode(name)=encode(value)` joined by `&` (§3.2). */
export function canonicalQueryV3(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => popEncode(k) + '=' + popEncode(query[k]))
    .join('&');
}

/**
 * The canonical request. `headers` maps lower-case names to values (several values of one header
 * already joined, or a list of them, as Node gives Set-Cookie); only the `signedHeaders` are used, trimmed and in sorted order.
 */
export function canonicalRequestV3(
  method: string,
  path: string,
  query: Record<string, string>,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  signedHeaders: string[],
  payloadHash: string,
): string {
  // Built by concatenation (the server verifies every request with this: keep it cheap).
  const names = signedHeaders.map((h) => h.toLowerCase()).sort();
  let lines = '';
  for (const h of names) {
    // Own properties only: a signed header named `constructor` is absent, not Object's function.
    const v = Object.hasOwn(headers, h) ? headers[h] : undefined;
    lines += h + ':' + (v === undefined ? '' : Array.isArray(v) ? v.join(',') : v).trim() + '\n';
  }
  return method.toUpperCase() + '\n' + path + '\n' + canonicalQueryV3(query) + '\n' + lines + '\n' + names.join(';') + '\n' + payloadHash;
}

export function stringToSignV3(canonicalRequest: string): string {
  return ACS3_ALGORITHM + '\n' + sha256Hex(canonicalRequest);
}

/** Lower-case hex HMAC-SHA256 keyed with the raw secret (no `&`, unlike v1), or a key made once from it. */
export function signV3(stringToSign: string, accessKeySecret: string | KeyObject): string {
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex');
}

export interface Acs3Authorization {
  algorithm: string;
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>` (§3.4); undefined if malformed. */
export function parseAuthorizationV3(header: string): Acs3Authorization | undefined {
  const m = /^(ACS3-[A-Z0-9-]+) Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-fA-F]+)$/.exec(header.trim());
  if (!m) return undefined;
  return { algorithm: m[1], accessKeyId: m[2], signedHeaders: m[3].split(';').filter(Boolean), signature: m[4].toLowerCase() };
}
