// A small HTTP/1.1 client for the remote backend: plain TCP or TLS, optionally through a CONNECT proxy.
// A request that changes nothing may go on a kept-alive plain connection (the fan-out of `aliyun kms
// run` to an endpoint such as `aliyun kms serve`, see ConnectionPool); any other is alone on its
// connection (`Connection: close`). Written over
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
   * and be sent once more on a new connection when that one turns out to have been closed under it.
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
    /** Every socket this exchange made or took, destroyed when it ends (but the one kept alive). */
    const sockets: net.Socket[] = [];
    const track = (s: net.Socket) => sockets.push(s);
    let settled = false;
    /** This exchange counts as one of the pool's connections (from the moment it opens or takes one). */
    let holding = false;
    const finish = (err: Error | null, res?: ExchangeResult, keep?: Connection) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      for (const s of sockets) if (s !== keep?.socket) s.destroy();
      if (pool && holding) {
        if (keep) pool.giveBack(keep);
        else pool.lost();
      }
      if (err) reject(err);
      else resolve(res!);
    };
    const deadline = setTimeout(() => finish(new ExchangeTimeout('timeout')), x.timeoutMs);
    const attempt = (c: Connection, reused: boolean) => {
      const reader = new ResponseReader(x.method);
      // A kept-alive connection the server closed before answering (it may have closed it just as
      // we wrote): the caller sends the request again, signed anew (the server may have seen its
      // nonce), on a new connection (Exchange.fresh).
      const failed = (err: Error) => {
        if (settled) return;
        if (!reused || reader.started) return finish(err);
        finish(new StaleConnection('the kept-alive connection was closed before the answer'));
      };
      c.user = {
        data(d: Buffer) {
          let res: ExchangeResult | undefined;
          try {
            res = reader.push(d);
          } catch (e) {
            return finish(e as Error);
          }
          if (res) finish(null, res, pool && reader.reusable ? c : undefined);
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
      };
      // A socket destroyed while it had no user (its events were dropped) emits no error on a write:
      // the write's own callback reports it.
      if (c.socket.destroyed) return failed(goTextError('EOF'));
      c.socket.write(request, (e) => e && failed(e));
    };
    if (!pool) {
      open(x, track).then((s) => (settled ? undefined : attempt(new Connection(s), false)), finish);
      return;
    }
    pool.acquire(() => settled, !!x.fresh).then(
      (idle) => {
        holding = true;
        if (idle) {
          track(idle.socket);
          // Ended while waiting (the deadline): the connection goes back unused.
          if (settled) return pool.giveBack(idle);
          return attempt(idle, true);
        }
        if (settled) return pool.lost();
        open(x, track).then((s) => {
          // A connection made is progress too: the first answers can come only after it, and on a
          // CLI that has just started, making it takes a good part of the wait.
          pool.progress();
          if (!settled) attempt(new Connection(s), false);
        }, finish);
      },
      () => {},
    );
  });
}

/** Where a connection's events go: the exchange using it, or its pool while it is idle. */
interface ConnectionUser {
  data(d: Buffer): void;
  end(): void;
  close(): void;
  error(e: Error): void;
}

/**
 * A connected socket whose listeners are added once and pass its events to its current user: a
 * kept-alive connection changes hands without listeners added and removed per request (adding a
 * 'data' listener also restarts a socket's flow). Never removeAllListeners: Node's sockets listen to
 * their own events (a TLS socket whose own listeners were removed fails its next write with EBADF).
 */
class Connection {
  /** Undefined between users: events then are dropped (a write to a closed socket fails the next user). */
  user?: ConnectionUser;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.user?.data(d));
    socket.on('end', () => this.user?.end());
    socket.on('close', () => this.user?.close());
    socket.on('error', (e: Error) => this.user?.error(e));
  }
}

/**
 * Kept-alive plain connections to one place (address and proxy). A request takes an idle one, or opens a
 * new one while fewer than SIZE are open; beyond that it waits for one to come back. If no connection
 * comes back or gets ready for STALL_MS, every waiting request opens its own: so twenty GetSecretValue
 * calls to a near endpoint (`aliyun kms serve`) share four connections (a new connection costs both
 * ends more than its request), while to a far or slow one they all go out at once, STALL_MS later.
 */
class ConnectionPool {
  static readonly SIZE = 4;
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

  /** Connections counted against SIZE: in use, being opened, or idle. */
  private open = 0;
  private readonly idle: Connection[] = [];
  /** Waiting requests, woken with a connection, with undefined (room for a new one) or null (stalled: open one anyway). */
  private waiting: ((c: Connection | undefined | null) => void)[] = [];
  private stall?: NodeJS.Timeout;

  /**
   * An idle connection (counted for the caller), or undefined: the caller may open a new one (counted
   * for it already). `gone` says the caller stopped waiting.
   */
  async acquire(gone: () => boolean, fresh = false): Promise<Connection | undefined> {
    for (;;) {
      if (fresh) break;
      const c = this.takeIdle();
      if (c) return c;
      if (this.open < ConnectionPool.SIZE || gone()) break;
      const handed = await new Promise<Connection | undefined | null>((resolve) => {
        this.waiting.push(resolve);
        if (!this.stall) this.watch();
      });
      if (handed) return handed;
      if (handed === null) break;
      // Woken because a connection was lost: there is room for a new one, or an idle one.
    }
    this.open++;
    return undefined;
  }

  /** When a connection last came back or was made (or the first request started waiting). */
  private progressAt = 0;

  /** A connection of this pool is ready: waiting requests wait on. */
  progress(): void {
    this.progressAt = Date.now();
  }

  /**
   * Restarts the stall clock while requests wait: a connection coming back is progress. One timer,
   * moved on only when it fires early (twenty answers would otherwise cancel and set twenty).
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

  /** A connection whose response was read whole: to a waiting request, or kept idle (not keeping the process alive). */
  giveBack(c: Connection): void {
    c.user = undefined;
    const next = this.waiting.shift();
    if (next) {
      this.watch();
      return next(c);
    }
    // Idle: anything the server sends or does now ends the connection.
    const drop = () => {
      const i = this.idle.indexOf(c);
      if (i < 0) return;
      this.idle.splice(i, 1);
      this.open--;
      c.socket.destroy();
    };
    c.user = { data: drop, end: drop, close: drop, error: drop };
    c.socket.unref();
    this.idle.push(c);
  }

  /** A connection counted for a request did not come back: room for a waiting request to open one. */
  lost(): void {
    this.open--;
    const next = this.waiting.shift();
    this.watch();
    next?.(undefined);
  }

  private takeIdle(): Connection | undefined {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      c.user = undefined;
      const s = c.socket;
      if (!s.destroyed && s.writable && s.readable) {
        s.ref();
        return c;
      }
      this.open--;
      s.destroy();
    }
    return undefined;
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
  /** Bytes arrived past the end of the response. */
  private overflow = false;

  constructor(private readonly method: string) {}

  /** The response ended on its own framing, with nothing after it, and the server keeps the connection. */
  get reusable(): boolean {
    return this.keepAlive && !this.overflow && this.framing !== 'close';
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
        this.overflow = d.length > 0;
        return this.result();
      }
    }
    if (this.framing === 'length') {
      if (d.length > this.remaining) this.overflow = true;
      const take = d.subarray(0, this.remaining);
      this.body.push(take);
      this.remaining -= take.length;
      return this.remaining === 0 ? this.result() : undefined;
    }
    if (this.framing === 'chunked') {
      if (!this.chunks!.push(d)) return undefined;
      this.overflow = this.chunks!.overflow;
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

  /** Bytes arrived after the last chunk's trailers. */
  get overflow(): boolean {
    return this.pending.length > 0;
  }
}
