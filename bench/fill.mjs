// Fills a local store quickly for the benchmarks: the store's own code (same files, same listing
// index), bundled with fsync turned into a no-op, since 100,000 durable creates would take minutes
// and durability is not what is measured here. The timed calls all use the real binary.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const work = mkdtempSync(join(tmpdir(), 'aliyun-bench-fill-'));
const shim = join(work, 'fs-shim.mjs');
writeFileSync(shim, "export * from 'fs';\nexport function fsyncSync() {}\nexport function fdatasyncSync() {}\n");
const lib = join(work, 'service.mjs');
await build({
  stdin: { contents: "export { handleCall } from './src/backends/local/service.ts';\nexport { LocalStore } from './src/backends/local/store.ts';\nimport './src/backends/local/versions.ts';", resolveDir: process.cwd(), loader: 'ts' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  outfile: lib,
  logLevel: 'warning',
  plugins: [{ name: 'no-fsync', setup: (b) => b.onResolve({ filter: /^node:fs$/ }, () => ({ path: shim })) }],
});
const { handleCall, LocalStore } = await import(lib);
rmSync(work, { recursive: true, force: true });

/** Creates secrets `${prefix}${i}` for i in [0, n), each with a 64-byte value. */
export function fill(dir, n, prefix = 'bench/secret-') {
  const store = new LocalStore(dir).open();
  for (let i = 0; i < n; i++) handleCall(store, 'CreateSecret', { SecretName: `${prefix}${i}`, SecretData: `value ${i} ${'x'.repeat(56)}`.slice(0, 64), VersionId: 'v1' }, 'cn-hangzhou');
}
