// Connection-level limits of `aliyun kms serve` (issue 10): idle or slow sockets must not starve
// real clients. Three bounds:
//   - time: a client has HEADERS_MS to send its headers, REQUEST_MS for the whole request, and an
//     idle keep-alive connection is closed after KEEP_ALIVE_MS;
//   - count: at most `max` connections, below the process's open-file limit (1024 on many systems),
//     so that accept() never fails with EMFILE (which libuv answers by resetting new connections);
//   - fairness: when the cap is reached, the connection idle the longest (no request in progress:
//     never sent anything, a partial header, or keep-alive) is closed to make room, so a flood of
//     idle sockets is pushed out by real clients instead of locking them out; failing that, the
//     request that has been sending its body the longest, past LIMITS.slowBodyMs (a trickling
//     upload); only requests being answered are never cut.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const LIMITS = {
  /** Time to receive a request's headers, from the connection's start or the previous answer. */
  headersMs: 10_000,
  /** Time to receive a whole request, body included (a body is at most 1 MiB). */
  requestMs: 30_000,
  /** An idle keep-alive connection is closed after this (Node clients' agents free theirs after 5 s). */
  keepAliveMs: 5_000,
  /** How often Node checks the header and request deadlines (its default, 30 s, is too coarse). */
  checkIntervalMs: 1_000,
  /** Time given to a client to read a 413 answer before the connection is cut. */
  lingerMs: 2_000,
  /** At the connection cap with none idle, a request whose body has taken longer than this may be cut. */
  slowBodyMs: 2_000,
};

/** The soft limit on open files (Linux /proc), or undefined where it cannot be read. */
export function openFileLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return undefined;
    return m[1] === 'unlimited' ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/**
 * The default connection cap: the open-file limit less a reserve for the store's files, the
 * listening socket and Node itself (an eighth, at least 64); 1024 assumed where it is unknown.
 */
export function defaultMaxConnections(limit = openFileLimit()): number {
  const l = limit ?? 1024;
  return Math.max(16, Math.min(65_536, l - Math.max(64, Math.floor(l / 8))));
}

/** The options every server is created with (timeouts are set at creation, see Node's http docs). */
export const serverTimeoutOptions = () => ({
  headersTimeout: LIMITS.headersMs,
  requestTimeout: LIMITS.requestMs,
  keepAliveTimeout: LIMITS.keepAliveMs,
  connectionsCheckingInterval: LIMITS.checkIntervalMs,
});

/**
 * Counts connections, evicts the longest-idle one when the cap is reached, and reports what it did
 * (at most one line per `reportEveryMs`, so an attack cannot flood the log).
 */
export class ConnectionGuard {
  /** Connections with no request in progress, longest idle first (a Map keeps insertion order). */
  private readonly idle = new Map<Socket, true>();
  /** Connections whose request body is still arriving, with the time its headers came, oldest first. */
  private readonly receiving = new Map<Socket, number>();
  private count = 0;
  private evicted = 0;
  private refused = 0;
  private timedOut = 0;
  private malformed = 0;
  private lastReport = 0;
  private reportTimer?: NodeJS.Timeout;

  constructor(
    server: Server,
    readonly max: number,
    private readonly report: (line: string) => void,
    private readonly reportEveryMs = 10_000,
  ) {
    server.on('connection', (socket: Socket) => this.onConnection(socket));
    // Node's own answer to a request it cannot take (as Node writes it without a listener), counted
    // so that a slow-header flood is reported like a connection flood.
    server.on('clientError', (err: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
      const answer = CLIENT_ERROR_ANSWERS[err.code ?? ''];
      if (socket.writable && (socket as Socket).bytesWritten === 0) socket.write(answer ?? 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      socket.destroy();
      // A client's reset is not news; a timeout or a malformed request is.
      if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') this.timedOut++;
      else if (err.code?.startsWith('HPE_')) this.malformed++;
      else return;
      this.scheduleReport();
    });
    // No inactivity timeout on sockets: while a request is being answered the connection is quiet
    // for as long as a --latency fault or a wait for the store lock lasts; idle time between
    // requests is bounded by the header and keep-alive timeouts above.
  }

  /** Called by the request handler first thing (not a second 'request' listener: one emit less per request). */
  onRequest(req: IncomingMessage, res: ServerResponse): void {
    // Over TLS the request's socket wraps the TCP socket counted here.
    const socket: Socket = (req.socket as any)._parent ?? req.socket;
    this.idle.delete(socket);
    if (Number(req.headers['content-length']) > 0 || req.headers['transfer-encoding'] !== undefined) {
      this.receiving.set(socket, Date.now());
      req.once('end', () => this.receiving.delete(socket));
    }
    res.once('finish', () => {
      this.receiving.delete(socket);
      if (!socket.destroyed) this.idle.set(socket, true);
    });
  }

  get connections(): number {
    return this.count;
  }

  private onConnection(socket: Socket): void {
    if (this.count >= this.max) {
      const victim = this.victim();
      if (!victim) {
        // Every connection is busy with a request: the newcomer waits for none of them.
        this.refused++;
        socket.destroy();
        this.scheduleReport();
        return;
      }
      this.idle.delete(victim);
      this.receiving.delete(victim);
      victim.destroy();
      this.evicted++;
      this.scheduleReport();
    }
    this.count++;
    this.idle.set(socket, true);
    socket.once('close', () => {
      this.count--;
      this.idle.delete(socket);
      this.receiving.delete(socket);
    });
  }

  /** The longest-idle connection, else the longest-trickling upload past LIMITS.slowBodyMs. */
  private victim(): Socket | undefined {
    const idle = this.idle.keys().next();
    if (!idle.done) return idle.value;
    const slow = this.receiving.entries().next();
    if (!slow.done && Date.now() - slow.value[1] > LIMITS.slowBodyMs) return slow.value[0];
    return undefined;
  }

  private scheduleReport(): void {
    const now = Date.now();
    if (now - this.lastReport >= this.reportEveryMs) this.flushReport();
    else if (!this.reportTimer) {
      this.reportTimer = setTimeout(() => this.flushReport(), this.reportEveryMs - (now - this.lastReport));
      this.reportTimer.unref();
    }
  }

  private flushReport(): void {
    this.reportTimer = undefined;
    if (this.evicted || this.refused)
      this.report(
        `connection limit ${this.max} reached: closed ${this.evicted} idle or slowly uploading connection(s)` +
          (this.refused ? `, refused ${this.refused} new one(s) (every connection busy)` : '') +
          ` (open connections: ${this.count}; --max-connections sets the limit)`,
      );
    if (this.timedOut || this.malformed)
      this.report(
        `closed ${this.timedOut} connection(s) that sent no complete request within the time allowed (408)` +
          (this.malformed ? ` and ${this.malformed} that sent a malformed one (400/431)` : ''),
      );
    if (this.evicted || this.refused || this.timedOut || this.malformed) this.lastReport = Date.now();
    this.evicted = this.refused = this.timedOut = this.malformed = 0;
  }
}

const CLIENT_ERROR_ANSWERS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n',
};
