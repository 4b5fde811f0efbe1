#!/usr/bin/env node
import '../dist/aliyun.mjs';
