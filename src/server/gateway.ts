// The API gateway in front of the local service: turns a received HTTP request into the one call
// `{action, params, region}` after checking its signature (v1 HMAC-SHA1, signing-and-transport.md
// §2.7, or V3 ACS3-HMAC-SHA256, §3.5), credentials, clock skew and nonce. Refusals are the
// gateway's errors of §4.6 (unstamped ServiceErrors; the server stamps them).
import { createSecretKey, randomInt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { ServiceError } from '../core/errors.js';
import { hmacSha1Base64, popEncode, stringToSignV1, v1SigningKey } from '../core/signature.js';
import { ACS3_ALGORITHM, EMPTY_BODY_SHA256, canonicalRequestV3, parseAuthorizationV3, sha256Hex, signV3, stringToSignV3 } from '../core/signature-v3.js';

export const API_VERSION = '2016-01-20';
/** The gateway's clock tolerance and, with it, how long a nonce is remembered. */
export const SKEW_MS = 15 * 60_000;
/** `cn-hangzhou`, `ap-southeast-1`, … */
export const REGION_ID = /^[a-z]{2,}(-[a-z0-9]+)+$/;

export interface Credential {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, every request with this key must carry exactly this SecurityToken (an STS pair). */
  securityToken?: string;
}

/** What the server hands the gateway: the raw pieces of one HTTP request. */
export interface RawRequest {
  method: string;
  /** Everything after `?` in the request target, undecoded. */
  rawQuery: string;
  /** Lower-case header names, as Node gives them: a repeated header joined with `, ` (Set-Cookie, which the gateway never reads by name, a list). */
  headers: Record<string, string>;
  body: Buffer;
}

export interface AuthenticatedCall {
  action: string;
  params: Record<string, string>;
  region: string;
  accessKeyId: string;
  scheme: 'v1' | 'v3';
}

/** Headers every V3 request must sign (§3.4). */
const V3_REQUIRED_HEADERS = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];

// Parameters of the v1 envelope: checked here, never passed to an operation.
const V1_COMMON = new Set(['Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'SignatureType', 'Timestamp', 'SecurityToken', 'Signature']);

export const GatewayErrors = {
  unsupportedMethod: () => new ServiceError(403, 'UnsupportedHTTPMethod', 'This http method is not supported.'),
  missing: (name: string) => new ServiceError(400, `Missing${name}`, `${name} is mandatory for this action.`),
  missingTimestamp: () => new ServiceError(400, 'IllegalTimestamp', 'The input parameter "Timestamp" that is mandatory for processing this request is not supplied.'),
  incompleteSignature: () => new ServiceError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.'),
  signatureMismatch: (stringToSign: string) =>
    new ServiceError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`),
  unknownKey: () => new ServiceError(404, 'InvalidAccessKeyId.NotFound', 'The Access Key ID provided does not exist in our records.'),
  expired: () => new ServiceError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'),
  badTimestamp: () => new ServiceError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.'),
  nonceUsed: () => new ServiceError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.'),
  badVersion: () => new ServiceError(400, 'InvalidVersion', 'Specified parameter Version is not valid.'),
  tokenMismatch: () => new ServiceError(400, 'InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.'),
  tokenMissing: () => new ServiceError(400, 'MissingSecurityToken', 'SecurityToken is mandatory for this action.'),
  // Ours: a region id names a folder of the store, so only region-shaped ids are accepted.
  badRegion: () => new ServiceError(400, 'InvalidRegionId', 'The specified RegionId does not exist.'),
  // Our choice (the emulator speaks JSON only); the code is the service's for a refused value.
  xmlRefused: () => new ServiceError(400, 'InvalidParameter', 'The specified parameter "Format" is not valid: this emulator answers JSON only.'),
};

/** Form semantics (§2.7 step 2): `+` is a space, empty values and bare keys kept; later wins. */
export function decodeForm(raw: string, into: Record<string, string> = {}): Record<string, string> {
  if (!raw) return into;
  // What clients send (printable ASCII, well-formed escapes) is split here: URLSearchParams costs
  // a third of a request's verification. Anything else goes to URLSearchParams, whose decoding
  // (malformed escapes kept, bad UTF-8 replaced) this must never differ from.
  if (!NOT_PRINTABLE_ASCII.test(raw)) {
    let at = 0;
    const fast: [string, string][] = [];
    for (;;) {
      const end = raw.indexOf('&', at);
      const pair = end < 0 ? raw.slice(at) : raw.slice(at, end);
      if (pair !== '') {
        const eq = pair.indexOf('=');
        const k = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
        const v = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1));
        if (k === undefined || v === undefined) return decodeFormSlow(raw, into);
        fast.push([k, v]);
      }
      if (end < 0) break;
      at = end + 1;
    }
    for (const [k, v] of fast) into[k] = v;
    return into;
  }
  return decodeFormSlow(raw, into);
}

const NOT_PRINTABLE_ASCII = /[^\x21-\x7e]/;
const PLUS = /\+/g;

/** One component of a printable-ASCII form; undefined for a malformed escape or bytes that are not UTF-8. */
function decodeComponent(raw: string): string | undefined {
  const s = raw.indexOf('+') < 0 ? raw : raw.replace(PLUS, ' ');
  if (s.indexOf('%') < 0) return s;
  try {
    // Well-formed escapes of valid UTF-8 decode exactly as URLSearchParams decodes them; the rest throws.
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function decodeFormSlow(raw: string, into: Record<string, string>): Record<string, string> {
  for (const [k, v] of new URLSearchParams(raw)) into[k] = v;
  return into;
}

/**
 * Remembers nonces for the skew window, so a captured request cannot be replayed while its
 * timestamp is still accepted. A nonce is kept as a 64-bit hash in one of two fixed tables of
 * typed arrays, not as a string in a Map: under load a Map of strings made the garbage collector
 * the server's largest cost, and it took about 150 bytes an entry (these take 16 at most).
 * New nonces go into the current table; once a window has passed, or the current table holds its
 * share of `maxEntries`, it becomes the previous table and the previous one is emptied. So a
 * nonce is remembered for at least one window and at most two, unless more than `maxEntries`
 * arrive within a window (the oldest are forgotten first). Only requests with a valid signature
 * add a nonce; two different nonces share a hash with a chance of about 2^-64.
 */
export class NonceCache {
  private current: Uint32Array;
  private previous: Uint32Array;
  private currentCount = 0;
  private previousCount = 0;
  private readonly perTable: number;
  private readonly mask: number;
  private rotatedAt = NaN;
  // Random per process: nonces cannot be chosen ahead to pile up in one run of slots.
  private readonly seedA = randomInt(0x100000000);
  private readonly seedB = randomInt(0x100000000);

  constructor(
    private readonly windowMs = 2 * SKEW_MS,
    maxEntries = 1_000_000,
  ) {
    this.perTable = Math.max(1, Math.floor(maxEntries / 2));
    // At most half full, so that probes stay short.
    let slots = 2;
    while (slots < this.perTable * 2) slots *= 2;
    this.mask = slots - 1;
    // Two words a slot; untouched pages of a large table cost no memory until used.
    this.current = new Uint32Array(slots * 2);
    this.previous = new Uint32Array(slots * 2);
  }

  /** Records the nonce; false if it was already seen within the window. */
  add(key: string, now = Date.now()): boolean {
    if (Number.isNaN(this.rotatedAt)) this.rotatedAt = now;
    if (now - this.rotatedAt >= this.windowMs) {
      this.rotate();
      // Two windows without a nonce: the previous table is too old to keep as well.
      if (now - this.rotatedAt >= 2 * this.windowMs) this.rotate();
      this.rotatedAt = now;
    }
    // FNV-1a and a multiply-xorshift hash over the UTF-16 code units from random seeds, then each mixed (murmur3's finaliser).
    let a = this.seedA;
    let b = this.seedB ^ key.length;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 13;
    }
    a = fmix32(a);
    b = fmix32(b ^ a) || 1; // (x, 0) marks an empty slot
    if (this.find(this.previous, a, b) < 0) return false;
    const at = this.find(this.current, a, b);
    if (at < 0) return false;
    this.current[at] = a;
    this.current[at + 1] = b;
    if (++this.currentCount >= this.perTable) {
      this.rotate();
      this.rotatedAt = now;
    }
    return true;
  }

  /** The word index of the empty slot where the hash would go, or -1 if it is there already. */
  private find(table: Uint32Array, a: number, b: number): number {
    for (let slot = a & this.mask; ; slot = (slot + 1) & this.mask) {
      const i = slot * 2;
      const y = table[i + 1];
      if (y === 0) return i;
      if (y === b >>> 0 && table[i] === a >>> 0) return -1;
    }
  }

  private rotate(): void {
    const emptied = this.previous;
    emptied.fill(0);
    this.previous = this.current;
    this.previousCount = this.currentCount;
    this.current = emptied;
    this.currentCount = 0;
  }

  get size(): number {
    return this.currentCount + this.previousCount;
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export interface GatewayOptions {
  credentials: Credential[];
  defaultRegion: string;
  /** Off only for benchmarking (`--no-nonce-check`). */
  checkNonce?: boolean;
}

/** A credential with its HMAC keys prepared once (v1 signs with `secret&`, V3 with the secret). */
interface KnownKey extends Credential {
  v1Key: KeyObject;
  v3Key: KeyObject;
}

export class Gateway {
  private readonly keys = new Map<string, KnownKey>();
  private readonly nonces = new NonceCache();
  private readonly checkNonce: boolean;

  constructor(private readonly opts: GatewayOptions) {
    for (const c of opts.credentials) this.keys.set(c.accessKeyId, { ...c, v1Key: v1SigningKey(c.accessKeySecret), v3Key: createSecretKey(Buffer.from(c.accessKeySecret, 'utf8')) });
    this.checkNonce = opts.checkNonce ?? true;
  }

  authenticate(req: RawRequest): AuthenticatedCall {
    const method = req.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw GatewayErrors.unsupportedMethod();
    const params = decodeForm(req.rawQuery);
    const isForm = method === 'POST' && /^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '');
    const auth = req.headers['authorization'];
    if (auth !== undefined && auth.startsWith('ACS3-')) return this.verifyV3(req, method, auth, params, isForm);
    if (isForm) decodeForm(req.body.toString('utf8'), params);
    return this.verifyV1(req, method, params);
  }

  private verifyV1(req: RawRequest, method: string, params: Record<string, string>): AuthenticatedCall {
    for (const name of ['Action', 'Version', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion']) if (params[name] === undefined) throw GatewayErrors.missing(name);
    if (params.Timestamp === undefined) throw GatewayErrors.missingTimestamp();
    if (params.Signature === undefined) throw GatewayErrors.missing('Signature');
    // Without a nonce a captured request could be replayed for the whole skew window.
    if (!params.SignatureNonce && this.checkNonce) throw GatewayErrors.missing('SignatureNonce');
    if (params.Version !== API_VERSION) throw GatewayErrors.badVersion();
    if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') throw GatewayErrors.incompleteSignature();
    const cred = this.credential(params.AccessKeyId);
    this.checkTime(params.Timestamp);
    const toSign = stringToSignV1(method, params);
    if (!sameText(hmacSha1Base64(cred.v1Key, toSign), params.Signature)) throw GatewayErrors.signatureMismatch(maskedStringToSignV1(method, params));
    this.checkToken(cred, params.SecurityToken);
    this.checkNonceOnce(cred.accessKeyId, params.SignatureNonce);
    if (params.Format !== undefined && params.Format !== '' && params.Format.toUpperCase() !== 'JSON') throw GatewayErrors.xmlRefused();
    const apiParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (!V1_COMMON.has(k)) apiParams[k] = v;
    return { action: params.Action, params: apiParams, region: this.regionOf(params, req), accessKeyId: cred.accessKeyId, scheme: 'v1' };
  }

  private verifyV3(req: RawRequest, method: string, header: string, query: Record<string, string>, isForm: boolean): AuthenticatedCall {
    const auth = parseAuthorizationV3(header);
    if (!auth || auth.algorithm !== ACS3_ALGORITHM) throw GatewayErrors.incompleteSignature();
    const signed = auth.signedHeaders.map((h) => h.toLowerCase());
    for (const h of V3_REQUIRED_HEADERS) if (!signed.includes(h) || req.headers[h] === undefined) throw GatewayErrors.incompleteSignature();
    if (req.headers['x-acs-signature-nonce'] === '' && this.checkNonce) throw GatewayErrors.incompleteSignature();
    const h = req.headers;
    if (h['x-acs-version'] !== API_VERSION) throw GatewayErrors.badVersion();
    const cred = this.credential(auth.accessKeyId);
    this.checkTime(h['x-acs-date']);
    // The payload hash is that of the bytes received: a body changed in transit fails the signature.
    // (Most calls have no body: its hash is a constant, not a hash computed per request.)
    const canonical = canonicalRequestV3(method, '/', query, h, signed, req.body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(req.body));
    const toSign = stringToSignV3(canonical);
    if (!sameText(signV3(toSign, cred.v3Key), auth.signature)) throw GatewayErrors.signatureMismatch(toSign);
    this.checkToken(cred, h['x-acs-security-token']);
    this.checkNonceOnce(cred.accessKeyId, h['x-acs-signature-nonce']);
    // The query's own object (made by decodeForm for this request) takes the body's parameters too.
    const params = query;
    if (isForm) decodeForm(req.body.toString('utf8'), params);
    return { action: h['x-acs-action'], params, region: this.regionOf(params, req), accessKeyId: cred.accessKeyId, scheme: 'v3' };
  }

  private credential(accessKeyId: string): KnownKey {
    const cred = this.keys.get(accessKeyId);
    if (!cred) throw GatewayErrors.unknownKey();
    return cred;
  }

  /** `yyyy-MM-ddTHH:mm:ssZ` (milliseconds tolerated, §9.3), within ±15 minutes of our clock. */
  private checkTime(ts: string): void {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(ts)) throw GatewayErrors.badTimestamp();
    const t = Date.parse(ts);
    if (!Number.isFinite(t)) throw GatewayErrors.badTimestamp();
    if (Math.abs(Date.now() - t) > SKEW_MS) throw GatewayErrors.expired();
  }

  private checkToken(cred: Credential, token: string | undefined): void {
    if (cred.securityToken === undefined) {
      if (token !== undefined && token !== '') throw GatewayErrors.tokenMismatch();
      return;
    }
    if (token === undefined || token === '') throw GatewayErrors.tokenMissing();
    if (!sameText(token, cred.securityToken)) throw GatewayErrors.tokenMismatch();
  }

  /** A reused nonce is refused (a missing one was refused before the signature was checked). */
  private checkNonceOnce(accessKeyId: string, nonce: string | undefined): void {
    if (!this.checkNonce || nonce === undefined || nonce === '') return;
    if (!this.nonces.add(accessKeyId + '\u0000' + nonce)) throw GatewayErrors.nonceUsed();
  }

  /** RegionId parameter, else the `kms[-vpc].<region>.aliyuncs.com` Host, else the server's default. */
  private regionOf(params: Record<string, string>, req: RawRequest): string {
    if (params.RegionId) {
      if (!REGION_ID.test(params.RegionId)) throw GatewayErrors.badRegion();
      return params.RegionId;
    }
    return regionFromHost(req.headers['host']) ?? this.opts.defaultRegion;
  }
}

/** The region of a `kms[-vpc].<region>.aliyuncs.com[:port]` Host header, if it is one. */
export function regionFromHost(host: string | undefined): string | undefined {
  const m = /^kms(?:-vpc)?\.([a-z0-9-]+)\.aliyuncs\.com(?::\d+)?$/i.exec(host ?? '');
  return m ? m[1].toLowerCase() : undefined;
}

/** Parameters whose values are never echoed, in any encoding (matched case-insensitively). */
const MASKED_PARAM = /^(SecretData|SecurityToken)$/i;
export const MASK = '***';

/**
 * The v1 string to sign as the gateway echoes it in SignatureDoesNotMatch: the same text, except
 * that each masked parameter's value (which appears there URL-encoded twice) is `***`. Clients
 * such as pop-core copy the echo into error.message, which ends up in logs.
 */
export function maskedStringToSignV1(method: string, params: Record<string, string>): string {
  const pairs = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => (MASKED_PARAM.test(k) ? popEncode(popEncode(k) + '=') + MASK : popEncode(popEncode(k) + '=' + popEncode(params[k]))));
  return method.toUpperCase() + '&' + popEncode('/') + '&' + pairs.join(popEncode('&'));
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
