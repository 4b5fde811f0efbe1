// Benchmark of `aliyun kms serve` against a bare node:http server, every figure side by side with
// its baseline in the same run (run `npm run build` first, then `node bench/server.mjs`). The load
// generator (bench/load.mjs, autocannon) runs in a process of its own; each server in another.
//  1. signed GetSecretValue (v1 and V3, a fresh nonce each, every one verified) of a random one of
//     BENCH_SECRETS secrets, requests/s as a share of the bare server's (target >= 50%);
//  2. reads under a mix with 20% durable writes (CreateSecret): read p99 / reads-only p99 (<= 2);
//  3. ListSecrets (PageSize 10) on a server with 10,000 secrets / with 10 (requests/s; <= 1.3);
//  4. RSS of a server with BENCH_LARGE (100,000) secrets after a full read load (< 256 MiB).
// Each comparison is repeated BENCH_ROUNDS times (the CPU is shared: look at the spread).
// Options (environment): BENCH_SECRETS (2000), BENCH_SECONDS (10), BENCH_CONNECTIONS (32),
// BENCH_ROUNDS (3), BENCH_LIST_LARGE (10000), BENCH_LARGE (100000; 0 skips figure 4),
// BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", for the serve processes),
// BENCH_ONLY (e.g. "1,3": run only these figures).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AK, SK, v1Path } from './sign.mjs';
import { fill } from './fill.mjs';

const SECRETS = Number(process.env.BENCH_SECRETS || 2000);
const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const LIST_LARGE = Number(process.env.BENCH_LIST_LARGE || 10000);
const LARGE = Number(process.env.BENCH_LARGE ?? 100000);
const BIN = resolve('bin/aliyun.cjs');
const HERE = fileURLToPath(new URL('.', import.meta.url));
const PREFIX = 'bench/secret-';
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map(Number) : [1, 2, 3, 4];

const root = mkdtempSync(join(tmpdir(), 'aliyun-serve-bench-'));
const children = new Set();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** Starts a process that prints `listening on http://127.0.0.1:PORT`; resolves with it and the port. */
function startServer(args, env = process.env) {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  return new Promise((res, rej) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) res({ child, port: Number(m[1]) });
    });
    child.on('exit', (c) => rej(new Error(`${args.join(' ')} exited ${c}`)));
  });
}

function serve(storeDir) {
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS ? process.env.BENCH_SERVER_NODE_ARGS.split(' ') : [];
  const env = { ...process.env, HOME: root, ALIYUN_KMS_LOCAL_DIR: storeDir };
  return startServer([...nodeArgs, BIN, 'kms', 'serve', '--port', '0', '--no-log', '--access-key-id', AK, '--access-key-secret', SK], env);
}

async function stop({ child }) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

function post(port, path) {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path }, (r) => {
      let t = '';
      r.setEncoding('utf8').on('data', (d) => (t += d));
      r.on('end', () => (r.statusCode === 200 ? res(t) : rej(new Error(`${r.statusCode} ${t}`))));
    });
    req.on('error', rej);
    req.end();
  });
}

/** Runs bench/load.mjs in its own process. */
function load(opts) {
  const out = execFileSync(process.execPath, [join(HERE, 'load.mjs'), JSON.stringify({ connections: CONNECTIONS, seconds: SECONDS, prefix: PREFIX, ...opts })], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').pop());
  if (r.non2xx || r.errors || r.failed) throw new Error(`load ${JSON.stringify(opts)}: ${out}`);
  return r;
}

const rss = (pid) => {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (k) => (Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)[1]) / 1024).toFixed(1);
  return `RSS ${mib('VmRSS')} MiB (peak ${mib('VmHWM')} MiB)`;
};
const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
const r0 = (x) => x.toFixed(0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

console.log(`aliyun kms serve benchmark: node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0].model}; ${CONNECTIONS} connections, ${SECONDS} s per figure, ${ROUNDS} round(s)`);

// ---- 1. throughput against the bare server --------------------------------------------------------
if (ONLY.includes(1) || ONLY.includes(2)) {
const mainStore = join(root, 'store-main');
fill(mainStore, SECRETS, PREFIX);
const srv = await serve(mainStore);
const sample = await post(srv.port, v1Path('GetSecretValue', { SecretName: `${PREFIX}1` }));
const bare = await startServer([join(HERE, 'bare.mjs'), sample]);
console.log(`1. signed GetSecretValue of a random one of ${SECRETS} secrets vs a bare node:http server answering a fixed GetSecretValue body`);
// Warm-up (JIT, the server's record cache), not counted.
load({ kind: 'throughput', port: bare.port, scheme: 'v1', secrets: SECRETS, seconds: 2, pool: 20000 });
load({ kind: 'throughput', port: srv.port, scheme: 'v1', secrets: SECRETS, seconds: 3, pool: 30000 });
if (ONLY.includes(1)) {
const v1Ratios = [];
const v3Ratios = [];
for (let round = 1; round <= ROUNDS; round++) {
  // Each figure right after its baseline, which gets the very same requests (V3 requests carry
  // more headers for every server to parse): this machine's speed drifts within a run.
  const b1 = load({ kind: 'throughput', port: bare.port, scheme: 'v1', secrets: SECRETS });
  const v1 = load({ kind: 'throughput', port: srv.port, scheme: 'v1', secrets: SECRETS });
  const b3 = load({ kind: 'throughput', port: bare.port, scheme: 'v3', secrets: SECRETS });
  const v3 = load({ kind: 'throughput', port: srv.port, scheme: 'v3', secrets: SECRETS });
  v1Ratios.push(v1.rps / b1.rps);
  v3Ratios.push(v3.rps / b3.rps);
  console.log(
    `   round ${round}: bare ${r0(b1.rps)} req/s (p99 ${b1.p99} ms), v1 ${r0(v1.rps)} req/s (p99 ${v1.p99} ms) = ${(100 * v1.rps / b1.rps).toFixed(0)}% | ` +
      `bare ${r0(b3.rps)} req/s (p99 ${b3.p99} ms), V3 ${r0(v3.rps)} req/s (p99 ${v3.p99} ms) = ${(100 * v3.rps / b3.rps).toFixed(0)}%; load average ${loadavg()[0].toFixed(1)}`,
  );
}
console.log(`   v1 / bare: ${spread(v1Ratios)} (median ${median(v1Ratios).toFixed(2)}); V3 / bare: ${spread(v3Ratios)} (median ${median(v3Ratios).toFixed(2)}) (target >= 0.50)`);
}
await stop(bare);

// ---- 2. reads under a write mix ---------------------------------------------------------------------
if (ONLY.includes(2)) {
console.log(`2. GetSecretValue latency, reads only vs a mix with 20% CreateSecret (durable), same client (${CONNECTIONS} connections)`);
const mixRatios = [];
for (let round = 1; round <= ROUNDS; round++) {
  const only = load({ kind: 'mix', port: srv.port, secrets: SECRETS, writeFraction: 0, writePrefix: `mix${round}-` });
  const mix = load({ kind: 'mix', port: srv.port, secrets: SECRETS, writeFraction: 0.2, writePrefix: `mix${round}-` });
  mixRatios.push(mix.readP99 / only.readP99);
  console.log(
    `   round ${round}: reads only p50 ${only.readP50.toFixed(1)} p99 ${only.readP99.toFixed(1)} ms (${r0(only.rps)} req/s) | ` +
      `mix: reads p50 ${mix.readP50.toFixed(1)} p99 ${mix.readP99.toFixed(1)} ms, writes p50 ${mix.writeP50.toFixed(1)} p99 ${mix.writeP99.toFixed(1)} ms, ${mix.writes} writes (${(mix.writes / SECONDS).toFixed(0)}/s) | read p99 ratio ${(mix.readP99 / only.readP99).toFixed(2)}`,
  );
}
console.log(`   mix read p99 / reads-only read p99: ${spread(mixRatios)} (target <= 2)`);
}
await stop(srv);
}

// ---- 3. ListSecrets, 10,000 secrets vs 10 -------------------------------------------------------------
if (ONLY.includes(3)) {
const smallStore = join(root, 'store-10');
const listStore = join(root, `store-${LIST_LARGE}`);
fill(smallStore, 10, PREFIX);
fill(listStore, LIST_LARGE, PREFIX);
const small = await serve(smallStore);
const big = await serve(listStore);
console.log(`3. ListSecrets (PageSize 10) on a server with ${LIST_LARGE} secrets vs one with 10`);
const listRatios = [];
for (let round = 1; round <= ROUNDS; round++) {
  const a = load({ kind: 'throughput', port: small.port, scheme: 'list', secrets: 10, pool: 60000 });
  const b = load({ kind: 'throughput', port: big.port, scheme: 'list', secrets: LIST_LARGE, pool: 60000 });
  listRatios.push(a.rps / b.rps);
  console.log(`   round ${round}: 10 secrets ${r0(a.rps)} req/s (p99 ${a.p99} ms) | ${LIST_LARGE} secrets ${r0(b.rps)} req/s (p99 ${b.p99} ms) | slowdown ${(a.rps / b.rps).toFixed(2)}`);
}
console.log(`   slowdown (req/s with 10 / with ${LIST_LARGE}): ${spread(listRatios)} (target <= 1.3)`);
await stop(small);
await stop(big);
}

// ---- 4. memory with 100,000 secrets ------------------------------------------------------------------
if (LARGE > 0 && ONLY.includes(4)) {
  const largeStore = join(root, `store-${LARGE}`);
  const t0 = Date.now();
  fill(largeStore, LARGE, PREFIX);
  const srvL = await serve(largeStore);
  console.log(`4. memory of a server with ${LARGE} secrets (filled in ${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  console.log(`   at start: ${rss(srvL.child.pid)}`);
  // A full read load: every secret read once (16 at a time), every listing page, then random reads.
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < LARGE) await post(srvL.port, v1Path('GetSecretValue', { SecretName: `${PREFIX}${next++}` }));
    }),
  );
  for (let p = 1; p <= Math.ceil(LARGE / 100); p += Math.max(1, Math.floor(LARGE / 100 / 50))) await post(srvL.port, v1Path('ListSecrets', { PageSize: '100', PageNumber: String(p) }));
  load({ kind: 'throughput', port: srvL.port, scheme: 'v1', secrets: LARGE, pool: 60000 });
  console.log(`   after reading every secret, listing and ${SECONDS} s of random reads: ${rss(srvL.child.pid)} (target RSS < 256 MiB)`);
  await stop(srvL);
}
