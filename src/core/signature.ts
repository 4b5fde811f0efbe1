// RPC signature version 1.0 (HMAC-SHA1), signing-and-transport.md §2: shared by the remote backend
// (which signs) and the server (which recomputes from the decoded request and compares).
import { createHmac } from 'node:crypto';

/** POP percent-encoding: RFC 3986 unreserved kept, everything else %XY upper-case, space → %20. */
const UNRESERVED = /^[A-Za-z0-9_.~-]*$/;
export function popEncode(s: string): string {
  // Most names and many values need no encoding (the server verifies every request: keep it cheap).
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Sorted `k=v` pairs joined by `&`, names and values POP-encoded (Signature excluded). */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => popEncode(k) + '=' + popEncode(params[k]))
    .join('&');
}

export function stringToSignV1(method: string, params: Record<string, string>): string {
  return method.toUpperCase() + '&' + popEncode('/') + '&' + popEncode(canonicalQuery(params));
}

export function hmacSha1Base64(secret: string, message: string): string {
  return createHmac('sha1', secret + '&').update(message, 'utf8').digest('base64');
}

export function signV1(method: string, params: Record<string, string>, accessKeySecret: string): string {
  return hmacSha1Base64(accessKeySecret, stringToSignV1(method, params));
}
