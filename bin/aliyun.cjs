#!/bin/sh
':' //; exec node -- "$0" "$@"
// The `aliyun` command. CommonJS on purpose: it starts faster than an ES module (see scripts/build.mjs).
// The two lines above are both shell and JavaScript: run as a program, sh starts node with `--` before
// this file, because Node 20 otherwise reads `--env-file FILE` among OUR arguments as its own option
// (nodejs/node#54232): a missing FILE ends the call with "node: FILE: not found" (exit 9), and a
// NODE_OPTIONS line in FILE is applied to this process. Run as `node bin/aliyun.cjs`, line 2 is a
// string and a comment.
// Compiled code of dist/ kept between calls (src/cli/compile-cache.ts); without it the CLI runs the same.
try {
  require("../dist/compile-cache.cjs").install(require("node:path").join(__dirname, "..", "dist"));
} catch {
  // An older or partial dist/: no cache.
}
require("../dist/aliyun.cjs");
