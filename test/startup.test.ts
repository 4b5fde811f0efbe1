// Start-up is a feature: a call loads only the built-in modules its path needs. Checked on the built
// binary through Node's own list of loaded modules (process.moduleLoadList), so an import that pulls
// a heavy module onto every call's path fails here rather than showing up only in a benchmark.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, Sandbox } from './helpers.js';
import { AK, SK, ServerProcess } from './server.harness.js';

const sb = new Sandbox();
const probe = join(sb.root, 'probe.cjs');
let server: ServerProcess;

beforeAll(async () => {
  // Preloaded with -r: prints, at exit, the public built-in modules the call loaded.
  writeFileSync(probe, "process.on('exit', () => process.stderr.write('LOADED ' + process.moduleLoadList.filter((m) => /^NativeModule [a-z_]+$/.test(m)).map((m) => m.slice(13)).sort().join(' ') + '\\n'));\n");
  server = await ServerProcess.start(sb, ['--access-key-id', AK, '--access-key-secret', SK, '--no-log']);
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'db', '--SecretData', 'startup-value', '--VersionId', 'v1')).code).toBe(0);
});

afterAll(async () => {
  await server.stop();
  sb.cleanup();
});

async function loaded(args: string[], env: Record<string, string>): Promise<string[]> {
  const r = await run(args, { ...env, NODE_OPTIONS: `-r ${probe}` });
  expect(r.code).toBe(0);
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  return line!.slice(7).split(' ');
}

// perf_hooks: the `performance` global loads it on first use (about 1 ms).
const HEAVY = ['child_process', 'http', 'https', 'http2', 'tls', 'zlib', 'worker_threads', 'readline', 'perf_hooks'];

test('a local GetSecretValue loads none of the heavy modules', async () => {
  const mods = await loaded(['kms', 'GetSecretValue', '--SecretName', 'db'], sb.env);
  expect(mods).toContain('crypto');
  expect(mods.filter((m) => HEAVY.includes(m))).toEqual([]);
});

test('a remote get over http loads net, not node:http, https or child_process', async () => {
  const remote = ['--endpoint', `127.0.0.1:${server.port}`, '--insecure', '--access-key-id', AK, '--access-key-secret', SK, '--region', 'cn-hangzhou'];
  const env = { ...sb.env };
  delete env.ALIYUN_KMS_BACKEND;
  const mods = await loaded(['kms', 'get', 'db', ...remote], env);
  expect(mods).toContain('net');
  expect(mods.filter((m) => HEAVY.includes(m))).toEqual([]);
});

test('kms run with more references than kept-alive connections loads child_process, and no other heavy module', async () => {
  for (let i = 0; i < 6; i++) expect((await sb.run('kms', 'CreateSecret', '--SecretName', `run${i}`, '--SecretData', `run-value-${i}`, '--VersionId', 'v1')).code).toBe(0);
  const remote = ['--endpoint', `127.0.0.1:${server.port}`, '--insecure', '--access-key-id', AK, '--access-key-secret', SK, '--region', 'cn-hangzhou'];
  const env = { ...sb.env };
  delete env.ALIYUN_KMS_BACKEND;
  const refs = Array.from({ length: 6 }, (_, i) => ['--env', `V${i}=kms://run${i}`]).flat();
  const mods = await loaded(['kms', 'run', ...remote, ...refs, '--', 'true'], env);
  expect(mods.filter((m) => HEAVY.includes(m))).toEqual(['child_process']);
});
