// Bundles the CLI so that a call reads as little code as possible: start-up time is a feature (a
// script that reads ten secrets starts the CLI ten times). Measured on this machine (Node 20):
// CommonJS starts ~15 ms faster than the same code as an ES module, and require() of a CommonJS
// file is ~10 ms cheaper than import() of one. So:
//   dist/aliyun.cjs        our code on every call's path (argv, printing, the local service)
//   dist/remote.cjs, …     parts only some calls need, with their packages inside
//                          (conf, commander, chalk), loaded with require() when first needed
//   dist/vendor/*.cjs      packages the start-up bundle imports lazily (none today: the JMESPath
//                          engine is our own, src/core/jmespath.ts, bundled as dist/jmespath.cjs)
// In the source these are plain `await import(…)`; the plugin below turns them into require().
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { relative, resolve as resolvePath } from 'node:path';

/** Our own modules that get a bundle of their own. */
const LAZY = {
  'src/backends/remote/index.ts': 'remote.cjs',
  'src/server/cli.ts': 'serve.cjs',
  'src/cli/subcommands.ts': 'subcommands.cjs',
  'src/core/jmespath.ts': 'jmespath.cjs',
  'src/cli/store-command.ts': 'store.cjs',
  'src/cli/delivery-commands.ts': 'delivery.cjs',
  // The server's writer thread, started by path (src/server/writes.ts).
  'src/server/write-worker.ts': 'write-worker.cjs',
};
/** Packages that the start-up bundle imports lazily. */
const VENDORED = {};

/**
 * `await import(x)` of a lazy module or vendored package becomes a require() of its bundle. (Our
 * classes are branded so that `instanceof` works across bundles: see core/errors.ts.)
 */
const lazyPlugin = (self) => ({
  name: 'lazy',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import' || args.namespace !== 'file') return undefined;
      if (VENDORED[args.path]) return { path: VENDORED[args.path], namespace: 'lazy' };
      if (!args.path.startsWith('.')) return undefined;
      const rel = relative(process.cwd(), resolvePath(args.resolveDir, args.path).replace(/\.js$/, '.ts'));
      if (!LAZY[rel] || rel === self) return undefined;
      return { path: LAZY[rel], namespace: 'lazy' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({ contents: `module.exports = require('./${args.path}');`, loader: 'js' }));
    b.onResolve({ filter: /\.cjs$/, namespace: 'lazy' }, (args) => ({ path: args.path, external: true }));
  },
});

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Built-in modules imported with `await import('node:…')` are required too.
  supported: { 'dynamic-import': false },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await Promise.all([
  ...Object.entries(VENDORED).map(([pkg, out]) => build({ ...common, stdin: { contents: `module.exports = require('${pkg}');`, resolveDir: '.', loader: 'js' }, outfile: `dist/${out}` })),
  ...Object.entries(LAZY).map(([entry, out]) => build({ ...common, entryPoints: [entry], outfile: `dist/${out}`, plugins: [lazyPlugin(entry)] })),
  // Installed by bin/aliyun.cjs before the CLI bundle is loaded, so that bundle can come from the cache.
  build({ ...common, entryPoints: ['src/cli/compile-cache.ts'], outfile: 'dist/compile-cache.cjs' }),
  build({ ...common, entryPoints: { aliyun: 'src/cli/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, plugins: [lazyPlugin('src/cli/main.ts')] }),
]);
