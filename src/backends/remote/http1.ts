// A small HTTP/1.1 client for the remote backend: plain TCP or TLS, optionally through a CONNECT proxy.
// A request that changes nothing may go on a kept-alive plain connection, pipelined behind others
// (the fan-out of `aliyun kms run` to an endpoint such as `aliyun kms serve`, see ConnectionPool);
// any other is alone on its connection (`Connection: close`). Written over
// node:net and node:tls because node:http takes about 4 ms of every remote call's start-up to load,
// and its per-request work is paid twenty times at once by `aliyun kms run` (docs/remote.md).
// Failures are raised as Node error codes (ECONNREFUSED, TLS verification codes, ...) or as
// `EGOTEXT` errors carrying Go's own wording; wire.ts turns both into the Go error texts.
import * as net from 'node:net';

export interface Exchange {
  method: string;
  secure: boolean;
  /** The Host header, as the URL gave it (`host[:port]`). */
  hostHeader: string;
  /** Where to connect: a name or an address (IPv6 without brackets). */
  host: string;
  port: number;
  /** Origin-form request target: path and query. */
  target: string;
  headers: [string, string][];
  body: string;
  connectTimeoutMs: number;
  /** Whole exchange, connection included (Go's http.Client.Timeout). */
  timeoutMs: number;
  skipVerify: boolean;
  proxy?: { host: string; port: number; authorization?: string };
  /**
   * The request changes nothing, so it may go on a plain connection an earlier request kept alive,
   * pipelined behind other such requests, and be sent once more on a new connection when that one
   * turns out to have been closed under it before any byte of its answer.
   */
  reuse?: boolean;
  /** Never an idle connection (the retry after a StaleConnection). */
  fresh?: boolean;
}

export interface ExchangeResult {
  status: number;
  /** Lower-case names, arrival order. */
  headers: [string, string][];
  body: Buffer;
}

/** An error with Go's text for a failure Node has no code for. */
export const goTextError = (message: string) => Object.assign(new Error(message), { code: 'EGOTEXT' });

/** A request Go would refuse to send (a bad header): not worth a retry. */
const goRequestError = (message: string) => Object.assign(new Error(message), { code: 'EGOREQUEST' });

/** A reused connection turned out closed before any byte of the answer: send again on a new one. */
export class StaleConnection extends Error {
  readonly code = 'ESTALECONNECTION';
}

/** The client's deadline passed; wire.ts words it as Go's Client.Timeout. */
export class ExchangeTimeout extends Error {
  readonly code = 'EEXCHANGETIMEOUT';
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Go refuses control characters other than tab in a header value (httpguts.ValidHeaderFieldValue).
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Most a response head may take before the response counts as malformed (Go's default is 1 MiB). */
const MAX_HEAD = 1 << 20;
/**
 * Most a response body may take. Go reads any size; a KMS answer is at most a few hundred KiB (a page of
 * ListSecrets), and an endpoint that streams without end must not run the CLI out of memory first.
 */
export const MAX_BODY = 64 << 20;
const tooLarge = () => goTextError(`response body over ${MAX_BODY >> 20} MiB: not a KMS answer, aborted`);

/** The header lines of a list, checked once: the remote backend reuses one list for all calls of an action. */
const headerLines = new WeakMap<readonly [string, string][], string>();

/** The request head and body: Host first, then the caller's headers, then what HTTP/1.1 framing needs. */
export function requestBytes(x: Pick<Exchange, 'method' | 'hostHeader' | 'target' | 'headers' | 'body'>, keepAlive: boolean): string {
  let lines = headerLines.get(x.headers);
  if (lines === undefined) {
    lines = '';
    for (const [k, v] of x.headers) {
      // Go's wording; nothing is sent. A value is never echoed: it may be a token.
      if (!TOKEN.test(k)) throw goRequestError(`net/http: invalid header field name ${JSON.stringify(k)}`);
      if (BAD_VALUE.test(v)) throw goRequestError(`net/http: invalid header field value for ${JSON.stringify(k)}`);
      lines += `${k}: ${v}\r\n`;
    }
    headerLines.set(x.headers, lines);
  }
  let head = `${x.method} ${x.target} HTTP/1.1\r\nHost: ${x.hostHeader}\r\n${lines}`;
  // HTTP/1.1 keeps a connection by default (Go sends no Connection header at all).
  if (!keepAlive) head += 'Connection: close\r\n';
  if (x.method !== 'GET' && x.method !== 'HEAD') head += `Content-Length: ${Buffer.byteLength(x.body)}\r\n`;
  return head + '\r\n' + x.body;
}

/** Sends one request and reads its response. Rejects with a Node-coded error, an EGOTEXT error or ExchangeTimeout. */
export function exchange(x: Exchange): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    // Plain connections only: a TLS handshake takes our own thread longer than a pool's wait for a
    // connection to come back (measured: 20 requests to a near TLS endpoint waited, then opened 20).
    const pool = x.reuse && !x.secure ? ConnectionPool.for(x) : undefined;
    let request: string;
    try {
      request = requestBytes(x, !!pool);
    } catch (e) {
      return reject(e);
    }
    /** Every socket this exchange made, destroyed when it ends (but the one kept alive). */
    const sockets: net.Socket[] = [];
    const track = (s: net.Socket) => sockets.push(s);
    let settled = false;
    /** The pool counts a connection being opened for this exchange. */
    let opening = false;
    /** The connection this exchange's request went out on. */
    let used: Connection | undefined;
    /**
     * Ends the exchange. `keep`: the answer left its connection usable; `after`: the bytes that came
     * behind the answer (the start of the next pipelined one).
     */
    const finish = (err: Error | null, res?: ExchangeResult, keep = false, after: Buffer = EMPTY) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (pool) {
        if (used) {
          if (keep) pool.answered(used, after);
          else pool.drop(used);
        } else if (opening) pool.openFailed();
      }
      for (const s of sockets) if (!(keep && s === used?.socket)) s.destroy();
      if (err) reject(err);
      else resolve(res!);
    };
    const deadline = setTimeout(() => finish(new ExchangeTimeout('timeout')), x.timeoutMs);
    const attempt = (c: Connection, reused: boolean) => {
      used = c;
      const reader = new ResponseReader(x.method);
      // A connection the server closed before answering this request (a kept-alive one it closed
      // just as we wrote, or one it closed after answering the requests ahead of ours): the caller
      // sends the request again, signed anew (the server may have seen its nonce), on a new
      // connection (Exchange.fresh).
      const failed = (err: Error) => {
        if (settled) return;
        if (!reused || reader.started) return finish(err);
        finish(new StaleConnection('the kept-alive connection was closed before the answer'));
      };
      c.users.push({
        get started() {
          return reader.started;
        },
        data(d: Buffer) {
          let res: ExchangeResult | undefined;
          try {
            res = reader.push(d);
          } catch (e) {
            return finish(e as Error);
          }
          if (res) finish(null, res, !!pool && reader.reusable, reader.after);
        },
        end() {
          if (reused && !reader.started) return failed(goTextError('EOF'));
          try {
            finish(null, reader.end());
          } catch (e) {
            finish(e as Error);
          }
        },
        close: () => failed(goTextError(reader.started ? 'unexpected EOF' : 'EOF')),
        error: failed,
      });
      // A socket destroyed while it had no user (its events were dropped) emits no error on a write:
      // the write's own callback reports it.
      if (c.socket.destroyed) return failed(goTextError('EOF'));
      c.write(request, (e) => e && failed(e));
    };
    if (!pool) {
      open(x, track).then((s) => (settled ? undefined : attempt(new Connection(s), false)), finish);
      return;
    }
    pool.acquire(() => settled, !!x.fresh).then(
      (c) => {
        if (c) {
          // Ended while waiting (the deadline): the connection goes back unused.
          if (settled) return pool.release(c);
          return attempt(c, true);
        }
        if (settled) return pool.openFailed();
        opening = true;
        open(x, track).then((s) => {
          // Ended while connecting: finish destroyed the socket and gave the place back.
          if (settled) return;
          opening = false;
          const c = new Connection(s);
          pool.added(c);
          attempt(c, false);
        }, finish);
      },
      () => {},
    );
  });
}

/** What a connection's events go to: the exchange whose answer comes next on it. */
interface ConnectionUser {
  /** A byte of its answer has come. */
  readonly started: boolean;
  data(d: Buffer): void;
  end(): void;
  close(): void;
  error(e: Error): void;
}

/**
 * A connected socket whose listeners are added once and pass its events on: its bytes and its end to
 * the exchange whose answer comes next, its close and errors to every exchange waiting on it. A
 * kept-alive connection changes hands without listeners added and removed per request (adding a
 * 'data' listener also restarts a socket's flow). Never removeAllListeners: Node's sockets listen to
 * their own events (a TLS socket whose own listeners were removed fails its next write with EBADF).
 */
class Connection {
  /** The exchanges whose requests went out on it, in that order: answers come in the same order. */
  readonly users: ConnectionUser[] = [];
  /** Exchanges its pool gave it and not yet answered (a request is written a turn after it is given). */
  load = 0;
  /** An answer on it left it usable: the server keeps it, so requests may be pipelined on it. */
  proven = false;
  /** While nobody uses it: anything the server sends or does now ends it. Events with neither are dropped. */
  idle?: () => void;
  /** When its last byte came (or the watch on its pipelined requests began). */
  heardAt = 0;
  /** Watches its pipelined requests (ConnectionPool.watchPipeline). */
  watchdog?: NodeJS.Timeout;
  private corked = false;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.heardAt = Date.now();
      if (this.users.length) this.users[0].data(d);
      else this.idle?.();
    });
    socket.on('end', () => (this.users.length ? this.users[0].end() : this.idle?.()));
    socket.on('close', () => (this.users.length ? this.users.slice().forEach((u) => u.close()) : this.idle?.()));
    socket.on('error', (e: Error) => (this.users.length ? this.users.slice().forEach((u) => u.error(e)) : this.idle?.()));
  }

  /** Requests written in one turn leave in one write (a connection given several at once, see ConnectionPool). */
  write(request: string, done: (e?: Error | null) => void): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(request, done);
  }
}

/**
 * Kept-alive plain connections to one place (address and proxy). A request takes an idle connection,
 * or opens a new one while fewer than SIZE are open, or is pipelined (RFC 9112 §9.3.2) on the one with
 * the fewest requests in flight, up to DEPTH, among those that have carried an answer that left them
 * usable; beyond that it waits for an answer. If no answer comes and no connection gets ready for
 * STALL_MS, every waiting request opens its own. So twenty GetSecretValue calls to a near endpoint
 * (`aliyun kms serve`) go out on four connections, most of them pipelined (each write and each read
 * costs a CLI that has just started more than the request itself), while to a far or slow one they
 * all go out at once, STALL_MS later: pipelining starts only with a connection's first answer.
 */
class ConnectionPool {
  static readonly SIZE = 4;
  /** Requests in flight on one connection, at most: 4 × 8 is MAX_CONCURRENT_FETCHES of resolve.ts. */
  static readonly DEPTH = 8;
  /**
   * Pipelined requests on a connection that brings no byte for this long, no answer arriving on it,
   * are sent again on connections of their own (and nothing is pipelined after): a server that reads
   * one request at a time and drops what came with it would otherwise leave them unanswered until the
   * read timeout. They change nothing, so a repeat is harmless.
   */
  static readonly PIPELINE_STALL_MS = 1000;
  /**
   * Longer than a near endpoint takes to answer once its connections are ready, in a process that has
   * just started; short, because a slow endpoint pays it once (20 references to a server answering
   * after 30 ms: 120 ms, 107 without a pool, 128 with 20 ms here, which gained nothing near).
   */
  static readonly STALL_MS = 10;
  private static readonly pools = new Map<string, ConnectionPool>();

  static for(x: Exchange): ConnectionPool {
    const p = x.proxy;
    const key = [x.host, x.port, p ? `${p.host}:${p.port}:${p.authorization ?? ''}` : ''].join('\u0000');
    let pool = this.pools.get(key);
    if (!pool) this.pools.set(key, (pool = new ConnectionPool()));
    return pool;
  }

  /** Connections being opened, counted against SIZE. */
  private opening = 0;
  /** Open connections, in use or idle. */
  private readonly conns: Connection[] = [];
  /** Waiting requests, woken with a connection (counted for them), undefined (room to open one) or null (stalled: open one anyway). */
  private waiting: ((c: Connection | undefined | null) => void)[] = [];
  private stall?: NodeJS.Timeout;
  /** Off for good once pipelined requests were lost with their connection: the server may not take them. */
  private pipelining = true;

  /**
   * A connection (counted for the caller) to write on, or undefined: the caller may open a new one
   * (counted for it already). `gone` says the caller stopped waiting.
   */
  async acquire(gone: () => boolean, fresh = false): Promise<Connection | undefined> {
    for (;;) {
      if (fresh) break;
      const c = this.pick();
      if (c) return this.take(c);
      if (this.opening + this.conns.length < ConnectionPool.SIZE || gone()) break;
      const handed = await new Promise<Connection | undefined | null>((resolve) => {
        this.waiting.push(resolve);
        if (!this.stall) this.watch();
      });
      if (handed) return handed;
      if (handed === null) break;
      // Woken because a connection was lost: there is room for a new one, or one to take.
    }
    this.opening++;
    return undefined;
  }

  /** An idle connection, else (pipelining) the proven one with the fewest requests in flight, below DEPTH. */
  private pick(): Connection | undefined {
    let best: Connection | undefined;
    for (const c of this.conns.slice()) {
      const s = c.socket;
      if (s.destroyed || !s.writable || !s.readable) {
        this.drop(c);
        continue;
      }
      if (c.load === 0) return c;
      if (this.pipelining && c.proven && c.load < ConnectionPool.DEPTH && (!best || c.load < best.load)) best = c;
    }
    return best;
  }

  private take(c: Connection): Connection {
    if (c.load++ === 0) {
      c.idle = undefined;
      c.socket.ref();
    } else this.watchPipeline(c);
    return c;
  }

  /** See PIPELINE_STALL_MS. One timer per connection, moved on only when it fires early. */
  private watchPipeline(c: Connection): void {
    if (c.watchdog) return;
    c.heardAt = Date.now();
    const check = (after: number) => {
      c.watchdog = setTimeout(() => {
        c.watchdog = undefined;
        if (c.load < 2 || !this.conns.includes(c)) return;
        // An answer arriving, however slowly, is not a lost one.
        if (c.users[0]?.started) return check(ConnectionPool.PIPELINE_STALL_MS);
        const quiet = Date.now() - c.heardAt;
        if (quiet < ConnectionPool.PIPELINE_STALL_MS) return check(ConnectionPool.PIPELINE_STALL_MS - quiet);
        // Every request on it is one that went behind another: each fails as stale and goes again.
        this.drop(c);
      }, after);
      c.watchdog.unref();
    };
    check(ConnectionPool.PIPELINE_STALL_MS);
  }

  /** A connection opened for a request (counted as opening until now). */
  added(c: Connection): void {
    this.opening--;
    this.conns.push(c);
    c.load = 1;
    // A connection made is progress too: the first answers can come only after it, and on a CLI that
    // has just started, making it takes a good part of the wait.
    this.progress();
  }

  /** Opening a connection failed, or its request ended first: room for a waiting request to open one. */
  openFailed(): void {
    this.opening--;
    this.room();
  }

  /** A connection given to a request that ended before writing on it. */
  release(c: Connection): void {
    c.load--;
    this.handOut();
    this.rest(c);
  }

  /**
   * The first request in flight on C was answered and left it usable; AFTER is what came behind the
   * answer: the start of the next pipelined answer, or, with nothing asked, bytes that make it unusable.
   */
  answered(c: Connection, after: Buffer): void {
    c.users.shift();
    c.load--;
    c.proven = true;
    this.progress();
    if (after.length) {
      if (!c.users.length) return this.drop(c);
      c.users[0].data(after);
      // That answer may have ended the connection.
      if (!this.conns.includes(c)) return;
    }
    this.handOut();
    this.rest(c);
  }

  /** A connection that cannot carry another request: its requests in flight fail (or go again, see exchange). */
  drop(c: Connection): void {
    const i = this.conns.indexOf(c);
    if (i < 0) return;
    this.conns.splice(i, 1);
    if (c.load > 1) this.pipelining = false;
    clearTimeout(c.watchdog);
    c.idle = undefined;
    c.socket.destroy();
    this.room();
  }

  /** Gives waiting requests connections to write on, as far as there are any. */
  private handOut(): void {
    while (this.waiting.length) {
      const c = this.pick();
      if (!c) return;
      this.waiting.shift()!(this.take(c));
    }
  }

  /** A connection nobody uses is kept idle, not keeping the process alive. */
  private rest(c: Connection): void {
    if (c.load > 0 || !this.conns.includes(c)) return;
    c.idle = () => this.drop(c);
    c.socket.unref();
  }

  /** Room for one more connection: a waiting request opens it (or takes one, see acquire). */
  private room(): void {
    const next = this.waiting.shift();
    this.watch();
    next?.(undefined);
  }

  /** When an answer last came or a connection was last made (or the first request started waiting). */
  private progressAt = 0;

  private progress(): void {
    this.progressAt = Date.now();
  }

  /**
   * Restarts the stall clock while requests wait: an answer is progress. One timer, moved on only
   * when it fires early (twenty answers would otherwise cancel and set twenty).
   */
  private watch(): void {
    this.progressAt = Date.now();
    if (this.stall || !this.waiting.length) return;
    const check = (after: number) => {
      this.stall = setTimeout(() => {
        this.stall = undefined;
        if (!this.waiting.length) return;
        const quiet = Date.now() - this.progressAt;
        if (quiet < ConnectionPool.STALL_MS) return check(ConnectionPool.STALL_MS - quiet);
        const stalled = this.waiting;
        this.waiting = [];
        for (const wake of stalled) wake(null);
      }, after);
      // The waiting requests' own deadlines keep the process alive; this timer must not outlast them.
      this.stall.unref();
    };
    check(ConnectionPool.STALL_MS);
  }
}

/**
 * Connects: TCP within the connect timeout, then a CONNECT tunnel and TLS as the call needs. `track`
 * sees each socket as it is made, so the exchange's deadline can destroy it. Each stage listens for
 * errors until the next stage has its own listener (all within one turn of the event loop).
 */
async function open(x: Exchange, track: (s: net.Socket) => void): Promise<net.Socket> {
  const tls = x.secure ? await import('node:tls') : undefined;
  let s: net.Socket;
  if (!x.proxy) {
    s = await connectTcp(x.host, x.port, x.connectTimeoutMs, track);
  } else {
    const p = x.proxy;
    const proxyAddr = `${p.host}:${p.port}`;
    try {
      s = await connectTcp(p.host, p.port, x.connectTimeoutMs, track);
    } catch (e: any) {
      throw goTextError(`proxyconnect tcp: dial tcp ${proxyAddr}: ${e.code === 'EDIALTIMEOUT' ? 'i/o timeout' : `connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`}`);
    }
    s = await tunnel(s, `${x.host.includes(':') ? `[${x.host}]` : x.host}:${x.port}`, p.authorization);
  }
  if (!tls) return s;
  const raw = s;
  // `host` names the endpoint for the certificate check: through a tunnel the socket's own host is the proxy.
  const secure = tls.connect({ socket: raw, host: x.host, servername: net.isIP(x.host) ? undefined : x.host, rejectUnauthorized: !x.skipVerify });
  track(secure);
  // An error of the connection under TLS ends the TLS socket with it.
  raw.on('error', (e) => secure.destroy(e));
  return new Promise((resolve, reject) => {
    secure.once('error', reject);
    secure.once('secureConnect', () => {
      secure.off('error', reject);
      resolve(secure);
    });
  });
}

function connectTcp(host: string, port: number, timeoutMs: number, track: (s: net.Socket) => void): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    track(s);
    const timer = setTimeout(() => s.destroy(Object.assign(new Error('dial timeout'), { code: 'EDIALTIMEOUT' })), timeoutMs);
    // Destroyed by the exchange's deadline while connecting: the dial timer must not keep us alive.
    s.once('close', () => clearTimeout(timer));
    const failed = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    s.once('error', failed);
    s.once('connect', () => {
      clearTimeout(timer);
      s.off('error', failed);
      resolve(s);
    });
  });
}

/** Asks the proxy for a tunnel to HOSTPORT; resolves with the socket once the proxy answered 200. */
function tunnel(s: net.Socket, hostPort: string, authorization: string | undefined): Promise<net.Socket> {
  s.write(`CONNECT ${hostPort} HTTP/1.1\r\nHost: ${hostPort}\r\n${authorization ? `Proxy-Authorization: ${authorization}\r\n` : ''}\r\n`);
  return new Promise((resolve, reject) => {
    let head = '';
    const stop = () => {
      s.off('data', onData);
      s.off('error', reject);
      s.off('close', onClose);
    };
    const onData = (d: Buffer) => {
      const from = Math.max(0, head.length - 3);
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n', from);
      if (end < 0) {
        if (head.length <= MAX_HEAD) return;
        stop();
        return reject(goTextError('malformed proxy response'));
      }
      stop();
      const status = /^HTTP\/1\.[01] (\d{3})(.*)/.exec(head);
      if (!status || status[1] !== '200') return reject(goTextError(status ? `${status[1]}${status[2]}` : 'malformed proxy response'));
      if (end + 4 < head.length) s.unshift(Buffer.from(head.slice(end + 4), 'latin1'));
      resolve(s);
    };
    const onClose = () => reject(goTextError('EOF'));
    s.on('data', onData);
    s.on('error', reject);
    s.on('close', onClose);
  });
}

const EMPTY = Buffer.alloc(0);
const HEAD_END = Buffer.from('\r\n\r\n');

/** Reads one HTTP/1.1 response as it arrives: 1xx heads skipped, body framed by Content-Length, chunks or close. */
export class ResponseReader {
  /** A byte of the response has arrived (a close after it is "unexpected EOF", not "EOF"). */
  started = false;
  private buffered: Buffer = EMPTY;
  /** A head still arriving: its reads, their total size, and its last 3 bytes. */
  private headParts: Buffer[] = [];
  private headBytes = 0;
  private headTail: Buffer = EMPTY;
  private status = 0;
  private headers: [string, string][] = [];
  private framing: 'head' | 'length' | 'chunked' | 'close' = 'head';
  private remaining = 0;
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private chunks?: ChunkedDecoder;
  /** HTTP/1.1 without `Connection: close`. */
  private keepAlive = false;
  /** Bytes that arrived behind the response: the next pipelined answer's start, or bytes nobody asked for. */
  after: Buffer = EMPTY;

  constructor(private readonly method: string) {}

  /** The response ended on its own framing and the server keeps the connection (what came after it: `after`). */
  get reusable(): boolean {
    return this.keepAlive && this.framing !== 'close';
  }

  /** Feeds bytes; returns the response once it is complete. */
  push(d: Buffer): ExchangeResult | undefined {
    this.started = true;
    if (this.framing === 'head') {
      // The head's end is looked for only where it can be, in this read or straddling the last one:
      // joining every read to the ones before cost a server trickling a long head byte by byte
      // quadratic time.
      const probe = this.headTail.length ? Buffer.concat([this.headTail, d]) : d;
      this.headParts.push(d);
      this.headBytes += d.length;
      const found = probe.indexOf(HEAD_END);
      if (found < 0) return this.awaitHead(probe);
      // The usual case, a head that came in one read: where it ends is known already.
      let known = probe === d && this.headParts.length === 1 ? found : -1;
      this.buffered = this.headParts.length === 1 ? d : Buffer.concat(this.headParts);
      this.headParts = [];
      this.headBytes = 0;
      this.headTail = EMPTY;
      for (;;) {
        const end = known >= 0 ? known : this.buffered.indexOf(HEAD_END);
        known = -1;
        if (end < 0) {
          // An interim (1xx) answer, and the start of the next head.
          this.headParts = [this.buffered];
          this.headBytes = this.buffered.length;
          return this.awaitHead(this.buffered);
        }
        const rest = this.buffered.subarray(end + 4);
        const informational = this.parseHead(this.buffered.subarray(0, end).toString('latin1'));
        this.buffered = rest;
        if (!informational) break;
      }
      d = this.buffered;
      this.buffered = EMPTY;
      // parseHead has set the framing (TypeScript cannot see through the call).
      if ((this.framing as string) === 'length' && this.remaining === 0) {
        this.after = d;
        return this.result();
      }
    }
    if (this.framing === 'length') {
      if (d.length > this.remaining) this.after = d.subarray(this.remaining);
      const take = d.subarray(0, this.remaining);
      this.body.push(take);
      this.remaining -= take.length;
      return this.remaining === 0 ? this.result() : undefined;
    }
    if (this.framing === 'chunked') {
      if (!this.chunks!.push(d)) return undefined;
      this.after = this.chunks!.after;
      return this.result(this.chunks!.body());
    }
    if ((this.bodyBytes += d.length) > MAX_BODY) throw tooLarge();
    if (d.length) this.body.push(d);
    return undefined;
  }

  /** Keeps what came of an unfinished head; refuses a head that would not end. */
  private awaitHead(seen: Buffer): undefined {
    if (this.headBytes > MAX_HEAD) throw goTextError('net/http: server response headers exceeded 1048576 bytes; aborted');
    this.headTail = seen.subarray(Math.max(0, seen.length - 3));
    return undefined;
  }

  /** The connection ended: complete when the body runs to the close; otherwise the response was cut short. */
  end(): ExchangeResult {
    if (this.framing === 'close') return this.result();
    throw goTextError(this.started ? 'unexpected EOF' : 'EOF');
  }

  /** Parses a head; returns true for an interim (1xx) response, which is skipped. */
  private parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0]);
    if (!m) throw goTextError(`malformed HTTP response ${JSON.stringify(lines[0])}`);
    const status = Number(m[2]);
    const headers: [string, string][] = [];
    let te: string | undefined;
    const lengths: string[] = [];
    let close = false;
    for (let n = 1; n < lines.length; n++) {
      const line = lines[n];
      const i = line.indexOf(':');
      if (i <= 0 || !TOKEN.test(line.slice(0, i))) throw goTextError(`malformed MIME header line: ${line}`);
      const name = line.slice(0, i).toLowerCase();
      const value = line.slice(i + 1).trim();
      headers.push([name, value]);
      // What frames the body and whether the connection stays: the last Transfer-Encoding counts.
      if (name === 'transfer-encoding') te = value.toLowerCase();
      else if (name === 'content-length') lengths.push(value);
      else if (name === 'connection' && /(^|,)\s*close\s*(,|$)/i.test(value)) close = true;
    }
    if (status >= 100 && status < 200 && status !== 101) return true;
    this.status = status;
    this.headers = headers;
    // Framing a server may not mean the way we read it (RFC 9112 §6.3: a Transfer-Encoding other than
    // chunked last, or with a Content-Length, is a smuggling risk) leaves the connection unused after.
    const doubtful = status === 101 || (te !== undefined && (lengths.length > 0 || te.split(',').pop()!.trim() !== 'chunked'));
    this.keepAlive = m[1] === '1' && !close && !doubtful;
    if (this.method === 'HEAD' || status === 204 || status === 304) {
      this.framing = 'length';
      this.remaining = 0;
    } else if (te !== undefined && te.split(',').pop()!.trim() === 'chunked') {
      this.framing = 'chunked';
      this.chunks = new ChunkedDecoder();
    } else if (lengths.length) {
      if (new Set(lengths).size > 1) throw goTextError(`http: message cannot contain multiple Content-Length headers; got ${JSON.stringify(lengths)}`);
      if (!/^\d{1,15}$/.test(lengths[0])) throw goTextError(`bad Content-Length ${JSON.stringify(lengths[0])}`);
      this.framing = 'length';
      this.remaining = Number(lengths[0]);
      if (this.remaining > MAX_BODY) throw tooLarge();
    } else {
      this.framing = 'close';
    }
    return false;
  }

  private result(body: Buffer = this.body.length === 1 ? this.body[0] : Buffer.concat(this.body)): ExchangeResult {
    return { status: this.status, headers: this.headers, body };
  }
}

/** Decodes a chunked body as it arrives; trailers are read and dropped. */
class ChunkedDecoder {
  private pending: Buffer = EMPTY;
  private parts: Buffer[] = [];
  /** Bytes of chunk data still to come; -1 while a size line (or, after the last chunk, a trailer) is awaited. */
  private left = -1;
  private trailers = false;
  private total = 0;

  push(d: Buffer): boolean {
    this.pending = this.pending.length ? Buffer.concat([this.pending, d]) : d;
    for (;;) {
      if (this.left > 0) {
        const take = this.pending.subarray(0, this.left);
        this.parts.push(take);
        this.left -= take.length;
        this.pending = this.pending.subarray(take.length);
        if (this.left > 0) return false;
      }
      if (this.left === 0) {
        // The CRLF after a chunk's data.
        if (this.pending.length < 2) return false;
        if (this.pending[0] !== 0x0d || this.pending[1] !== 0x0a) throw goTextError('malformed chunked encoding');
        this.pending = this.pending.subarray(2);
        this.left = -1;
      }
      const eol = this.pending.indexOf('\r\n');
      if (eol < 0) {
        if (this.pending.length > 4096) throw goTextError('malformed chunked encoding');
        return false;
      }
      const line = this.pending.subarray(0, eol).toString('latin1');
      this.pending = this.pending.subarray(eol + 2);
      if (this.trailers) {
        if (line === '') return true;
        continue;
      }
      const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
      if (!size) throw goTextError('malformed chunked encoding');
      const n = parseInt(size[1], 16);
      if ((this.total += n) > MAX_BODY) throw tooLarge();
      if (n === 0) this.trailers = true;
      else this.left = n;
    }
  }

  body(): Buffer {
    return Buffer.concat(this.parts);
  }

  /** Bytes that arrived behind the last chunk's trailers. */
  get after(): Buffer {
    return this.pending;
  }
}
