// `aliyun kms serve`: the local store as a KMS-compatible HTTP endpoint (docs/server.md).
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../core/errors.js';
import { useColor } from '../core/color.js';
import type { Io } from '../core/io.js';
import { ENV } from '../config/env.js';
import { REGION_ID, type Credential } from './gateway.js';
import type { Faults, RequestLogEntry } from './server.js';
import { openFileLimit } from './connections.js';

export const DEFAULT_REGION = 'cn-hangzhou';

interface ServeOptions {
  host: string;
  port: number;
  region: string;
  tlsCert?: string;
  tlsKey?: string;
  latency?: number;
  throttle?: number;
  retryAfter: number;
  unavailable?: number;
  nonceCheck: boolean;
  log: boolean;
  seed?: string;
  ephemeral?: boolean;
  accountId?: string;
  accessLog?: string;
  maxConnections?: number;
}

const intIn = (name: string, min: number, max: number) => (raw: string) => {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new CliError(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return Number(raw);
};

const fraction = (name: string) => (raw: string) => {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) throw new CliError(`--${name} must be a fraction from 0 to 1, got '${raw}'`);
  return v;
};

/** Parses the command line; credentials come in order so that each secret/token joins the id before it. */
async function parse(argv: string[], io: Io): Promise<{ opts: ServeOptions; credentials: Credential[] } | number> {
  const { Command, CommanderError } = await import('commander');
  const pairs: Partial<Credential>[] = [];
  const last = (flag: string) => {
    const p = pairs[pairs.length - 1];
    if (!p) throw new CliError(`--${flag} must follow an --access-key-id`);
    return p;
  };
  const cmd = new Command('aliyun kms serve')
    .description('Serve the local store as a KMS-compatible HTTP endpoint (API 2016-01-20).')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 picks a free one)', intIn('port', 0, 65535), 8080)
    .option('--region <id>', 'region of requests that name none (RegionId or kms.<region>.aliyuncs.com Host)', DEFAULT_REGION)
    .option('--access-key-id <id>', 'an AccessKey ID clients may sign with (repeatable)', (v: string) => void pairs.push({ accessKeyId: v }))
    .option('--access-key-secret <secret>', 'the secret of the preceding --access-key-id', (v: string) => void (last('access-key-secret').accessKeySecret = v))
    .option('--security-token <token>', 'makes the preceding pair an STS credential: requests must carry this token', (v: string) => void (last('security-token').securityToken = v))
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--latency <ms>', 'fault: delay every answer by this many milliseconds', intIn('latency', 0, 600_000))
    .option('--throttle <fraction>', 'fault: answer this fraction of requests 429 Rejected.Throttling', fraction('throttle'))
    .option('--retry-after <ms>', 'x-acs-retry-after sent with a throttled answer', intIn('retry-after', 0, 600_000), 1000)
    .option('--unavailable <fraction>', 'fault: answer this fraction of requests 503 ServiceUnavailableTemporary', fraction('unavailable'))
    .option('--no-nonce-check', 'accept a reused or missing SignatureNonce (benchmarking only: disables replay protection)')
    .option('--seed <file>', 'JSON file of secrets to create before serving (idempotent; see docs/server.md)')
    .option('--ephemeral', 'serve a fresh store in a temporary folder, removed when the server stops')
    .option('--account-id <id>', 'the 16-digit account id of a new store (ARNs stay stable across runs)')
    .option('--access-log <file>', 'append one JSON line per request to this file (- for stderr); never a value')
    .option('--max-connections <n>', 'most connections open at once (default: below the open-file limit)', intIn('max-connections', 1, 1_000_000))
    .option('--no-log', 'do not write the request log to stderr')
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: () => {} });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return 0;
      throw new CliError(e.message.replace(/^error: /, ''));
    }
    throw e;
  }
  const opts = cmd.opts<ServeOptions>();
  for (const p of pairs) {
    if (!p.accessKeySecret) throw new CliError(`--access-key-id ${p.accessKeyId} needs an --access-key-secret after it`);
  }
  if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw new CliError('--tls-cert and --tls-key go together');
  if (!REGION_ID.test(opts.region)) throw new CliError(`--region ${opts.region} is not a region id such as cn-hangzhou`);
  if (opts.accountId !== undefined && !/^[1-9]\d{15}$/.test(opts.accountId))
    throw new CliError(`--account-id must be 16 digits, not starting with 0 (like 1234567890123456), got '${opts.accountId}'`);
  return { opts, credentials: pairs as Credential[] };
}

/** Flags first; else the environment's pair; else a generated pair (which the caller prints once). */
function resolveCredentials(given: Credential[]): { credentials: Credential[]; generated: boolean } {
  if (given.length) return { credentials: given, generated: false };
  const id = ENV.accessKeyId();
  const secret = ENV.accessKeySecret();
  if (id && secret) return { credentials: [{ accessKeyId: id, accessKeySecret: secret, securityToken: ENV.stsToken() }], generated: false };
  return { credentials: [{ accessKeyId: 'LTAI' + randomBytes(10).toString('hex'), accessKeySecret: randomBytes(15).toString('base64url') }], generated: true };
}

async function logger(): Promise<(e: RequestLogEntry) => void> {
  const { Chalk } = await import('chalk');
  // The CLI's colour rule (render.ts): a terminal, unless NO_COLOR; FORCE_COLOR forces it.
  const chalk = new Chalk({ level: useColor(process.stderr) ? 1 : 0 });
  const paint = (status: number) => (status < 300 ? chalk.green : status < 500 ? chalk.yellow : chalk.red);
  return (e) => {
    const time = new Date().toISOString();
    const what = `${e.method} ${e.action} ${e.scheme}${e.accessKeyId ? ' ' + e.accessKeyId : ''}`;
    process.stderr.write(`${time} ${what} ${paint(e.status)(String(e.status) + (e.code ? ' ' + e.code : ''))} ${e.ms.toFixed(1)}ms\n`);
  };
}

/** This package's version, for /health (the bundle lives in dist/, beside package.json's folder). */
function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `--access-log`: one JSON line per request (names, never values), appended to a file or stderr. */
function accessLogger(target: string): { write: (e: RequestLogEntry) => void; close: () => void } {
  let fd: number | undefined;
  let failed = false;
  if (target !== '-') {
    try {
      fd = openSync(target, 'a', 0o600);
    } catch (e: any) {
      throw new CliError(`cannot open the access log ${target}: ${e.code === 'ENOENT' ? 'no such folder' : e.code === 'EISDIR' ? 'it is a directory' : e.message}`);
    }
  }
  const write = (e: RequestLogEntry) => {
    const line =
      JSON.stringify({
        time: new Date().toISOString(),
        action: e.action,
        secretName: e.secretName ?? null,
        versionId: e.versionId ?? null,
        versionStage: e.versionStage ?? null,
        accessKeyId: e.accessKeyId ?? null,
        status: e.status,
        errorCode: e.code ?? null,
        latencyMs: Math.round(e.ms * 100) / 100,
        region: e.region ?? null,
        requestId: e.requestId ?? null,
        method: e.method,
        scheme: e.scheme,
      }) + '\n';
    // Synchronous: the line is in the file before the answer is sent.
    if (fd === undefined) process.stderr.write(line);
    else
      try {
        writeSync(fd, line);
      } catch (err: any) {
        // A full disk must not stop the answers; say once that lines are being lost.
        if (!failed) process.stderr.write(`warning: cannot write the access log ${target}: ${err.code ?? err.message}; its lines are being lost\n`);
        failed = true;
      }
  };
  return { write, close: () => fd !== undefined && closeSync(fd) };
}

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const parsed = await parse(argv, io);
  if (typeof parsed === 'number') return parsed;
  const { opts } = parsed;
  const { LocalStore, StoreError, defaultStoreDir } = await import('../backends/local/store.js');
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (opts.tlsCert && opts.tlsKey) {
    try {
      tls = { cert: readFileSync(opts.tlsCert), key: readFileSync(opts.tlsKey) };
    } catch (e: any) {
      throw new CliError(`cannot read the TLS certificate or key: ${e.code === 'ENOENT' ? `no such file ${e.path}` : e.message}`);
    }
  }
  // The seed is read and checked before any store is created or opened.
  const { readSeed, applySeed, SeedError } = await import('./seed.js');
  let seed;
  try {
    seed = opts.seed !== undefined ? readSeed(opts.seed) : undefined;
  } catch (e) {
    throw e instanceof SeedError ? new CliError(e.message) : e;
  }
  const accessLog = opts.accessLog !== undefined ? accessLogger(opts.accessLog) : undefined;

  // Signals are taken from before the ephemeral folder exists: one that arrives while the store is
  // set up or seeded stops the server before it listens (after the seed's writes, which are never
  // left half done), and the folder is still removed. (Taken later, a SIGTERM right after the
  // folder appeared ended the process by default, leaving the folder behind.)
  const signals = { early: undefined as string | undefined, handle: (signal: string) => void (signals.early ??= signal) };
  process.on('SIGINT', () => signals.handle('SIGINT'));
  process.on('SIGTERM', () => signals.handle('SIGTERM'));
  // --ephemeral: a fresh folder, removed whenever this process ends normally or by SIGINT/SIGTERM.
  const dir = opts.ephemeral ? mkdtempSync(join(tmpdir(), 'aliyun-kms-serve-')) : defaultStoreDir();
  // Also at exit: a request still in flight after a forced stop may have reopened (re-created) it.
  const removeEphemeral = () => {
    if (opts.ephemeral) rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', removeEphemeral);
  try {
    return await serve(opts, parsed.credentials, io, { dir, tls, seed, accessLog, removeEphemeral, signals, LocalStore, StoreError, applySeed, SeedError });
  } finally {
    accessLog?.close();
    removeEphemeral();
  }
}

async function serve(
  opts: ServeOptions,
  given: Credential[],
  io: Io,
  c: {
    dir: string;
    tls?: { cert: Buffer; key: Buffer };
    seed?: import('./seed.js').SeedSecret[];
    accessLog?: { write: (e: RequestLogEntry) => void };
    removeEphemeral: () => void;
    /** The first signal so far, and the handler of the ones to come (the server's, once it listens). */
    signals: { early: string | undefined; handle: (signal: string) => void };
    LocalStore: typeof import('../backends/local/store.js').LocalStore;
    StoreError: typeof import('../backends/local/store.js').StoreError;
    applySeed: typeof import('./seed.js').applySeed;
    SeedError: typeof import('./seed.js').SeedError;
  },
): Promise<number> {
  const openStore = () => new c.LocalStore(c.dir).open({ accountId: opts.accountId });
  let store;
  try {
    store = openStore();
  } catch (e: any) {
    throw new CliError(e instanceof c.StoreError ? e.message : `cannot open the local store ${c.dir}: ${e.message}`);
  }
  if (opts.accountId !== undefined && store.accountId !== opts.accountId)
    throw new CliError(
      `--account-id ${opts.accountId}: the store ${store.dir} already has account id ${store.accountId} (fixed when a store is created); ` +
        'use another ALIYUN_KMS_LOCAL_DIR, --ephemeral, or drop --account-id',
    );
  if (c.seed) {
    try {
      const r = await c.applySeed(store, opts.region, c.seed, opts.seed!);
      io.err(`seeded ${r.created} secret(s) into region ${opts.region} from ${opts.seed}` + (r.unchanged ? ` (${r.unchanged} already in the store, unchanged)` : '') + '\n');
    } catch (e: any) {
      throw new CliError(e instanceof c.SeedError || e instanceof c.StoreError ? e.message : `cannot seed from ${opts.seed}: ${e.message}`);
    }
  }
  if (c.signals.early) {
    io.err(`${c.signals.early}: stopping before serving\n`);
    return 0;
  }
  const faults: Faults = { latencyMs: opts.latency, throttleFraction: opts.throttle, retryAfterMs: opts.retryAfter, unavailableFraction: opts.unavailable };
  const { credentials, generated } = resolveCredentials(given);
  const { KmsServer } = await import('./server.js');
  const stderrLog = opts.log ? await logger() : undefined;
  const log =
    stderrLog && c.accessLog
      ? (e: RequestLogEntry) => {
          stderrLog(e);
          c.accessLog!.write(e);
        }
      : (stderrLog ?? c.accessLog?.write);
  let server;
  try {
    // The store opened above serves the first request; later opens are for a replaced store.json.
    let first: typeof store | undefined = store;
    const reopen = () => {
      const s = first ?? openStore();
      first = undefined;
      return s;
    };
    server = new KmsServer({
      openStore: reopen,
      tls: c.tls,
      faults,
      credentials,
      defaultRegion: opts.region,
      checkNonce: opts.nonceCheck,
      log,
      maxConnections: opts.maxConnections,
      notice: (line) => io.err(`${new Date().toISOString()} warning: ${line}\n`),
      version: packageVersion(),
    });
  } catch (e: any) {
    throw new CliError(e instanceof c.StoreError ? e.message : `cannot start the server: ${e.message}`);
  }
  let address;
  try {
    address = await server.listen(opts.port, opts.host);
  } catch (e: any) {
    throw new CliError(`cannot listen on ${opts.host}:${opts.port}: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`);
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  io.out(`aliyun kms serve: listening on ${c.tls ? 'https' : 'http'}://${host}:${address.port} (store ${server.storeDir}${opts.ephemeral ? ', ephemeral' : ''}, default region ${opts.region})\n`);
  if (generated) io.out(`generated credentials (shown once): AccessKeyId=${credentials[0].accessKeyId} AccessKeySecret=${credentials[0].accessKeySecret}\n`);
  if (!opts.nonceCheck) io.err('warning: --no-nonce-check: replayed requests are accepted (use for benchmarking only)\n');
  const fileLimit = openFileLimit();
  if (opts.maxConnections !== undefined && fileLimit !== undefined && opts.maxConnections > fileLimit - 32)
    io.err(`warning: --max-connections ${opts.maxConnections} is near or over this process's open-file limit (${fileLimit}): past it, new connections are reset; raise \`ulimit -n\` or lower --max-connections\n`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    c.signals.handle = (signal: string) => {
      if (stopping) {
        // A second signal: stop now (connections cut), still removing an ephemeral store.
        io.err(`${signal} again: stopping now\n`);
        server.server.closeAllConnections();
        resolve();
        return;
      }
      stopping = true;
      io.err(`${signal}: finishing ${server.requestsInFlight} request(s) in flight and stopping\n`);
      void server.close().then(resolve);
    };
    if (c.signals.early) c.signals.handle(c.signals.early);
  });
  return 0;
}
