// RPC signature version 1.0 (HMAC-SHA1), signing-and-transport.md §2: shared by the remote backend
// (which signs) and the server (which recomputes from the decoded request and compares).
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** POP percent-encoding: RFC 3986 unreserved kept, everything else %XY upper-case, space → %20. */
export const UNRESERVED = /^[A-Za-z0-9_.~-]*$/;
export function popEncode(s: string): string {
  // Most names and many values need no encoding (the server verifies every request: keep it cheap).
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** popEncode applied twice (a canonical pair is encoded again inside the string to sign). */
function popEncodeTwice(s: string): string {
  return UNRESERVED.test(s) ? s : popEncode(s).replace(/%/g, '%25');
}

/**
 * `METHOD&%2F&` + popEncode of the canonical query (parameters but Signature sorted by name, each
 * `popEncode(k)=popEncode(v)`, joined by `&`), built in one pass: a canonical pair holds only
 * unreserved characters, `%XY`, `=` and `&`, so encoding it again turns `%` into `%25`, `=` into
 * `%3D` and `&` into `%26` (the server verifies every request with this: keep it cheap). The
 * default sort compares UTF-16 code units, as `<` does.
 */
export function stringToSignV1(method: string, params: Record<string, string>): string {
  const keys = Object.keys(params).sort();
  let out = method.toUpperCase() + '&%2F&';
  let first = true;
  for (const k of keys) {
    if (k === 'Signature') continue;
    if (!first) out += '%26';
    first = false;
    out += popEncodeTwice(k) + '%3D' + popEncodeTwice(params[k]);
  }
  return out;
}

/** `secret` is the AccessKey secret, or a key made once from `secret + '&'` (the server keeps one per credential). */
export function hmacSha1Base64(secret: string | KeyObject, message: string): string {
  return createHmac('sha1', typeof secret === 'string' ? secret + '&' : secret).update(message, 'utf8').digest('base64');
}

/** The HMAC key of v1 signatures made by `secret`, prepared once. */
export function v1SigningKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret + '&', 'utf8'));
}

export function signV1(method: string, params: Record<string, string>, accessKeySecret: string): string {
  return hmacSha1Base64(accessKeySecret, stringToSignV1(method, params));
}
