// The V8 code cache of dist/ (src/cli/compile-cache.ts), through the built binary: where it is
// written and with which modes, that a second call reads it instead of rewriting it, that a broken,
// stale or untrusted cache changes nothing a user sees, and that it can be turned off.
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, run, runCommand, Sandbox } from './helpers.js';

const sb = new Sandbox();
const folderIn = (root: string) => join(root, `v8-${process.versions.v8}-${process.arch}`);
const cacheRoot = join(sb.home, '.cache', 'aliyun-kms-cli');
const folder = folderIn(cacheRoot);
const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

beforeAll(async () => {
  mkdirSync(sb.home, { recursive: true });
  // Written with the cache off, so that the test below sees the first call that writes one.
  expect((await run(['kms', 'CreateSecret', '--SecretName', 'db', '--SecretData', 'cached-value', '--VersionId', 'v1'], { ...sb.env, ALIYUN_KMS_COMPILE_CACHE: 'off' })).code).toBe(0);
});
afterAll(() => sb.cleanup());

const get = (env: Record<string, string> = sb.env) => run(['kms', 'GetSecretValue', '--SecretName', 'db', '--cli-query', 'SecretData'], env);
const OK = { code: 0, stdout: '"cached-value"\n', stderr: '' };

test('the first call writes the cache (0600 files, 0700 folders); the next one reads it and writes nothing', async () => {
  expect(files(folder)).toEqual([]);
  expect(await get()).toEqual(OK);
  const written = files(folder);
  expect(written.some((f) => /^aliyun\.cjs-[0-9a-f]{8}-\d+-\d+-[\d_]+\.v8$/.test(f))).toBe(true);
  expect([mode(cacheRoot), mode(folder), ...written.map((f) => mode(join(folder, f)))]).toEqual(['700', '700', ...written.map(() => '600')]);
  const before = written.map((f) => [f, statSync(join(folder, f)).ino, statSync(join(folder, f)).mtimeMs]);
  expect(await get()).toEqual(OK);
  // Not rewritten: V8 took it (a rejected cache is written anew, through a rename).
  expect(files(folder).map((f) => [f, statSync(join(folder, f)).ino, statSync(join(folder, f)).mtimeMs])).toEqual(before);
});

test('a corrupt cache file is ignored and replaced; what the user sees does not change', async () => {
  const main = files(folder).find((f) => f.startsWith('aliyun.cjs-'))!;
  writeFileSync(join(folder, main), Buffer.from('not a V8 code cache at all'));
  expect(await get()).toEqual(OK);
  expect(readFileSync(join(folder, main)).length).toBeGreaterThan(1000);
  // Failures print exactly as without a cache.
  for (const bad of [['kms', 'GetSecretValue', '--NoSuchFlag', 'x'], ['kms', 'nope'], ['kms', 'get', 'kms://db#missing']]) {
    const cached = await run(bad, sb.env);
    expect(cached.code).not.toBe(0);
    expect(cached).toEqual(await run(bad, { ...sb.env, ALIYUN_KMS_COMPILE_CACHE: 'off' }));
  }
});

test('a folder others can write to is not used; off turns it off; a chosen folder is used', async () => {
  const shared = join(sb.root, 'shared');
  mkdirSync(folderIn(shared), { recursive: true });
  chmodSync(folderIn(shared), 0o777);
  expect(await get({ ...sb.env, ALIYUN_KMS_COMPILE_CACHE: shared })).toEqual(OK);
  expect(files(folderIn(shared))).toEqual([]);

  const home = join(sb.root, 'home-off');
  mkdirSync(home);
  expect(await get({ ...sb.env, HOME: home, ALIYUN_KMS_COMPILE_CACHE: 'off' })).toEqual(OK);
  expect(readdirSync(home)).toEqual([]);

  const chosen = join(sb.root, 'chosen');
  expect(await get({ ...sb.env, ALIYUN_KMS_COMPILE_CACHE: chosen })).toEqual(OK);
  expect(files(folderIn(chosen)).some((f) => f.startsWith('aliyun.cjs-'))).toBe(true);
});

test('a rebuilt bundle gets a new cache and its old one is removed; another install keeps its own', async () => {
  // A copy of the built CLI whose bundle can be "rebuilt" (touched) without disturbing other tests.
  const copy = join(sb.root, 'cli');
  cpSync(join(BIN, '..', '..', 'bin'), join(copy, 'bin'), { recursive: true });
  cpSync(join(BIN, '..', '..', 'dist'), join(copy, 'dist'), { recursive: true });
  const home = join(sb.root, 'home-rebuilt');
  mkdirSync(home);
  const env = { ...sb.env, HOME: home };
  const call = () => runCommand(process.execPath, [join(copy, 'bin', 'aliyun.cjs'), 'kms', 'GetSecretValue', '--SecretName', 'db', '--cli-query', 'SecretData'], env);
  expect(await call()).toEqual(OK);
  const dir = folderIn(join(home, '.cache', 'aliyun-kms-cli'));
  const first = files(dir).filter((f) => f.startsWith('aliyun.cjs-'));
  expect(first).toHaveLength(1);
  // Two installs used in turn (this copy and the project's build) keep a cache each.
  const project = () => runCommand(process.execPath, [BIN, 'kms', 'GetSecretValue', '--SecretName', 'db', '--cli-query', 'SecretData'], env);
  expect(await project()).toEqual(OK);
  const both = files(dir).filter((f) => f.startsWith('aliyun.cjs-'));
  expect(both).toHaveLength(2);
  const inodes = () => files(dir).filter((f) => f.startsWith('aliyun.cjs-')).map((f) => [f, statSync(join(dir, f)).ino]);
  const settled = inodes();
  expect(await call()).toEqual(OK);
  expect(await project()).toEqual(OK);
  expect(inodes()).toEqual(settled);
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(copy, 'dist', 'aliyun.cjs'), later, later);
  expect(await call()).toEqual(OK);
  // The copy's old cache is replaced; the project's stays.
  const second = files(dir).filter((f) => f.startsWith('aliyun.cjs-'));
  expect(second).toHaveLength(2);
  expect(second).not.toContain(first[0]);
  expect(second.filter((f) => both.includes(f))).toHaveLength(1);
});

test('a call of another kind rewrites the cache with the code of both; known kinds rewrite nothing; at most 12 kinds', async () => {
  const chosen = join(sb.root, 'kinds');
  const env = { ...sb.env, ALIYUN_KMS_COMPILE_CACHE: chosen };
  const dir = folderIn(chosen);
  const main = () => files(dir).find((f) => f.startsWith('aliyun.cjs-'))!;
  const state = () => {
    const f = join(dir, main());
    const bytes = readFileSync(f);
    // The first line names the format, the second the kinds of call the cache holds.
    return { ino: statSync(f).ino, size: bytes.length, kinds: bytes.toString('latin1').split('\n')[1].split('\t') };
  };
  expect(await get(env)).toEqual(OK);
  const first = state();
  expect(first.kinds).toEqual(['kms GetSecretValue']);
  expect(await run(['kms', 'get', 'db'], env)).toEqual({ code: 0, stdout: 'cached-value', stderr: '' });
  const second = state();
  expect(second.kinds).toEqual(['kms GetSecretValue', 'kms get']);
  expect(second.ino).not.toBe(first.ino);
  // V8 wrote the functions it had read from the cache and the ones `get` compiled.
  expect(second.size).toBeGreaterThan(first.size);
  expect(await get(env)).toEqual(OK);
  expect(await run(['kms', 'get', 'db'], env)).toEqual({ code: 0, stdout: 'cached-value', stderr: '' });
  expect(state()).toEqual(second);
  // Ten more kinds (failing calls count too), then no more rewrites.
  for (let i = 0; i < 11; i++) expect((await run(['kms', `NoSuchApi${i}`], env)).code).not.toBe(0);
  const full = state();
  expect(full.kinds).toHaveLength(12);
  expect(full.kinds.slice(-1)).toEqual(['kms NoSuchApi9']);
  expect(await run(['kms', 'DescribeSecret', '--SecretName', 'db', '--cli-query', 'SecretName'], env)).toEqual({ code: 0, stdout: '"db"\n', stderr: '' });
  expect(state()).toEqual(full);
});

test('the kind of a call is the words before its first flag: never a flag value', async () => {
  const chosen = join(sb.root, 'kind-flag');
  const env = { ...sb.env, ALIYUN_KMS_COMPILE_CACHE: chosen };
  // Another region of the local store, where db does not exist: a failed call writes the cache too.
  expect((await run(['--region', 'xq-kindtest-9', 'kms', 'GetSecretValue', '--SecretName', 'db'], env)).stderr).toContain('ErrorCode: Forbidden.ResourceNotFound');
  const dir = folderIn(chosen);
  const text = readFileSync(join(dir, files(dir).find((f) => f.startsWith('aliyun.cjs-'))!)).toString('latin1');
  expect(text.split('\n')[1]).toBe('-');
  expect(text).not.toContain('xq-kindtest-9');
});
