// Bundles the CLI so that a call reads as little code as possible: start-up time is a feature (a
// script that reads ten secrets starts the CLI ten times). Measured on this machine, a CommonJS
// bundle starts ~15 ms faster than the same code as an ES module, so our code is one CJS file.
// Third-party packages that only some calls need (JMESPath, node-fetch, commander, chalk, conf)
// are each bundled into dist/vendor/<name>.mjs and imported on demand.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { relative, resolve as resolvePath } from 'node:path';

/** Package → whether it has a default export to pass on. */
const VENDOR_DEFAULT = { '@jmespath-community/jmespath': true, 'node-fetch': true, commander: false, chalk: true, conf: true };
export const VENDORED = Object.keys(VENDOR_DEFAULT);
const vendorFile = (pkg) => `vendor/${pkg.replace(/^@/, '').replace(/\//g, '-')}.mjs`;

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await Promise.all(
  VENDORED.map((pkg) =>
    build({
      stdin: { contents: `export * from '${pkg}';` + (VENDOR_DEFAULT[pkg] ? ` export { default } from '${pkg}';` : ''), resolveDir: '.', loader: 'js' },
      outfile: `dist/${vendorFile(pkg)}`,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: 'none',
      // CommonJS dependencies inside these packages call require().
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'warning',
    }),
  ),
);

/** Keeps `import('<vendored package>')` as a runtime import of its vendor bundle. */
const vendorPlugin = {
  name: 'vendor',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (!VENDORED.includes(args.path)) return undefined;
      // A static import would put the whole package into the start-up bundle: bundle it there
      // (correct, but every call pays for it: bench/run.mjs shows the start-up cost).
      if (args.kind !== 'dynamic-import') return undefined;
      return { path: './' + vendorFile(args.path), external: true };
    });
  },
};

/**
 * Parts of our own code that only some calls need are bundles of their own, required on demand.
 * (Our classes are branded so that `instanceof` works across these bundles: see core/errors.ts.)
 */
const LAZY = {
  'src/backends/remote/index.ts': 'remote.cjs',
  'src/server/cli.ts': 'serve.cjs',
  'src/cli/subcommands.ts': 'subcommands.cjs',
};
const lazyPlugin = (self) => ({
  name: 'lazy',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind !== 'dynamic-import' || args.namespace !== 'file') return undefined;
      const abs = resolvePath(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      const rel = relative(process.cwd(), abs);
      if (!LAZY[rel] || rel === self) return undefined;
      return { path: LAZY[rel], namespace: 'lazy' };
    });
    // `import('./x.js')` becomes a synchronous require of the sibling bundle: faster than import()
    // of a CommonJS file, which makes Node scan it for exports first.
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
};

// The lazy bundles carry their third-party packages inside (converted to CommonJS): one require()
// is cheaper than importing an ES module graph, and node-fetch is on every remote call's path.
// Their own `await import('node:…')` become require() too: import() would start Node's ES module
// loader (~10 ms) just to hand back a built-in module.
await Promise.all(
  Object.entries(LAZY).map(([entry, out]) => build({ ...common, entryPoints: [entry], outfile: `dist/${out}`, plugins: [lazyPlugin(entry)], supported: { 'dynamic-import': false } })),
);

await build({
  ...common,
  entryPoints: { aliyun: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  plugins: [vendorPlugin, lazyPlugin('src/cli/main.ts')],
});
