// Benchmarks of the local backend through the real binary. Prints, measured in one run:
//  (a) cold start of `aliyun kms GetSecretValue` on the local store divided by `node -e 0`;
//  (b) GetSecretValue and CreateSecret with 10 and with BENCH_LARGE (100,000) secrets in the store,
//      ListSecrets with 10 and with BENCH_LIST_LARGE (10,000) (targets: each <= 1.3).
// Usage: npm run bench   (BENCH_RUNS=N to change the number of runs per figure; default 25)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS || 25);
const BIN = resolve('bin/aliyun.cjs');
const root = mkdtempSync(join(tmpdir(), 'aliyun-bench-'));
// An existing HOME, as a user has: the compile cache (src/cli/compile-cache.ts) lives under it.
mkdirSync(join(root, 'home'));
// Without what slows every Node start alike and would flatten the ratios: NODE_EXTRA_CA_CERTS makes
// Node parse that CA file at start-up (+50 ms on a machine that sets it to the system bundle).
const baseEnv = { ...process.env };
delete baseEnv.NODE_EXTRA_CA_CERTS;
delete baseEnv.NODE_OPTIONS;

// Stores are filled in-process through the store's own code (bench/fill.mjs; 100,000 CLI starts
// would take hours); the timed calls all go through the binary.
const { fill: fillWith } = await import('./fill.mjs');
const fill = (dir, n) => fillWith(dir, n, 'bench/secret-');
const LIST_LARGE = Number(process.env.BENCH_LIST_LARGE || 10000);
const LARGE = Number(process.env.BENCH_LARGE || 100000);

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
  return { ...baseEnv, HOME: join(root, 'home'), ALIYUN_KMS_LOCAL_DIR: dir, ALIYUN_KMS_BACKEND: 'local' };
}

const small = join(root, 'store-10');
const listLarge = join(root, `store-${LIST_LARGE}`);
const large = join(root, `store-${LARGE}`);
fill(small, 10);
fill(listLarge, LIST_LARGE);
process.stderr.write(`filling a store with ${LARGE} secrets…\n`);
const t0 = Date.now();
fill(large, LARGE);
process.stderr.write(`filled in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

// (a) cold start, interleaved so that machine noise hits both sides alike.
const nodeTimes = [];
const getTimes = [];
const get = [BIN, 'kms', 'GetSecretValue', '--SecretName', 'bench/secret-3'];
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
  GetSecretValue: { args: () => get, big: large, size: LARGE },
  CreateSecret: { args: (i, size) => [BIN, 'kms', 'CreateSecret', '--SecretName', `bench/new-${size}-${i}`, '--SecretData', 'new value', '--VersionId', 'v1'], big: large, size: LARGE },
  ListSecrets: { args: () => [BIN, 'kms', 'ListSecrets', '--PageSize', '10'], big: listLarge, size: LIST_LARGE },
};
const results = {};
for (const [name, { args, big, size }] of Object.entries(ops)) {
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(time(args(i, 10), envFor(small)));
    b.push(time(args(i, size), envFor(big)));
  }
  results[name] = [median(a), median(b), size];
}

const f = (x) => x.toFixed(1).padStart(7);
console.log(`runs per figure: ${RUNS} (medians), node ${process.version}`);
console.log(`(a) cold start: node -e 0 ${f(nodeMs)} ms | aliyun kms GetSecretValue ${f(getMs)} ms | ratio ${(getMs / nodeMs).toFixed(2)} (target <= 1.3)`);
console.log(`    fastest runs: node -e 0 ${f(nodeMin)} ms | aliyun kms GetSecretValue ${f(getMin)} ms | ratio ${(getMin / nodeMin).toFixed(2)}`);
console.log('(b) operation (CLI, cold)   10 secrets      N secrets            ratio');
for (const [name, [s, l, size]] of Object.entries(results))
  console.log(`    ${name.padEnd(16)} ${f(s)} ms   ${f(l)} ms (N = ${size})   ${(l / s).toFixed(2)} (target <= 1.3)`);
rmSync(root, { recursive: true, force: true });
