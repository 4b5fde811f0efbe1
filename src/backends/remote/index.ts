// The remote backend: signed RPC v1 calls to the real KMS endpoint, laid out, retried and reported
// as the real CLI does (aliyun-cli-behavior.md §4.3, §4.5, §7). The HTTP stack is loaded only here.
import { readFileSync } from 'node:fs';
import { platform, arch } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from '../../core/errors.js';
import { parseLossless, JsonSyntaxError, type JsonValue } from '../../core/json.js';
import { CLI_VERSION } from '../../core/version.js';
import { defaultConfigPath, profileString, type Profile } from '../../config/profile.js';
import { resolveRegion } from '../../config/region.js';
import { validateProfile } from '../../config/credentials.js';
import type { RemoteBackendOptions } from './options.js';
import type { Backend, Call } from '../backend.js';
import { resolveCredentials } from './credentials.js';
import { serverError } from './server-error.js';
import { resolveEndpoint } from './endpoint.js';
import { goEncodeValues, goUrlError, send, signRpc, TransportError, type Credentials, type HttpOptions, type Scheme, type WireRequest, type WireResponse } from './wire.js';

export const SDK_CORE_VERSION = '1.63.22';
export const API_VERSION = '2016-01-20';

/** A 2xx answer that is not JSON: the real CLI prints such a body as it came. */
export class NonJsonResponse extends Error {
  /** Checked by the CLI (class names do not survive minification, nor instanceof across bundles). */
  readonly nonJsonBody = true;
  constructor(readonly text: string) {
    super('the response is not JSON');
  }
}

export interface RemoteOptions {
  host: string;
  scheme: Scheme;
  method: 'GET' | 'POST';
  version: string;
  headers: [string, string][];
  http: HttpOptions;
  retryCount: number;
  throttle: { enabled: boolean; maxAttempts: number; maxDelayMs: number };
  logInfo: boolean;
  format: 'JSON' | 'XML';
  userAgent: string;
}

export interface SignedCall {
  wire: WireRequest;
  stringToSign: string;
}

/** KMS names the calls that change nothing Get…, List… and Describe…: only they may share a connection. */
const READ_ONLY = /^(Get|List|Describe)[A-Z]/;

export class RemoteBackend implements Backend {
  readonly name = 'remote' as const;
  private creds?: Promise<Credentials>;

  constructor(
    readonly opts: RemoteOptions,
    private readonly getCredentials: () => Promise<Credentials>,
    private readonly log: (s: string) => void = (s) => process.stderr.write(s),
  ) {}

  credentials(): Promise<Credentials> {
    return (this.creds ??= this.getCredentials());
  }

  /** Parameters and headers the environment adds to every call (read once: `kms run` signs twenty calls). */
  private readonly fromEnv = (() => {
    const params: [string, string][] = [];
    for (const [k, v] of [
      ['ALIBABA_CLOUD_SOURCE_IP', 'SourceIp'],
      ['ALIBABA_CLOUD_SECURE_TRANSPORT', 'SecureTransport'],
    ]) {
      const e = process.env[k];
      if (e) params.push([v, e]);
    }
    const headers: [string, string][] = [];
    for (const [env, h] of [
      ['ALIBABA_CLOUD_OTEL_TRACEPARENT', 'traceparent'],
      ['ALIBABA_CLOUD_OTEL_BAGGAGE', 'baggage'],
    ]) {
      const e = process.env[env];
      if (e) headers.push([h, e]);
    }
    return { params, headers };
  })();
  /** Header lists by action and credential kind: the twenty calls of `kms run` share one (and its validation, in http1.ts). */
  private readonly headerLists = new Map<string, readonly [string, string][]>();

  /** The request headers of a call: the Go SDK's, then the environment's, then `--header` (which replaces). */
  private headersFor(action: string, sts: boolean): [string, string][] {
    const key = `${sts ? 'sts' : 'ak'}\u0000${action}`;
    let list = this.headerLists.get(key);
    if (!list) this.headerLists.set(key, (list = this.buildHeaders(action, sts)));
    return list as [string, string][];
  }

  private buildHeaders(action: string, sts: boolean): [string, string][] {
    const { opts } = this;
    const headers: [string, string][] = [
      ['Accept-Encoding', 'identity'],
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['User-Agent', opts.userAgent],
      ['x-acs-action', action],
      ['x-acs-credentials-provider', sts ? 'static_sts' : 'static_ak'],
      ['x-acs-version', opts.version],
      ['x-sdk-client', 'golang/1.0.0'],
      ['x-sdk-core-version', SDK_CORE_VERSION],
      ['x-sdk-invoke-type', 'common'],
      ...this.fromEnv.headers,
    ];
    return mergeHeaders(headers, opts.headers);
  }

  /** Builds the signed request: fresh nonce and timestamp each time (every retry re-signs). */
  async sign(c: Call, extraHeaders: [string, string][] = []): Promise<SignedCall> {
    const creds = await this.credentials();
    const { opts } = this;
    const params: Record<string, string> = { ...c.params, Action: c.action, Format: opts.format, Version: opts.version };
    if (params.RegionId === undefined) params.RegionId = c.region;
    for (const [k, v] of this.fromEnv.params) params[k] = v;
    const { query, stringToSign } = signRpc(opts.method, params, {}, creds, { signatureType: true });
    const base = this.headersFor(c.action, !!creds.securityToken);
    const all = extraHeaders.length ? mergeHeaders(base, extraHeaders) : base;
    return {
      wire: { method: opts.method, scheme: opts.scheme, host: opts.host, query: goEncodeValues(query), headers: all, body: '', reuse: READ_ONLY.test(c.action) },
      stringToSign,
    };
  }

  /** The `--dryrun` text (aliyun-cli-behavior.md §3.6). */
  async dryRun(c: Call): Promise<string> {
    const { wire } = await this.sign(c);
    const headers = wire.headers
      .filter(([k]) => k !== 'User-Agent')
      .map(([k, v]) => `${k}: ${v}`)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return [
      'Skip invoke in dry-run mode, request is:',
      '------------------------------------',
      `${wire.method} /?${wire.query} ${wire.scheme.toUpperCase()}/1.1`,
      `Host: ${wire.host}`,
      ...headers,
    ].join('\n') + '\n\n\n';
  }

  async call(c: Call): Promise<JsonValue> {
    const { opts } = this;
    let retries = 0;
    let throttled = 0;
    let extra: [string, string][] = [];
    let fresh = false;
    for (;;) {
      const { wire, stringToSign } = await this.sign(c, extra);
      if (fresh) wire.fresh = true;
      let res: WireResponse;
      try {
        res = await send(wire, opts.http);
      } catch (e) {
        if (!(e instanceof TransportError)) throw e;
        // The server closed a kept-alive connection before any byte of our answer (its idle timeout, or
        // after the answers ahead of a pipelined call): once, signed anew, on a new connection; not one
        // of the --retry-count retries (Go's Transport does the same for a reused connection).
        if (e.stale && !fresh) {
          fresh = true;
          continue;
        }
        if (e.retryable && retries < opts.retryCount) {
          retries++;
          continue;
        }
        throw transportFailure(wire, e, opts.retryCount);
      }
      if (res.status >= 200 && res.status < 300) {
        try {
          return parseLossless(res.text);
        } catch (e) {
          if (e instanceof JsonSyntaxError) throw new NonJsonResponse(res.text);
          throw e;
        }
      }
      if (res.status >= 500 && retries < opts.retryCount) {
        retries++;
        continue;
      }
      const after = res.headers.find(([k]) => k === 'x-acs-retry-after')?.[1];
      const ms = after !== undefined ? Number.parseInt(after, 10) : NaN;
      if (opts.throttle.enabled && Number.isFinite(ms) && ms >= 0 && throttled < opts.throttle.maxAttempts) {
        throttled++;
        const delay = Math.min(ms, opts.throttle.maxDelayMs);
        if (opts.logInfo) this.log(`aliyun: throttling, retrying in ${delay}ms (attempt ${throttled}/${opts.throttle.maxAttempts})\n`);
        await new Promise((r) => setTimeout(r, delay));
        extra = [
          ['x-acs-retry-attempts', String(throttled)],
          ['x-acs-retry-delay', String(delay)],
        ];
        continue;
      }
      throw serverError(res, stringToSign);
    }
  }
}

/** `--header` values replace same-named defaults (case-insensitively), else are added. */
function mergeHeaders(base: [string, string][], extra: [string, string][]): [string, string][] {
  const out = [...base];
  for (const [k, v] of extra) {
    const i = out.findIndex(([x]) => x.toLowerCase() === k.toLowerCase());
    if (i >= 0) out[i] = [k, v];
    else out.push([k, v]);
  }
  return out;
}

function transportFailure(wire: WireRequest, e: TransportError, retryCount: number): CliError {
  const text = goUrlError(wire, e.detail);
  if (retryCount <= 0 || !e.retryable) return new CliError(text);
  const n = retryCount + 1;
  const sentence = e.readTimeout ? 'Read timeout. Please set a valid ReadTimeout.' : 'Connect timeout. Please set a valid ConnectTimeout.';
  return new CliError(`[SDK.TimeoutError] The request timed out ${n} times(${n} for retry), perhaps we should have the threshold raised a little? ${sentence}\ncaused by:\n${text}`);
}

const GOOS: Record<string, string> = { win32: 'windows', darwin: 'darwin', linux: 'linux', freebsd: 'freebsd' };
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

function userAgent(extra: string | undefined): string {
  let ua = `AlibabaCloud (${GOOS[platform()] ?? platform()}; ${GOARCH[arch()] ?? arch()}) Golang/1.23.8 Core/${SDK_CORE_VERSION} Aliyun-CLI/${CLI_VERSION}`;
  if (process.env.ALIBABA_CLOUD_VENDOR) ua += ` vendor/${process.env.ALIBABA_CLOUD_VENDOR}`;
  for (const src of [process.env.ALIBABA_CLOUD_USER_AGENT, extra])
    for (const word of (src ?? '').split(/\s+/)) if (/^[^/\s]+\/[^/\s]+$/.test(word)) ua += ` ${word}`;
  if (process.env.ALIYUN_USER_AGENT) ua += ` Extra/${process.env.ALIYUN_USER_AGENT}`;
  return ua;
}

/** Seconds from a flag or profile value; a non-integer is silently ignored, as in the real CLI. */
function seconds(p: Profile, keys: string[], fallback: number): number {
  for (const k of keys) {
    const v = profileString(p, k);
    if (/^\d+$/.test(v) && Number(v) > 0) return Number(v);
  }
  return fallback;
}

function throttleSettings(): RemoteOptions['throttle'] {
  const t = { enabled: true, maxAttempts: 3, maxDelayMs: 60000 };
  try {
    const f = JSON.parse(readFileSync(join(dirname(defaultConfigPath()), 'throttling-retry.json'), 'utf8'));
    if (typeof f.enabled === 'boolean') t.enabled = f.enabled;
    if (Number.isInteger(f.max_attempts) && f.max_attempts >= 0) t.maxAttempts = f.max_attempts;
    if (Number.isInteger(f.max_delay_ms) && f.max_delay_ms >= 0) t.maxDelayMs = f.max_delay_ms;
  } catch {
    // No file (the usual case) or a broken one: the defaults stand.
  }
  const en = process.env.ALIBABA_CLOUD_THROTTLING_RETRY_ENABLED;
  if (en !== undefined && en !== '') t.enabled = en === 'true' || en === '1';
  const ma = Number.parseInt(process.env.ALIBABA_CLOUD_THROTTLING_RETRY_MAX_ATTEMPTS ?? '', 10);
  if (Number.isInteger(ma) && ma >= 0) t.maxAttempts = ma;
  const md = Number.parseInt(process.env.ALIBABA_CLOUD_THROTTLING_RETRY_MAX_DELAY_MS ?? '', 10);
  if (Number.isInteger(md) && md >= 0) t.maxDelayMs = md;
  return t;
}

/** Validates the profile (exit 3), resolves the endpoint and the call settings; keys are fetched on first use. */
export async function createRemoteBackend(o: RemoteBackendOptions): Promise<{ backend: Backend; region: string }> {
  const { profile, transport: t } = o;
  validateProfile(profile);
  const region = resolveRegion(o.region, profile);
  const host = t.endpoint || resolveEndpoint(profile, region);
  const headers = t.headers ?? [];
  const accept = headers.find(([k]) => k.toLowerCase() === 'accept')?.[1] ?? '';
  const http: HttpOptions = {
    connectTimeoutMs: (t.connectTimeoutSeconds ?? seconds(profile, ['connect_timeout'], 5)) * 1000,
    readTimeoutMs: (t.readTimeoutSeconds ?? seconds(profile, ['read_timeout', 'retry_timeout'], 10)) * 1000,
    skipVerify: !!t.skipVerify,
  };
  const retry = profileString(profile, 'retry_count');
  const logLevel = (t.logLevel ?? '').toUpperCase();
  const opts: RemoteOptions = {
    host,
    scheme: t.scheme ?? 'https',
    method: t.method ?? 'POST',
    version: t.apiVersion || API_VERSION,
    headers,
    http,
    retryCount: t.retryCount ?? (/^\d+$/.test(retry) ? Number(retry) : 0),
    throttle: throttleSettings(),
    logInfo: logLevel === 'INFO' || logLevel === 'DEBUG',
    format: /xml/i.test(accept) ? 'XML' : 'JSON',
    userAgent: userAgent(t.userAgent),
  };
  // Credential sources get the CLI's default timeouts, not the API call's flags.
  const backend = new RemoteBackend(opts, () => resolveCredentials(profile, { configPath: o.configPath, http: { connectTimeoutMs: 5000, readTimeoutMs: 10000 } }));
  return { backend, region };
}
export type { RemoteBackendOptions, RemoteTransportOptions } from './options.js';
