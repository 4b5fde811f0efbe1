// Benchmarks of the local backend through the real binary. Prints, measured in one run:
//  (a) cold start of `aliyun kms GetSecretValue` on the local store divided by `node -e 0`;
//  (b) GetSecretValue, CreateSecret and ListSecrets with 10 and with 10,000 secrets in the store.
// Usage: npm run bench   (BENCH_RUNS=N to change the number of runs per figure; default 25)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const RUNS = Number(process.env.BENCH_RUNS || 25);
const BIN = resolve('bin/aliyun.cjs');
const root = mkdtempSync(join(tmpdir(), 'aliyun-bench-'));

// The store is filled in-process through the same local service the CLI uses (10,000 CLI starts
// would take minutes); the timed calls all go through the binary.
const lib = join(root, 'service.mjs');
await build({ entryPoints: ['src/backends/local/service.ts'], bundle: true, format: 'esm', platform: 'node', outfile: lib, logLevel: 'warning' });
const { handleCall } = await import(lib);
const storeLib = join(root, 'store.mjs');
await build({ entryPoints: ['src/backends/local/store.ts'], bundle: true, format: 'esm', platform: 'node', outfile: storeLib, logLevel: 'warning' });
const { LocalStore } = await import(storeLib);

function fill(dir, n) {
  const store = new LocalStore(dir).open();
  for (let i = 0; i < n; i++)
    handleCall(store, 'CreateSecret', { SecretName: `bench/secret-${String(i).padStart(5, '0')}`, SecretData: `value-${i}-${'x'.repeat(40)}`, VersionId: 'v1' }, 'cn-hangzhou');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function time(args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

function envFor(dir) {
  return { ...process.env, HOME: join(root, 'home'), ALIYUN_KMS_LOCAL_DIR: dir, ALIYUN_KMS_BACKEND: 'local' };
}

const small = join(root, 'store-10');
const large = join(root, 'store-10000');
fill(small, 10);
process.stderr.write('filling a store with 10,000 secrets…\n');
const t0 = Date.now();
fill(large, 10000);
process.stderr.write(`filled in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

// (a) cold start, interleaved so that machine noise hits both sides alike.
const nodeTimes = [];
const getTimes = [];
const get = [BIN, 'kms', 'GetSecretValue', '--SecretName', 'bench/secret-00003'];
for (let i = 0; i < RUNS; i++) {
  nodeTimes.push(time(['-e', '0'], envFor(small)));
  getTimes.push(time(get, envFor(small)));
}
const nodeMs = median(nodeTimes);
const getMs = median(getTimes);
const nodeMin = Math.min(...nodeTimes);
const getMin = Math.min(...getTimes);

// (b) per operation, 10 vs 10,000 secrets, interleaved.
const ops = {
  GetSecretValue: () => get,
  CreateSecret: (i, size) => [BIN, 'kms', 'CreateSecret', '--SecretName', `bench/new-${size}-${i}`, '--SecretData', 'new value', '--VersionId', 'v1'],
  ListSecrets: () => [BIN, 'kms', 'ListSecrets', '--PageSize', '10'],
};
const results = {};
for (const [name, argsOf] of Object.entries(ops)) {
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(time(argsOf(i, 10), envFor(small)));
    b.push(time(argsOf(i, 10000), envFor(large)));
  }
  results[name] = [median(a), median(b)];
}

const f = (x) => x.toFixed(1).padStart(7);
console.log(`runs per figure: ${RUNS} (medians), node ${process.version}`);
console.log(`(a) cold start: node -e 0 ${f(nodeMs)} ms | aliyun kms GetSecretValue ${f(getMs)} ms | ratio ${(getMs / nodeMs).toFixed(2)} (target <= 1.3)`);
console.log(`    fastest runs: node -e 0 ${f(nodeMin)} ms | aliyun kms GetSecretValue ${f(getMin)} ms | ratio ${(getMin / nodeMin).toFixed(2)}`);
console.log('(b) operation        10 secrets   10,000 secrets   ratio');
for (const [name, [s, l]] of Object.entries(results))
  console.log(`    ${name.padEnd(16)} ${f(s)} ms   ${f(l)} ms       ${(l / s).toFixed(2)}${name === 'ListSecrets' ? '' : ' (target <= 1.3)'}`);
rmSync(root, { recursive: true, force: true });
