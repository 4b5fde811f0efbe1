// The HTTP face of the local service: receives a request, lets the gateway authenticate it, answers
// it with the one local service (`handleCall`) and writes the service's JSON body and status.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { ServiceError, newRequestId } from '../core/errors.js';
import { answerText, isWriteAction } from '../backends/local/service.js';
import { WriteRunner } from './writes.js';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError, type LocalStore } from '../backends/local/store.js';
import { LockTimeoutError } from '../backends/local/fsutil.js';
import '../backends/local/versions.js';
import { Gateway, regionFromHost, type AuthenticatedCall, type GatewayOptions } from './gateway.js';
import { ConnectionGuard, LIMITS, defaultMaxConnections, serverTimeoutOptions } from './connections.js';
import { healthOf } from './health.js';

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
  /** Most connections open at once (default: below the open-file limit, see connections.ts). */
  maxConnections?: number;
  /** Operational notices (connection limit reached), one line each. */
  notice?: (line: string) => void;
  /** Shown by GET /health. */
  version?: string;
}

export interface RequestLogEntry {
  method: string;
  action: string;
  scheme: string;
  status: number;
  code?: string;
  ms: number;
  accessKeyId?: string;
  /** Names only, never values: the secret, version and stage the request named or was answered with. */
  secretName?: string;
  versionId?: string;
  versionStage?: string;
  region?: string;
  requestId?: string;
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
 * reopened, so a stale root key, account id or cache is never used. Costs one fstat per request
 * (the write counter's): the header is looked at when the counter moved or its file was removed,
 * since every change of the header by this program moves the counter or removes the store folder,
 * and at least once a second for a header changed by hand.
 */
export class CurrentStore {
  private store: LocalStore;
  /** The header file as opened: replaced or removed, its link count drops to 0. */
  private headerFd = -1;
  private stamp = '';
  private lastGeneration = -1;
  private headerCheckedAt = 0;

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

  /** The store, and its write count as of now (for LocalStore.withGeneration). */
  current(): { store: LocalStore; generation: number } {
    let { generation, maybeReplaced } = this.store.probeGeneration();
    // Also once a second: a header replaced by hand, with no write at all, is noticed too.
    const now = performance.now();
    if (maybeReplaced || generation !== this.lastGeneration || now - this.headerCheckedAt > 1000) {
      // fstat of the open file: one system call and no path lookup.
      if (this.headerFd < 0 || stampOf(fstatSync(this.headerFd)) !== this.stamp) {
        this.store = this.openCaching();
        ({ generation } = this.store.probeGeneration());
      }
      // Only once the header is known good: a store that failed to open is tried again next time.
      this.lastGeneration = generation;
      this.headerCheckedAt = now;
    }
    return { store: this.store, generation };
  }

  get(): LocalStore {
    return this.current().store;
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
    const limits = serverTimeoutOptions();
    this.server = opts.tls
      ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: LIMITS.headersMs, ...limits }, onRequest)
      : createHttpServer(limits, onRequest);
    this.guard = new ConnectionGuard(this.server, opts.maxConnections ?? defaultMaxConnections(), opts.notice ?? ((line) => process.stderr.write(line + '\n')));
  }

  readonly guard: ConnectionGuard;

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

  /** A failing log writer must not leave a request unanswered (or crash the server). */
  private logRequest(entry: RequestLogEntry): void {
    try {
      this.opts.log?.(entry);
    } catch (e) {
      process.stderr.write(`warning: request log: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }

  private healthCache?: { at: number; body: object };
  private lastStoreError = '';

  /** A store that cannot be opened is reported on stderr once per distinct reason, not per request. */
  private reportStoreError(message: string): void {
    if (message === this.lastStoreError) return;
    this.lastStoreError = message;
    process.stderr.write(`store unavailable: ${message}\n`);
  }

  /** `GET /health`: no signature; never a secret's name or value. 503 once the server is stopping. */
  private health(res: ServerResponse): void {
    let status = this.closing ? 503 : 200;
    let body: object;
    try {
      // Counting lists the store's folders: with 100,000 secrets that takes tens of milliseconds,
      // so an unauthenticated flood of /health is answered from a count at most 1 s old.
      const now = Date.now();
      if (!this.healthCache || now - this.healthCache.at > 1000 || this.closing) {
        this.healthCache = { at: now, body: healthOf(this.store.get(), { ready: !this.closing, defaultRegion: this.opts.defaultRegion, version: this.opts.version }) };
      }
      body = this.healthCache.body;
    } catch (e) {
      // The store cannot be opened (replaced by a damaged one, say): not ready, and why.
      status = 503;
      body = { Status: 'unavailable', Message: e instanceof Error ? e.message : String(e) };
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
    res.end(text);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.guard.onRequest(req, res);
    if (req.method === 'GET' && (req.url === '/health' || req.url?.startsWith('/health?'))) return this.health(res);
    const started = performance.now();
    this.inFlight++;
    // Most calls have no body: they are answered in this tick, without a promise (a read is
    // answered synchronously; a write waits for the writer thread).
    if (hasNoBody(req) && !this.opts.faults?.latencyMs) this.answer(req, res, NO_BODY, started);
    else void this.receive(req, res, started);
  }

  private async receive(req: IncomingMessage, res: ServerResponse, started: number): Promise<void> {
    let body: Buffer | undefined;
    try {
      body = hasNoBody(req) ? NO_BODY : await readBody(req, this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY);
      const latency = this.opts.faults?.latencyMs;
      if (latency) await new Promise((r) => setTimeout(r, latency));
    } catch (e) {
      this.finish(req, res, started, body, undefined, undefined, e);
      return;
    }
    this.answer(req, res, body, started);
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: Buffer, started: number): void {
    let call: AuthenticatedCall | undefined;
    try {
      const faults = this.opts.faults;
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      if (path !== '/') throw ServerErrors.notFoundPath();
      if (faults?.unavailableFraction && Math.random() < faults.unavailableFraction) throw ServerErrors.unavailable();
      if (faults?.throttleFraction && Math.random() < faults.throttleFraction) throw ServerErrors.throttled();
      // Node's own header object, not a copy per request: the gateway reads fixed names (none of them
      // Object's) and client-chosen names as own properties only; only Set-Cookie is a list.
      call = this.gateway.authenticate({ method: req.method ?? 'GET', rawQuery: q < 0 ? '' : url.slice(q + 1), headers: req.headers as Record<string, string>, body });
      const { store, generation } = this.store.current();
      const { action, params, region } = call;
      if (!isWriteAction(action)) {
        const answer = store.withGeneration(generation, () => answerText(store, action, params, region));
        return this.finish(req, res, started, body, call, answer.result, undefined, answer);
      }
      // A write runs on the writer thread (lock, fsync): reads go on being answered meanwhile.
      const authenticated = call;
      this.writes.run(store, action, params, region).then(
        (result) => {
          this.healthCache = undefined;
          this.finish(req, res, started, body, authenticated, result);
        },
        (e) => this.finish(req, res, started, body, authenticated, undefined, e),
      );
    } catch (e) {
      this.finish(req, res, started, body, call, undefined, e);
    }
  }

  /** Answers with the call's result, or with the error it ended in; logs the request first. */
  private finish(
    req: IncomingMessage,
    res: ServerResponse,
    started: number,
    body: Buffer | undefined,
    call: AuthenticatedCall | undefined,
    result: Record<string, unknown> | undefined,
    e?: unknown,
    answer?: { text: string; requestId: string },
  ): void {
    this.inFlight--;
    let status = 200;
    let code: string | undefined;
    let reply: [number, object | string, string, Record<string, string> | undefined];
    if (answer) reply = [200, answer.text, answer.requestId, this.closing ? CLOSE : undefined];
    else if (result) reply = [200, result, String(result.RequestId), this.closing ? CLOSE : undefined];
    else {
      if (e instanceof ClientGone) {
        // Nothing to answer: the client closed the connection, or Node answered 408 to a slow body.
        this.logRequest({ method: req.method ?? '?', action: actionHint(req, body), scheme: '-', status: 499, code: 'ClientClosedRequest', ms: performance.now() - started });
        return;
      }
      // The store lock held past the wait limit by another process, or a store that cannot be opened
      // now (replaced by a damaged one, say): retryable answers, not faults of ours; /health says why.
      const unavailable = e instanceof LockTimeoutError || e instanceof StoreError;
      const err = e instanceof ServiceError ? e : unavailable ? ServerErrors.unavailable() : ServerErrors.internal();
      if (e instanceof StoreError) this.reportStoreError(e.message);
      else if (!(e instanceof ServiceError) && !unavailable) process.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      if (!err.requestId) err.stamp(call?.region ?? regionFromHost(req.headers.host) ?? this.opts.defaultRegion);
      status = err.httpStatus;
      code = err.code;
      // Past the body limit the connection is closed: the rest of the body is never read.
      const extra: Record<string, string> = this.closing || status === 413 ? { Connection: 'close' } : {};
      if (err.code === 'Rejected.Throttling' && this.opts.faults?.retryAfterMs !== undefined) extra['x-acs-retry-after'] = String(this.opts.faults.retryAfterMs);
      reply = [err.httpStatus, err.body(), err.requestId, extra];
    }
    // Logged before the answer is sent, so that a client that got its answer finds it in the log.
    // Without a log (--no-log) the entry is not built: it is most of the per-request bookkeeping.
    if (this.opts.log)
      this.logRequest({
        method: req.method ?? '?',
        action: call?.action ?? actionHint(req, body),
        scheme: call?.scheme ?? '-',
        status,
        code,
        ms: performance.now() - started,
        accessKeyId: call?.accessKeyId,
        ...namesOf(call, result),
        region: call?.region,
        requestId: reply[2],
      });
    if (status === 413) lingerThenCut(req);
    send(res, ...reply);
  }
}

const CLOSE = { Connection: 'close' };

/** The secret, version and stage a call named (or, for a success, was answered with). Names only. */
function namesOf(call: AuthenticatedCall | undefined, result: Record<string, unknown> | undefined): Pick<RequestLogEntry, 'secretName' | 'versionId' | 'versionStage'> {
  if (!call) return {};
  const p = call.params;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    secretName: p.SecretName ?? str(result?.SecretName),
    versionId: p.VersionId ?? str(result?.VersionId),
    versionStage: p.VersionStage ?? p.VersionStages,
  };
}

/**
 * After a 413 the client may still be sending. Closing at once would reset the connection while
 * the client's data is unread, and a reset can discard the answer before the client reads it.
 * So, as nginx's lingering close: once the answer is out (Node then calls destroySoon, because of
 * Connection: close), stop reading, half-close, and cut the connection LIMITS.lingerMs later.
 */
function lingerThenCut(req: IncomingMessage): void {
  const socket = req.socket as IncomingMessage['socket'] & { _handle?: { readStop?: () => void } };
  const cut = setTimeout(() => socket.destroy(), LIMITS.lingerMs * 2);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
  socket.destroySoon = () => {
    socket._handle?.readStop?.();
    socket.end();
    setTimeout(() => socket.destroy(), LIMITS.lingerMs).unref();
  };
}

/** For the log line of a refused request: the action it named, if any (names only, never values). */
function actionHint(req: IncomingMessage, body: Buffer | undefined): string {
  const h = req.headers['x-acs-action'];
  if (typeof h === 'string') return /^[A-Za-z0-9]+$/.test(h) ? h : '-';
  const m = /[?&]Action=([A-Za-z0-9]+)(?:&|$)/.exec(req.url ?? '') ?? (body ? /(?:^|&)Action=([A-Za-z0-9]+)(?:&|$)/.exec(body.toString('latin1')) : null);
  return m ? m[1] : '-';
}

const NO_BODY = Buffer.alloc(0);

/** HTTP/1.1: no Content-Length and no Transfer-Encoding, or a zero length, is no body (most SDK calls). */
function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // A declared length over the limit is refused before a byte of the body is read.
    if (Number(req.headers['content-length']) > max) return reject(ServerErrors.tooLarge());
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
    req.on('error', () => reject(new ClientGone()));
    req.on('aborted', () => reject(new ClientGone()));
  });
}

/** The request's connection ended before its body was received. */
class ClientGone extends Error {}

/** `body` is the answer's object, or its JSON text already made. */
function send(res: ServerResponse, status: number, body: object | string, requestId: string, extra?: Record<string, string>): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  // A flat [name, value, …] list: Node takes it as is, without walking an object.
  const headers = ['Content-Type', JSON_TYPE, 'Content-Length', String(Buffer.byteLength(text)), 'x-acs-request-id', requestId || newRequestId()];
  if (extra) for (const k in extra) headers.push(k, extra[k]);
  res.writeHead(status, headers);
  res.end(text);
}
