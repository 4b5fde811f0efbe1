// The HTTP side of the remote backend: RPC v1 requests laid out as the Go SDK behind the real CLI
// sends them (aliyun-cli-behavior.md §7.2), sent with node-fetch under the CLI's connect and read
// timeouts, and transport failures turned into the Go error texts of §4.5 (with secrets redacted).
import { randomBytes } from 'node:crypto';
import type { Agent as HttpAgent } from 'node:http';
import { stringToSignV1, hmacSha1Base64 } from '../../core/signature.js';

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
}

export interface WireResponse {
  status: number;
  /** Response headers in arrival order per name (lower-case names). */
  headers: [string, string][];
  text: string;
}

/** Go's url.QueryEscape: unreserved kept, space → `+`, everything else %XX upper-case. */
export function goQueryEscape(s: string): string {
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

/** 32 lower-case hex characters, as the Go SDK's nonce. */
export const newNonce = () => randomBytes(16).toString('hex');

/** `YYYY-MM-DDThh:mm:ssZ` in UTC. */
export const rpcTimestamp = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

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
  const stringToSign = stringToSignV1(method, { ...q, ...form });
  q.Signature = hmacSha1Base64(creds.accessKeySecret, stringToSign);
  return { query: q, stringToSign };
}

export const urlOf = (r: Pick<WireRequest, 'scheme' | 'host' | 'path' | 'query'>) => `${r.scheme}://${r.host}${r.path ?? '/'}${r.query ? '?' + r.query : ''}`;

const SECRET_PARAMS = ['AccessKeyId', 'Signature', 'SecurityToken'];

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
  ) {
    super(detail);
  }
}

type Fetch = typeof import('node-fetch').default;
let fetchFn: Fetch | undefined;
async function loadFetch(): Promise<Fetch> {
  return (fetchFn ??= (await import('node-fetch')).default);
}

/** An agent whose sockets fail with a dial timeout when TCP does not connect in time. */
async function agentFor(scheme: Scheme, opts: HttpOptions): Promise<HttpAgent> {
  const mod = scheme === 'https' ? await import('node:https') : await import('node:http');
  const agent: any = new mod.Agent(scheme === 'https' ? { rejectUnauthorized: !opts.skipVerify } : {});
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (options: any, cb: any) => {
    const socket = create(options, cb);
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('dial timeout'), { code: 'EDIALTIMEOUT' })), opts.connectTimeoutMs);
    const clear = () => clearTimeout(timer);
    socket.once('connect', clear);
    socket.once('close', clear);
    return socket;
  };
  return agent;
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
  if (/socket hang up|premature close/i.test(message)) return new TransportError('EOF', true);
  return new TransportError(message.replace(/^request to \S+ failed, reason: /, ''), true);
}

/** Sends one request; resolves for any HTTP status, rejects with a TransportError. */
export async function send(r: WireRequest, opts: HttpOptions): Promise<WireResponse> {
  const fetch = await loadFetch();
  const agent = await agentFor(r.scheme, opts);
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, opts.readTimeoutMs);
  try {
    const res = await fetch(urlOf(r), {
      method: r.method,
      headers: r.headers,
      body: r.method === 'GET' ? undefined : r.body,
      agent,
      signal: ac.signal as any,
      redirect: 'manual',
      compress: false,
    });
    const text = await res.text();
    const headers: [string, string][] = [];
    for (const [k, vs] of Object.entries(res.headers.raw())) for (const v of vs) headers.push([k, v]);
    return { status: res.status, headers, text };
  } catch (e: any) {
    if (timedOut || e?.name === 'AbortError')
      throw new TransportError('context deadline exceeded (Client.Timeout exceeded while awaiting headers)', true, true);
    throw goCause(e?.code, r, String(e?.message ?? e));
  } finally {
    clearTimeout(timer);
    agent.destroy();
  }
}

/** `Post "<url>": <cause>`, the Go *url.Error text, URL redacted. */
export function goUrlError(r: WireRequest, cause: string): string {
  const m = r.method[0] + r.method.slice(1).toLowerCase();
  return `${m} ${JSON.stringify(redactedUrl(r))}: ${cause}`;
}
