// The HTTP face of the local service: receives a request, lets the gateway authenticate it, answers
// it with the one local service (`handleCall`) and writes the service's JSON body and status.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { ServiceError, newRequestId } from '../core/errors.js';
import { handleCall, isWriteAction } from '../backends/local/service.js';
import { WriteRunner } from './writes.js';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStore } from '../backends/local/store.js';
import { LockTimeoutError } from '../backends/local/fsutil.js';
import '../backends/local/versions.js';
import { Gateway, regionFromHost, type AuthenticatedCall, type GatewayOptions } from './gateway.js';

/** Faults on demand, for testing a client's retry code. Fractions are 0..1. */
export interface Faults {
  latencyMs?: number;
  throttleFraction?: number;
  /** Sent as `x-acs-retry-after` (milliseconds) with a throttled answer. */
  retryAfterMs?: number;
  unavailableFraction?: number;
}

export interface ServerOptions extends GatewayOptions {
  /** Opens the store; called again when its header file was replaced (see CurrentStore). */
  openStore: () => LocalStore;
  faults?: Faults;
  tls?: { cert: Buffer; key: Buffer };
  /** One line per request, without any parameter value. */
  log?: (entry: RequestLogEntry) => void;
  /** Largest request body accepted. */
  maxBodyBytes?: number;
}

export interface RequestLogEntry {
  method: string;
  action: string;
  scheme: string;
  status: number;
  code?: string;
  ms: number;
  accessKeyId?: string;
}

const JSON_TYPE = 'application/json;charset=utf-8';
const DEFAULT_MAX_BODY = 1 << 20;
/** Parsed secrets kept in memory (a few KiB each with their opened values): bounds the server's RSS. */
const READ_CACHE_ENTRIES = 4096;

/** Errors the server answers itself: faults on demand and transport-level refusals. */
export const ServerErrors = {
  throttled: () => new ServiceError(429, 'Rejected.Throttling', 'The QPS upper limit is exceeded.'),
  unavailable: () => new ServiceError(503, 'ServiceUnavailableTemporary', 'Service Unavailable Temporary.'),
  tooLarge: () => new ServiceError(413, 'RequestEntityTooLarge', 'The request body is too large.'),
  notFoundPath: () => new ServiceError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'),
  internal: () => new ServiceError(500, 'InternalFailure', 'Internal Failure'),
};

/**
 * The opened store, kept between requests with its read cache (a parsed secret is reused only while
 * the store's write counter says no process has written since: store.ts, generation.ts). If the
 * store is removed and created anew by another process, its header file changes and it is
 * reopened, so a stale root key, account id or cache is never used. Costs one fstat per request.
 */
export class CurrentStore {
  private store: LocalStore;
  /** The header file as opened: replaced or removed, its link count drops to 0. */
  private headerFd = -1;
  private stamp = '';

  constructor(private readonly open: () => LocalStore) {
    this.store = this.openCaching();
  }

  /** Parsed records are kept between requests, each checked against the store's write counter. */
  private openCaching(): LocalStore {
    const store = this.open();
    store.enableReadCache(READ_CACHE_ENTRIES);
    if (this.headerFd >= 0) closeSync(this.headerFd);
    this.headerFd = -1;
    try {
      this.headerFd = openSync(join(store.dir, 'store.json'), 'r');
      this.stamp = stampOf(fstatSync(this.headerFd));
    } catch {
      this.stamp = 'missing';
    }
    return store;
  }

  get(): LocalStore {
    // fstat of the open file: one system call and no path lookup per request.
    if (this.headerFd < 0 || stampOf(fstatSync(this.headerFd)) !== this.stamp) this.store = this.openCaching();
    return this.store;
  }
}

function stampOf(st: { nlink: number; ino: number; mtimeMs: number; size: number }): string {
  return st.nlink === 0 ? 'replaced' : `${st.ino}:${st.mtimeMs}:${st.size}`;
}

export class KmsServer {
  readonly server: Server;
  private readonly gateway: Gateway;
  private readonly store: CurrentStore;
  private inFlight = 0;
  private closing = false;
  private readonly writes = new WriteRunner();

  constructor(private readonly opts: ServerOptions) {
    // A long-lived process with a bounded working set: V8 collects before its heap grows to several
    // times what is live (measured: RSS 366 -> ~170 MiB with 100,000 secrets after a full read load).
    setFlagsFromString('--optimize-for-size');
    this.gateway = new Gateway(opts);
    this.store = new CurrentStore(opts.openStore);
    const onRequest = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest) : createHttpServer(onRequest);
    this.server.keepAliveTimeout = 65_000;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting, lets requests in flight finish, then closes every connection. */
  close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
      timer.unref();
      this.server.close(() => {
        clearTimeout(timer);
        // Every write in flight has been answered: the writer thread has nothing left to do.
        void Promise.resolve(this.writes.close()).then(() => resolve());
      });
      this.server.closeIdleConnections();
    });
  }

  get storeDir(): string {
    return this.store.get().dir;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    this.inFlight++;
    let call: AuthenticatedCall | undefined;
    let status = 200;
    let code: string | undefined;
    let body: Buffer | undefined;
    try {
      body = hasNoBody(req) ? NO_BODY : await readBody(req, this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY);
      const faults = this.opts.faults;
      if (faults?.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      if (path !== '/') throw ServerErrors.notFoundPath();
      if (faults?.unavailableFraction && Math.random() < faults.unavailableFraction) throw ServerErrors.unavailable();
      if (faults?.throttleFraction && Math.random() < faults.throttleFraction) throw ServerErrors.throttled();
      call = this.gateway.authenticate({ method: req.method ?? 'GET', rawQuery: q < 0 ? '' : url.slice(q + 1), headers: headerMap(req), body });
      const store = this.store.get();
      const { action, params, region } = call;
      // A write runs on the writer thread (lock, fsync): reads go on being answered meanwhile.
      const result = isWriteAction(action) ? await this.writes.run(store, action, params, region) : handleCall(store, action, params, region);
      send(res, 200, result, String(result.RequestId), this.closing ? { Connection: 'close' } : {});
    } catch (e) {
      // The store lock held past the wait limit by another process: a retryable answer, not a fault of ours.
      const err = e instanceof ServiceError ? e : e instanceof LockTimeoutError ? ServerErrors.unavailable() : ServerErrors.internal();
      if (!(e instanceof ServiceError) && !(e instanceof LockTimeoutError)) process.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      if (!err.requestId) err.stamp(call?.region ?? regionFromHost(req.headers.host) ?? this.opts.defaultRegion);
      status = err.httpStatus;
      code = err.code;
      const extra: Record<string, string> = this.closing ? { Connection: 'close' } : {};
      if (err.code === 'Rejected.Throttling' && this.opts.faults?.retryAfterMs !== undefined) extra['x-acs-retry-after'] = String(this.opts.faults.retryAfterMs);
      send(res, err.httpStatus, err.body(), err.requestId, extra);
    } finally {
      this.inFlight--;
      this.opts.log?.({
        method: req.method ?? '?',
        action: call?.action ?? actionHint(req, body),
        scheme: call?.scheme ?? '-',
        status,
        code,
        ms: performance.now() - started,
        accessKeyId: call?.accessKeyId,
      });
    }
  }
}

/** For the log line of a refused request: the action it named, if any (names only, never values). */
function actionHint(req: IncomingMessage, body: Buffer | undefined): string {
  const h = req.headers['x-acs-action'];
  if (typeof h === 'string') return /^[A-Za-z0-9]+$/.test(h) ? h : '-';
  const m = /[?&]Action=([A-Za-z0-9]+)(?:&|$)/.exec(req.url ?? '') ?? (body ? /(?:^|&)Action=([A-Za-z0-9]+)(?:&|$)/.exec(body.toString('latin1')) : null);
  return m ? m[1] : '-';
}

function headerMap(req: IncomingMessage): Record<string, string> {
  // No prototype: a signed header named `constructor` must read as absent, not as a function.
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

const NO_BODY = Buffer.alloc(0);

/** HTTP/1.1: no Content-Length and no Transfer-Encoding, or a zero length, is no body (most SDK calls). */
function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(ServerErrors.tooLarge());
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: object, requestId: string, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-acs-request-id': requestId || newRequestId(),
    ...extra,
  });
  res.end(text);
}
