import { build } from 'esbuild';
import { existsSync, statSync } from 'node:fs';
await build({ stdin: { contents: "export { LocalStore } from './src/backends/local/store.ts'; export { handleCall } from './src/backends/local/service.ts'; import './src/backends/local/versions.ts';", resolveDir: '/work/wt/perf', loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', outfile: '/work/wt/perf/.tmpbench/list-lib.mjs', logLevel: 'warning' });
const { LocalStore, handleCall } = await import('/work/wt/perf/.tmpbench/list-lib.mjs');
const { fill } = await import('/work/wt/perf/bench/fill.mjs');
const dir = '/tmp/pt/list10k';
if (!existsSync(dir)) fill(dir, 10000);
const r = dir + '/regions/cn-hangzhou/';
console.log('index', statSync(r + 'secrets.index').size, 'journal', statSync(r + 'secrets.journal').size);
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const store = new LocalStore(dir).open();
  const t1 = performance.now();
  handleCall(store, 'ListSecrets', { PageSize: '10' }, 'cn-hangzhou');
  console.log('open', (t1 - t).toFixed(1), 'list', (performance.now() - t1).toFixed(1), 'ms');
}
