#!/bin/sh
':' //; exec node -- "$0" "$@"
// The `aliyun` command. CommonJS on purpose: it starts faster than an ES module (see scripts/build.mjs).
// The two lines above are both shell and JavaScript: run as a program, sh starts node with `--` before
// this file, because Node 20 otherwise reads `--env-file FILE` among OUR arguments as its own option
// (nodejs/node#54232): a missing FILE ends the call with "node: FILE: not found" (exit 9), and a
// NODE_OPTIONS line in FILE is applied to this process. Run as `node bin/aliyun.cjs`, line 2 is a
// string and a comment.
require("../dist/aliyun.cjs");
