// Bundles the CLI so that a call reads as little code as possible: start-up time is a feature (a
// script that reads ten secrets starts the CLI ten times). Measured on this machine, a CommonJS
// bundle starts ~15 ms faster than the same code as an ES module, so our code is one CJS file.
// Third-party packages that only some calls need (JMESPath, node-fetch, commander, chalk, conf)
// are each bundled into dist/vendor/<name>.mjs and imported on demand.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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

await build({
  entryPoints: { aliyun: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  plugins: [vendorPlugin],
  logLevel: 'warning',
});
