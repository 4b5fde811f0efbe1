// The HTTP side of the remote backend: RPC v1 requests laid out as the Go SDK behind the real CLI
// sends them (aliyun-cli-behavior.md §7.2), sent by http1.ts under the CLI's connect and read
// timeouts, and transport failures turned into the Go error texts of §4.5 (with secrets redacted).
import { randomBytes } from 'node:crypto';
import { exchange, ExchangeTimeout, StaleConnection } from './http1.js';
import { stringToSignV1, hmacSha1Base64, UNRESERVED } from '../../core/signature.js';

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export type Scheme = 'http' | 'https';

export interface HttpOptions {
  connectTimeoutMs: number;
  /** Whole-request timeout (Go http.Client.Timeout). */
  readTimeoutMs: number;
  skipVerify?: boolean;
}

export interface WireRequest {
  method: 'GET' | 'POST' | 'PUT';
  scheme: Scheme;
  host: string;
  /** `/` for RPC calls; credential sources (IMDS, credentials URI) use their own paths. */
  path?: string;
  /** Everything after `?`, already encoded. */
  query: string;
  headers: [string, string][];
  /** Form body (encoded); empty for KMS calls. */
  body: string;
  /** The call changes nothing: it may share a kept-alive connection (http1.ts Exchange.reuse). */
  reuse?: boolean;
  /** Not on an idle kept-alive connection (the retry after a stale one). */
  fresh?: boolean;
}

export interface WireResponse {
  status: number;
  /** Response headers in arrival order per name (lower-case names). */
  headers: [string, string][];
  text: string;
}

/** Go's url.QueryEscape: unreserved kept, space → `+`, everything else %XX upper-case. */
export function goQueryEscape(s: string): string {
  // Most names and values need nothing (twenty calls of `kms run` are signed in a row: keep it cheap).
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

/** Go's url.Values.Encode: keys sorted byte-wise, `k=v` joined by `&`. */
export function goEncodeValues(values: Record<string, string>): string {
  return Object.keys(values)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => goQueryEscape(k) + '=' + goQueryEscape(values[k]))
    .join('&');
}

/** Random bytes for nonces, drawn 32 nonces at a time (one call of the generator instead of twenty). */
let nonceBytes = Buffer.alloc(0);
let nonceAt = 0;

/** 32 lower-case hex characters, as the Go SDK's nonce. */
export function newNonce(): string {
  if (nonceAt + 16 > nonceBytes.length) {
    nonceBytes = randomBytes(512);
    nonceAt = 0;
  }
  const hex = nonceBytes.toString('hex', nonceAt, nonceAt + 16);
  nonceAt += 16;
  return hex;
}

let stampSecond = NaN;
let stampText = '';

/** `YYYY-MM-DDThh:mm:ssZ` in UTC (made once a second: `kms run` signs twenty calls within one). */
export function rpcTimestamp(ms = Date.now()): string {
  const second = Math.floor(ms / 1000);
  if (second !== stampSecond) {
    stampSecond = second;
    stampText = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return stampText;
}

export interface SignedParams {
  query: Record<string, string>;
  stringToSign: string;
}

/**
 * Adds the common parameters of an RPC v1 call and its Signature. `form` parameters travel in the
 * body but are signed together with the query ones.
 */
export function signRpc(
  method: string,
  query: Record<string, string>,
  form: Record<string, string>,
  creds: Credentials,
  extra: { signatureType?: boolean } = {},
): SignedParams {
  const q: Record<string, string> = {
    ...query,
    AccessKeyId: creds.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: newNonce(),
    SignatureVersion: '1.0',
    Timestamp: rpcTimestamp(),
  };
  if (extra.signatureType) q.SignatureType = '';
  if (creds.securityToken) q.SecurityToken = creds.securityToken;
  const stringToSign = stringToSignV1(method, Object.keys(form).length ? { ...q, ...form } : q);
  q.Signature = hmacSha1Base64(creds.accessKeySecret, stringToSign);
  return { query: q, stringToSign };
}

export const urlOf = (r: Pick<WireRequest, 'scheme' | 'host' | 'path' | 'query'>) => `${r.scheme}://${r.host}${r.path ?? '/'}${r.query ? '?' + r.query : ''}`;

const SECRET_PARAMS = ['AccessKeyId', 'Signature', 'SecurityToken', 'SecretData'];

/** The URL with the values of AccessKeyId, Signature and SecurityToken replaced (spec README deviation). */
export function redactedUrl(r: Pick<WireRequest, 'scheme' | 'host' | 'path' | 'query'>): string {
  const query = r.query
    .split('&')
    .map((kv) => {
      const i = kv.indexOf('=');
      const k = i < 0 ? kv : kv.slice(0, i);
      return SECRET_PARAMS.includes(k) ? `${k}=***` : kv;
    })
    .join('&');
  return urlOf({ ...r, query });
}

/** A failure below HTTP: the Go error text (without the `Post "url": ` prefix) and whether to retry. */
export class TransportError extends Error {
  constructor(
    readonly detail: string,
    readonly retryable: boolean,
    /** Read timeout (Client.Timeout) rather than a dial failure: picks the retry-exhausted sentence. */
    readonly readTimeout = false,
    /** A kept-alive connection closed under the request before any answer: sent again at once on a new one. */
    readonly stale = false,
  ) {
    super(detail);
  }
}

/** The proxy for a request: HTTPS_PROXY / HTTP_PROXY unless NO_PROXY (comma-separated patterns) matches the host. */
export function proxyFor(scheme: Scheme, hostname: string): URL | undefined {
  const env = process.env;
  const raw = scheme === 'https' ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy;
  if (!raw) return undefined;
  // Like Go's net/http: loopback is never proxied.
  if (hostname === 'localhost' || /^127\./.test(hostname) || hostname === '::1' || hostname === '[::1]') return undefined;
  const noProxy = env.NO_PROXY || env.no_proxy || '';
  for (const item of noProxy.split(',').map((x) => x.trim())) {
    if (!item) continue;
    let hit: boolean;
    try {
      hit = new RegExp(item).test(hostname);
    } catch {
      hit = item === hostname;
    }
    if (hit) return undefined;
  }
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

function dialAddress(r: Pick<WireRequest, 'scheme' | 'host'>): { host: string; addr: string } {
  const u = new URL(`${r.scheme}://${r.host}/`);
  const host = u.hostname;
  const port = u.port || (r.scheme === 'https' ? '443' : '80');
  return { host, addr: `${host}:${port}` };
}

/** Node's error codes → the Go runtime's wording (aliyun-cli-behavior.md §4.5). */
function goCause(code: string | undefined, r: WireRequest, message: string): TransportError {
  const { host, addr } = dialAddress(r);
  switch (code) {
    case 'ECONNREFUSED':
      return new TransportError(`dial tcp ${addr}: connect: connection refused`, true);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new TransportError(`dial tcp: lookup ${host}: no such host`, true);
    case 'EDIALTIMEOUT':
    case 'ETIMEDOUT':
      return new TransportError(`dial tcp ${addr}: i/o timeout`, true);
    case 'ECONNRESET':
      return new TransportError(`read tcp ${addr}: read: connection reset by peer`, true);
    case 'EHOSTUNREACH':
      return new TransportError(`dial tcp ${addr}: connect: no route to host`, true);
    case 'ENETUNREACH':
      return new TransportError(`dial tcp ${addr}: connect: network is unreachable`, true);
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return new TransportError('tls: failed to verify certificate: x509: certificate signed by unknown authority', false);
    case 'CERT_HAS_EXPIRED':
      return new TransportError('tls: failed to verify certificate: x509: certificate has expired or is not yet valid', false);
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new TransportError(`tls: failed to verify certificate: x509: certificate is valid for other names, not ${host}`, false);
  }
  if (code === 'EGOREQUEST') return new TransportError(message, false);
  // OpenSSL's errors read as Go's crypto/tls ones; not retried, as a certificate failure is not.
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') return new TransportError('tls: first record does not look like a TLS handshake', false);
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1)_ALERT_(\w+)$/.exec(code ?? '');
  if (alert) return new TransportError(`remote error: tls: ${alert[1].toLowerCase().replace(/_/g, ' ')}`, false);
  if (code?.startsWith('ERR_SSL_')) return new TransportError(`tls: ${code.slice(8).toLowerCase().replace(/_/g, ' ')}`, false);
  return new TransportError(message, true);
}

/** A user name or password of a proxy URL, decoded; a bad escape is named, never the value (it may be a password). */
function proxyUserInfo(part: string, scheme: Scheme): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new TransportError(`invalid proxy address in ${scheme === 'https' ? 'HTTPS_PROXY/https_proxy' : 'HTTP_PROXY/http_proxy'}: a bad %-escape in its user name or password`, false);
  }
}

/** Where requests to one endpoint go: its parts as the URL parser reads them, and its proxy. */
interface Route {
  hostHeader: string;
  host: string;
  port: number;
  /** The path of the endpoint URL (`/` unless the endpoint names one). */
  pathname: string;
  proxy?: { host: string; port: number; authorization?: string };
}

/** Routes by scheme, host and path: `kms run` sends twenty requests to one endpoint (the environment's proxy variables are read once). */
const routes = new Map<string, Route>();

function routeOf(r: WireRequest): Route {
  const key = `${r.scheme}://${r.host}${r.path ?? '/'}`;
  let route = routes.get(key);
  if (route) return route;
  // Parsed as the URL the error texts show: an endpoint written with a path or a default port is
  // sent as Go (and node:http before this client) sent it.
  const u = new URL(key);
  const proxyUrl = proxyFor(r.scheme, u.hostname);
  route = {
    hostHeader: u.host,
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(u.port || (r.scheme === 'https' ? 443 : 80)),
    pathname: u.pathname,
    proxy: proxyUrl && {
      host: proxyUrl.hostname,
      port: Number(proxyUrl.port || (proxyUrl.protocol === 'https:' ? 443 : 80)),
      authorization: proxyUrl.username ? `Basic ${Buffer.from(`${proxyUserInfo(proxyUrl.username, r.scheme)}:${proxyUserInfo(proxyUrl.password, r.scheme)}`).toString('base64')}` : undefined,
    },
  };
  routes.set(key, route);
  return route;
}

/** Characters the URL parser leaves as they are in an http(s) query (goEncodeValues writes only these). */
const PLAIN_QUERY = /^[A-Za-z0-9%&=+._~*!$(),;:@/?-]*$/;

/** Sends one request; resolves for any HTTP status, rejects with a TransportError. */
export async function send(r: WireRequest, opts: HttpOptions): Promise<WireResponse> {
  const route = routeOf(r);
  const search = !r.query ? '' : PLAIN_QUERY.test(r.query) ? '?' + r.query : new URL(urlOf(r)).search;
  const { proxy } = route;
  try {
    const res = await exchange({
      method: r.method,
      secure: r.scheme === 'https',
      hostHeader: route.hostHeader,
      host: route.host,
      port: route.port,
      target: route.pathname + search,
      headers: r.headers,
      reuse: r.reuse,
      fresh: r.fresh,
      body: r.method === 'GET' ? '' : r.body,
      connectTimeoutMs: opts.connectTimeoutMs,
      timeoutMs: opts.readTimeoutMs,
      skipVerify: !!opts.skipVerify,
      proxy,
    });
    return { status: res.status, headers: res.headers, text: res.body.toString('utf8') };
  } catch (e: any) {
    if (e instanceof ExchangeTimeout) throw new TransportError('context deadline exceeded (Client.Timeout exceeded while awaiting headers)', true, true);
    if (e instanceof StaleConnection) throw new TransportError('EOF', true, false, true);
    throw goCause(e?.code, r, String(e?.message ?? e));
  }
}

/** `Post "<url>": <cause>`, the Go *url.Error text, URL redacted. */
export function goUrlError(r: WireRequest, cause: string): string {
  const m = r.method[0] + r.method.slice(1).toLowerCase();
  return `${m} ${JSON.stringify(redactedUrl(r))}: ${cause}`;
}
