// Shell completion: a Tab starts `aliyun` with COMP_LINE/COMP_POINT, so its cost is a process start.
// Prints, measured side by side in one run (interleaved, medians):
//   node -e 0  |  aliyun version  |  completing an API name  |  completing a secret name (10 secrets)
// and, for scale, the secret-name completion with 1,000 secrets in the store.
// Usage: node bench/completion.mjs   (after `npm run build`; BENCH_RUNS=N, default 25)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const RUNS = Number(process.env.BENCH_RUNS || 25);
const BIN = resolve('bin/aliyun.cjs');
const root = mkdtempSync(join(tmpdir(), 'aliyun-bench-completion-'));
// An existing HOME, as a user has: the compile cache (src/cli/compile-cache.ts) lives under it.
mkdirSync(join(root, 'home'));
// Without what slows every Node start alike and would flatten the ratios: NODE_EXTRA_CA_CERTS makes
// Node parse that CA file at start-up (+50 ms on a machine that sets it to the system bundle).
const baseEnv = { ...process.env };
delete baseEnv.NODE_EXTRA_CA_CERTS;
delete baseEnv.NODE_OPTIONS;

await build({ entryPoints: ['src/backends/local/service.ts', 'src/backends/local/store.ts'], bundle: true, format: 'esm', platform: 'node', outdir: root, logLevel: 'warning' });
const { handleCall } = await import(join(root, 'service.js'));
const { LocalStore } = await import(join(root, 'store.js'));

function fill(dir, n) {
  const store = new LocalStore(dir).open();
  for (let i = 0; i < n; i++)
    handleCall(store, 'CreateSecret', { SecretName: `bench/secret-${String(i).padStart(5, '0')}`, SecretData: `value-${i}`, VersionId: 'v1' }, 'cn-hangzhou');
}

const small = join(root, 'store-10');
const large = join(root, 'store-1000');
fill(small, 10);
process.stderr.write('filling a store with 1,000 secrets…\n');
fill(large, 1000);

const env = (store, line) => ({ ...baseEnv, HOME: join(root, 'home'), ALIYUN_KMS_LOCAL_DIR: store, ALIYUN_KMS_BACKEND: 'local', COMP_LINE: line, COMP_POINT: String(line.length) });
function time(args, e, expectLines) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env: e, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 || r.stderr) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  if (expectLines !== undefined && r.stdout.split('\n').length - 1 !== expectLines) throw new Error(`expected ${expectLines} candidates, got ${r.stdout}`);
  return ms;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cases = [
  ['node -e 0', () => time(['-e', '0'], env(small, ''))],
  ['aliyun version (the CLI\'s shortest call)', () => time([BIN, 'version'], env(small, ''))],
  ['API name (aliyun kms GetSec<Tab>)', () => time([BIN, 'aliyun', 'GetSec', 'kms'], env(small, 'aliyun kms GetSec'), 2)],
  ['secret name, 10 secrets (aliyun kms get <Tab>)', () => time([BIN, 'aliyun', '', 'get'], env(small, 'aliyun kms get '), 10)],
  ['secret name, 1,000 secrets', () => time([BIN, 'aliyun', '', 'get'], env(large, 'aliyun kms get '), 1000)],
];
const times = cases.map(() => []);
for (let i = 0; i < RUNS; i++) cases.forEach(([, f], k) => times[k].push(f()));
const med = times.map(median);
const min = times.map((xs) => Math.min(...xs));
console.log(`runs per figure: ${RUNS} (interleaved), node ${process.version}; median, then fastest run (less sensitive to machine load)`);
cases.forEach(([name], k) => {
  const ratio = k === 0 ? '' : ` | ÷ node -e 0: ${(med[k] / med[0]).toFixed(2)} / ${(min[k] / min[0]).toFixed(2)}${k === 2 || k === 3 ? ' (target <= 1.3)' : ''}`;
  console.log(`  ${name.padEnd(46)} ${med[k].toFixed(1).padStart(7)} / ${min[k].toFixed(1).padStart(6)} ms${ratio}`);
});
rmSync(root, { recursive: true, force: true });
