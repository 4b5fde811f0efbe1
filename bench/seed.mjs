// `aliyun kms serve --seed`: time from start to the listening line (every seeded write durable by
// then) for 10 and for 10,000 secrets, side by side with a start without a seed, in one run.
//   npm run build && node bench/seed.mjs [secrets=10000]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/aliyun.cjs');
const N = Number(process.argv[2] ?? 10_000);

function seedDoc(n) {
  return {
    Secrets: Array.from({ length: n }, (_, i) => ({
      SecretName: `app/secret-${i}`,
      Description: 'seeded',
      Tags: [{ TagKey: 'env', TagValue: 'ci' }],
      Versions: [
        { VersionId: 'v1', SecretData: `old-${i}`, VersionStages: ['ACSPrevious'] },
        { VersionId: 'v2', SecretData: `new-${i}` },
      ],
    })),
  };
}

// Servers started here go with this process, however it ends.
const children = new Set();
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(1));

/** Milliseconds from spawn to the first stdout line (the server listens only after seeding). */
function startMs(root, args) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'kms', 'serve', '--port', '0', '--access-key-id', 'AK', '--access-key-secret', 'SK', '--no-log', ...args], {
      env: { ...process.env, HOME: root, ALIYUN_KMS_LOCAL_DIR: join(root, 'store') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        const ms = performance.now() - t0;
        child.kill('SIGTERM');
        child.once('exit', () => res(ms));
      }
    });
    child.once('exit', (code) => {
      if (!out.includes('\n')) rej(new Error(`exited ${code}: ${err}`));
    });
  });
}

async function run(label, n) {
  const root = mkdtempSync(join(tmpdir(), 'bench-seed-'));
  try {
    let args = [];
    if (n !== undefined) {
      writeFileSync(join(root, 'seed.json'), JSON.stringify(seedDoc(n)));
      args = ['--seed', join(root, 'seed.json')];
    }
    const first = await startMs(root, args);
    const again = n !== undefined ? await startMs(root, args) : undefined;
    console.log(`${label.padEnd(34)} first start ${first.toFixed(0).padStart(6)} ms` + (again !== undefined ? `   second start (idempotent, nothing written) ${again.toFixed(0).padStart(6)} ms` : ''));
    return first;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; each secret has 2 versions, a tag and a description`);
const base = await run('no seed (new store)', undefined);
const small = await run('--seed, 10 secrets', 10);
const big = await run(`--seed, ${N.toLocaleString('en')} secrets`, N);
console.log(`seeding ${N} secrets: ${((big - base) / 1000).toFixed(1)} s over a start without a seed (${((big - base) / N).toFixed(2)} ms a secret); 10 secrets: ${(small - base).toFixed(0)} ms`);
