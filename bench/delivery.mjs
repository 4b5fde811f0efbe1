// `aliyun kms run` with 20 references against `aliyun kms serve`, divided by one `aliyun kms get`
// against it: the references are fetched concurrently, so twenty cost about one. Target: ≤ 1.3.
// Also the start-up of `aliyun kms get` against `node -e 0` and against `aliyun kms GetSecretValue`
// (same endpoint, and on the local backend). All kinds are interleaved in one run so machine noise
// hits them alike; figures are medians.
//   npm run build && node bench/delivery.mjs [runs]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/aliyun.cjs');
const RUNS = Number(process.argv[2] ?? 20);
const AK = 'LTAI5tBenchDelivery';
const SK = 'bench-delivery-secret';
const REFS = 20;

const root = mkdtempSync(join(tmpdir(), 'bench-delivery-'));
// An existing HOME, as a user has: the compile cache (src/cli/compile-cache.ts) lives under it.
mkdirSync(join(root, 'home'));
const localEnv = { PATH: process.env.PATH, HOME: join(root, 'home'), NO_COLOR: '1', ALIYUN_KMS_BACKEND: 'local', ALIYUN_KMS_LOCAL_DIR: join(root, 'store') };
const remoteEnv = { PATH: process.env.PATH, HOME: join(root, 'home'), NO_COLOR: '1' };

function once(cmd, args, env) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('close', (code) => {
      if (code !== 0) rej(new Error(`${args.join(' ')} exited ${code}: ${err}`));
      else res(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
}
const aliyun = (args, env) => once(process.execPath, [BIN, ...args], env);

const server = spawn(process.execPath, [BIN, 'kms', 'serve', '--port', '0', '--no-log', '--access-key-id', AK, '--access-key-secret', SK], { env: localEnv, stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const port = await new Promise((res, rej) => {
    let out = '';
    server.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
    server.on('exit', (c) => rej(new Error(`serve exited ${c}`)));
  });
  const remote = ['--endpoint', `127.0.0.1:${port}`, '--insecure', '--access-key-id', AK, '--access-key-secret', SK, '--region', 'cn-hangzhou'];
  for (let i = 0; i < REFS; i++) await aliyun(['kms', 'CreateSecret', '--SecretName', `bench${i}`, '--SecretData', `bench-value-${i}-${'x'.repeat(20)}`, '--VersionId', 'v1', ...remote], remoteEnv);
  const sameSecret = Array.from({ length: REFS }, (_, i) => ['--env', `V${i}=kms://bench0`]).flat();
  const envFlags = Array.from({ length: REFS }, (_, i) => ['--env', `V${i}=kms://bench${i}`]).flat();

  const kinds = {
    'node -e 0': () => once(process.execPath, ['-e', '0'], remoteEnv),
    'kms get (serve)': () => aliyun(['kms', 'get', 'bench0', ...remote], remoteEnv),
    'kms GetSecretValue (serve)': () => aliyun(['kms', 'GetSecretValue', '--SecretName', 'bench0', ...remote], remoteEnv),
    [`kms run, ${REFS} refs (serve)`]: () => aliyun(['kms', 'run', ...remote, ...envFlags, '--', 'true'], remoteEnv),
    // The same twenty variables from one secret: one request; the difference to the line above is the cost of 19 requests.
    [`kms run, ${REFS} refs, 1 secret`]: () => aliyun(['kms', 'run', ...remote, ...sameSecret, '--', 'true'], remoteEnv),
    'kms get (local)': () => aliyun(['kms', 'get', 'bench0'], localEnv),
    'kms GetSecretValue (local)': () => aliyun(['kms', 'GetSecretValue', '--SecretName', 'bench0'], localEnv),
  };
  const times = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (const f of Object.values(kinds)) await f(); // warm-up
  for (let r = 0; r < RUNS; r++) for (const [k, f] of Object.entries(kinds)) times[k].push(await f());
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const m = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
  console.log(`medians of ${RUNS} interleaved runs (ms):`);
  for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(32)} ${v.toFixed(1)}`);
  const runKey = `kms run, ${REFS} refs (serve)`;
  const run = m[runKey];
  // Each round's run next to the same round's get: a drift of the machine's speed within the run
  // (±5 ms between minutes here) moves both alike, where it moves the two medians apart.
  const paired = median(times[runKey].map((t, r) => t / times['kms get (serve)'][r]));
  console.log(`kms run with ${REFS} references / one kms get, both against kms serve: ${(run / m['kms get (serve)']).toFixed(2)} (ratio of the medians), ${paired.toFixed(2)} (median of each round's ratio) (target <= 1.3)`);
  console.log(`kms get / node -e 0: ${(m['kms get (serve)'] / m['node -e 0']).toFixed(2)} (serve), ${(m['kms get (local)'] / m['node -e 0']).toFixed(2)} (local)`);
  console.log(`kms get / kms GetSecretValue: ${(m['kms get (serve)'] / m['kms GetSecretValue (serve)']).toFixed(2)} (serve), ${(m['kms get (local)'] / m['kms GetSecretValue (local)']).toFixed(2)} (local)`);
} finally {
  server.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
