#!/usr/bin/env node
// The `aliyun` command. CommonJS on purpose: it starts faster than an ES module (see scripts/build.mjs).
require("../dist/aliyun.cjs");
