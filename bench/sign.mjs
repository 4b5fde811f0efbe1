// Request signing for the benchmarks: v1 (HMAC-SHA1, everything in the query) and V3
// (ACS3-HMAC-SHA256 headers), as the official SDKs send them. Each request has a fresh nonce.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const AK = 'LTAIbenchKeyId';
export const SK = 'bench-secret';

const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const nonce = () => randomBytes(16).toString('hex');

/** A v1-signed request target for POST. */
export function v1Path(action, params) {
  const p = { Action: action, Version: '2016-01-20', Format: 'JSON', AccessKeyId: AK, SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', SignatureNonce: nonce(), Timestamp: isoNow(), ...params };
  const cqs = Object.keys(p).sort().map((k) => enc(k) + '=' + enc(p[k])).join('&');
  const sig = createHmac('sha1', SK + '&').update('POST&%2F&' + enc(cqs)).digest('base64');
  return `/?${cqs}&Signature=${enc(sig)}`;
}

const EMPTY = createHash('sha256').update('').digest('hex');
/** V3 path and headers for a bodiless POST. */
export function v3Request(host, action, query) {
  const headers = { host, 'x-acs-action': action, 'x-acs-version': '2016-01-20', 'x-acs-date': isoNow(), 'x-acs-signature-nonce': nonce(), 'x-acs-content-sha256': EMPTY };
  const names = Object.keys(headers).sort();
  const cq = Object.keys(query).sort().map((k) => enc(k) + '=' + enc(query[k])).join('&');
  const canonical = ['POST', '/', cq, names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), EMPTY].join('\n');
  const sts = 'ACS3-HMAC-SHA256\n' + createHash('sha256').update(canonical).digest('hex');
  const sig = createHmac('sha256', SK).update(sts).digest('hex');
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=${names.join(';')},Signature=${sig}`;
  return { path: '/?' + cq, headers };
}
