import { build } from 'esbuild';
await build({ stdin: { contents: "export * from './src/server/gateway.ts';", resolveDir: '/work/wt/perf', loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', outfile: '/work/wt/perf/.tmpbench/form-lib.mjs', logLevel: 'warning' });
const { decodeForm } = await import('/work/wt/perf/.tmpbench/form-lib.mjs');
const ref = (raw) => { const o = {}; for (const [k, v] of new URLSearchParams(raw)) o[k] = v; return o; };
const cases = ['', 'a=b', 'a=b&a=c', 'a', 'a=', '=b', '&&a=1&&', 'a+b=c+d', 'x=%20%2B%26', 'bad=%zz', 'u=%E4%BD%A0', 'half=%E4%BD', 'p=100%', 'k%3D=v%3D', 'a=b=c', '%=1', 'x=%C0%80', 'emoji=%F0%9F%98%80'];
const chars = ['a', '%', '2', 'B', '+', '=', '&', 'E', '4', 'F', 'z', '0', '8'];
for (let i = 0; i < 20000; i++) { let s = ''; const n = Math.floor(Math.random() * 12); for (let j = 0; j < n; j++) s += chars[Math.floor(Math.random() * chars.length)]; cases.push(s); }
let bad = 0;
for (const c of cases) if (JSON.stringify(decodeForm(c)) !== JSON.stringify(ref(c))) { if (bad++ < 10) console.log('DIFF', JSON.stringify(c), decodeForm(c), ref(c)); }
console.log('cases', cases.length, 'diffs', bad);
