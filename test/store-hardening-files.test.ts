// What the local store does with a wrong root key, damaged files, unclear settings and loose
// permissions (issue 10, defects 5, 7, 8 and 9). Each case runs the built binary on real files.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BIN, Sandbox, type RunResult } from './helpers.js';

const sandboxes: Sandbox[] = [];
function sandbox(extra: Record<string, string> = {}): Sandbox {
  const sb = new Sandbox(extra);
  sandboxes.push(sb);
  return sb;
}
afterEach(() => {
  for (const sb of sandboxes.splice(0)) sb.cleanup();
});

const secretsDir = (sb: Sandbox) => join(sb.store, 'regions', 'cn-hangzhou', 'secrets');
const secretFiles = (sb: Sandbox) => readdirSync(secretsDir(sb)).filter((f) => f.endsWith('.json')).sort();
const create = (sb: Sandbox, name: string, data = 'value-' + name) => sb.json('kms', 'CreateSecret', '--SecretName', name, '--SecretData', data, '--VersionId', 'v1');
const fail = (stderr: string): RunResult => ({ code: 1, stdout: '', stderr });

describe('defect 5: a key-file store knows its root key', () => {
  function swapRootKey(sb: Sandbox): void {
    writeFileSync(join(sb.store, 'root.key'), randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  }
  const wrongKey = (sb: Sandbox) =>
    fail(
      `ERROR: the root key ${join(sb.store, 'root.key')} is not the key of the local store ${sb.store} (it does not open the check value in store.json): put back the root.key this store was created with, or set ALIYUN_KMS_LOCAL_DIR to the store this key belongs to (nothing was changed)\n`,
    );

  test('another valid root.key is refused before anything is written; the right one works again', async () => {
    const sb = sandbox();
    await create(sb, 'a');
    const right = readFileSync(join(sb.store, 'root.key'));
    swapRootKey(sb);
    expect(await sb.run('kms', 'CreateSecret', '--SecretName', 'b', '--SecretData', 'new', '--VersionId', 'v1')).toEqual(wrongKey(sb));
    expect(await sb.run('kms', 'GetSecretValue', '--SecretName', 'a')).toEqual(wrongKey(sb));
    expect(secretFiles(sb)).toHaveLength(1);
    writeFileSync(join(sb.store, 'root.key'), right, { mode: 0o600 });
    expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'a')).SecretData).toBe('value-a');
  });

  test('a store made before the check value gets one once its key is proven, and a wrong key is still refused', async () => {
    const sb = sandbox();
    await create(sb, 'a');
    const headerPath = join(sb.store, 'store.json');
    const dropCheck = () => {
      const h = JSON.parse(readFileSync(headerPath, 'utf8'));
      delete h.rootKey.check;
      writeFileSync(headerPath, JSON.stringify(h));
    };
    dropCheck();
    const right = readFileSync(join(sb.store, 'root.key'));
    swapRootKey(sb);
    expect(await sb.run('kms', 'CreateSecret', '--SecretName', 'b', '--SecretData', 'new', '--VersionId', 'v1')).toEqual(wrongKey(sb));
    expect(JSON.parse(readFileSync(headerPath, 'utf8')).rootKey).toEqual({ source: 'file' });
    writeFileSync(join(sb.store, 'root.key'), right, { mode: 0o600 });
    expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'a')).SecretData).toBe('value-a');
    expect(typeof JSON.parse(readFileSync(headerPath, 'utf8')).rootKey.check).toBe('string');
    swapRootKey(sb);
    expect(await sb.run('kms', 'ListSecrets')).toEqual(wrongKey(sb));
  });
});

describe('defect 7: one damaged file does not block a region', () => {
  test('ListSecrets lists the rest and names the damaged files; a forced delete removes a damaged secret; store verify finds them', async () => {
    const sb = sandbox();
    for (const n of ['a', 'b', 'c']) await create(sb, n);
    const key = (await sb.json('kms', 'CreateKey')).KeyMetadata.KeyId;
    await sb.json('kms', 'CreateSecret', '--SecretName', 'd', '--SecretData', 'with-key', '--VersionId', 'v1', '--EncryptionKeyId', key);
    await sb.json('kms', 'PutSecretValue', '--SecretName', 'c', '--SecretData', 'second', '--VersionId', 'v2');
    const byName = (name: string) => secretFiles(sb).find((f) => JSON.parse(readFileSync(join(secretsDir(sb), f), 'utf8')).name === name)!;
    const aFile = join(secretsDir(sb), byName('a'));
    const cFile = join(secretsDir(sb), byName('c'));
    // c: one version's sealed value altered (still valid JSON, fails to open).
    const c = JSON.parse(readFileSync(cFile, 'utf8'));
    const sealed = Buffer.from(c.versions[1].value, 'base64');
    sealed[sealed.length - 1] ^= 1;
    c.versions[1].value = sealed.toString('base64');
    writeFileSync(cFile, JSON.stringify(c));
    writeFileSync(aFile, '{"name":"a", trunc');
    const stray = join(secretsDir(sb), 'stray.json');
    mkdirSync(stray);

    const list = await sb.run('kms', 'ListSecrets');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).SecretList.Secret.map((s: any) => s.SecretName)).toEqual(['b', 'c', 'd']);
    expect(list.stderr.split('\n').filter(Boolean).sort()).toEqual(
      [
        `warning: skipped a damaged file: corrupt store file ${aFile}: not JSON (run 'aliyun kms store verify' for a full check)`,
        `warning: skipped a damaged file: corrupt store file ${stray}: it is a folder, not a record; move it out of the store (run 'aliyun kms store verify' for a full check)`,
      ].sort(),
    );

    const verify = await sb.run('kms', 'store', 'verify');
    expect(verify.code).toBe(1);
    expect(verify.stdout.split('\n').filter(Boolean).sort()).toEqual(
      [
        `damaged: ${aFile}: not JSON`,
        `damaged: ${cFile}: version "v2" of secret "c" does not open: authentication failed`,
        `damaged: ${stray}: it is a folder, not a record; move it out of the store`,
        `checked 3 secrets (3 versions opened) and 1 key in 1 region of ${sb.store}: 3 problems`,
      ].sort(),
    );
    expect(verify.stderr).toBe(
      `ERROR: the local store ${sb.store} has damaged files (listed above): restore them from a backup, or remove a damaged secret with  aliyun kms DeleteSecret --SecretName NAME --ForceDeleteWithoutRecovery true\n`,
    );

    // A soft delete still refuses to touch it; a forced delete removes it.
    expect((await sb.run('kms', 'DeleteSecret', '--SecretName', 'a')).stderr).toBe(`ERROR: corrupt store file ${aFile}: not JSON\n`);
    const del = await sb.run('kms', 'DeleteSecret', '--SecretName', 'a', '--ForceDeleteWithoutRecovery', 'true');
    expect(del.code).toBe(0);
    expect(JSON.parse(del.stdout).SecretName).toBe('a');
    expect(del.stderr).toBe(`warning: removed the damaged file of secret a: corrupt store file ${aFile}: not JSON\n`);
    expect(existsSync(aFile)).toBe(false);
    await sb.json('kms', 'DeleteSecret', '--SecretName', 'c', '--ForceDeleteWithoutRecovery', 'true');
    rmSync(stray, { recursive: true });
    expect(await sb.run('kms', 'store', 'verify')).toEqual({ code: 0, stdout: `checked 2 secrets (2 versions opened) and 1 key in 1 region of ${sb.store}: all sound\n`, stderr: '' });
    expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'd')).SecretData).toBe('with-key');
  });

  test('store verify on a new store, and its help', async () => {
    const sb = sandbox();
    expect(await sb.run('kms', 'store', 'verify')).toEqual({ code: 0, stdout: `checked 0 secrets (0 versions opened) and 0 keys in 0 regions of ${sb.store}: all sound\n`, stderr: '' });
    const help = await sb.run('kms', 'store', 'verify', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('open every record and every version of the local store');
  });
});

describe('defect 8: errors that name the file or variable and the fix', () => {
  test('store.json without rootKey', async () => {
    const sb = sandbox();
    await create(sb, 'a');
    const headerPath = join(sb.store, 'store.json');
    const h = JSON.parse(readFileSync(headerPath, 'utf8'));
    delete h.rootKey;
    writeFileSync(headerPath, JSON.stringify(h));
    expect(await sb.run('kms', 'GetSecretValue', '--SecretName', 'a')).toEqual(
      fail(`ERROR: ${headerPath} is damaged: it has no rootKey (how the root key is kept); restore it from a backup (nothing was changed)\n`),
    );
  });

  test('ALIYUN_KMS_LOCAL_TIME_OFFSET out of range or not a number', async () => {
    const sb = sandbox();
    await create(sb, 'a');
    for (const v of ['1e300', 'soon'])
      expect(await sb.runWith({ ALIYUN_KMS_LOCAL_TIME_OFFSET: v }, 'kms', 'CreateSecret', '--SecretName', 'b', '--SecretData', 'x', '--VersionId', 'v1')).toEqual(
        fail(`ERROR: ALIYUN_KMS_LOCAL_TIME_OFFSET must be a number of seconds from -3153600000 to 3153600000, got '${v}': fix or unset it\n`),
      );
    expect(secretFiles(sb)).toHaveLength(1);
    // In range, it still moves the clock (one day ahead).
    const r = await sb.runWith({ ALIYUN_KMS_LOCAL_TIME_OFFSET: '86400' }, 'kms', 'DescribeSecret', '--SecretName', 'a');
    expect(r.code).toBe(0);
  });

  test("a folder where a secret's file should be", async () => {
    const sb = sandbox();
    await create(sb, 'a');
    const file = join(secretsDir(sb), secretFiles(sb)[0]);
    rmSync(file);
    mkdirSync(file);
    expect(await sb.run('kms', 'GetSecretValue', '--SecretName', 'a')).toEqual(fail(`ERROR: corrupt store file ${file}: it is a folder, not a record; move it out of the store\n`));
  });

  const asNobody = process.getuid?.() === 0 ? test : test.skip; // needs root to run a child as another user
  asNobody('a user who may read but not write the store reads it without the write lock; one who may not read it is told so', async () => {
    const sb = sandbox();
    await create(sb, 'a');
    // A store made before the check value: opening it would like to add one, but must not need to.
    const headerPath = join(sb.store, 'store.json');
    const h = JSON.parse(readFileSync(headerPath, 'utf8'));
    delete h.rootKey.check;
    writeFileSync(headerPath, JSON.stringify(h));
    chmodSync(sb.root, 0o755);
    const walk = (p: string): string[] => [p, ...(existsSync(p) && readdirSync(p, { withFileTypes: true }).length ? readdirSync(p, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(p, e.name)) : [join(p, e.name)])) : [])];
    for (const p of walk(sb.store)) chownSync(p, 65534, 65534);
    for (const p of walk(sb.store).filter((p) => !p.endsWith('.json') && !p.endsWith('root.key'))) chmodSync(p, 0o500);
    const asUser = (uid: number) =>
      new Promise<RunResult>((res) => {
        const c = spawn(process.execPath, [BIN, 'kms', 'GetSecretValue', '--SecretName', 'a'], { env: { ...sb.env, HOME: sb.root }, uid, gid: uid });
        let stdout = '';
        let stderr = '';
        c.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
        c.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
        c.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
      });
    const r = await asUser(65534);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout).SecretData).toBe('value-a');
    expect(existsSync(join(sb.store, '.lock'))).toBe(false);
    // Another user, who may not even look inside.
    expect(await asUser(65533)).toEqual(fail(`ERROR: cannot read ${headerPath}: permission denied\n`));
  });
});

describe('defect 9: no silent downgrades', () => {
  test('an empty ALIYUN_KMS_LOCAL_PASSPHRASE is refused and creates nothing', async () => {
    const sb = sandbox({ ALIYUN_KMS_LOCAL_PASSPHRASE: '' });
    expect(await sb.run('kms', 'CreateSecret', '--SecretName', 'a', '--SecretData', 'x', '--VersionId', 'v1')).toEqual(
      fail('ERROR: ALIYUN_KMS_LOCAL_PASSPHRASE is set but empty: set a passphrase, or unset the variable to keep the root key in a root.key file\n'),
    );
    expect(existsSync(sb.store)).toBe(false);
  });

  test('a root.key or store folder open to group or others is refused with the chmod to run', async () => {
    const sb = sandbox();
    await create(sb, 'a');
    const keyPath = join(sb.store, 'root.key');
    chmodSync(keyPath, 0o644);
    expect(await sb.run('kms', 'GetSecretValue', '--SecretName', 'a')).toEqual(
      fail(`ERROR: the root key ${keyPath} is accessible by group or others (mode 0644); it protects every secret: run  chmod 600 ${keyPath}  and try again\n`),
    );
    chmodSync(keyPath, 0o600);
    chmodSync(sb.store, 0o750);
    expect(await sb.run('kms', 'CreateSecret', '--SecretName', 'b', '--SecretData', 'x', '--VersionId', 'v1')).toEqual(
      fail(`ERROR: the local store folder ${sb.store} is accessible by group or others (mode 0750); it protects every secret: run  chmod 700 ${sb.store}  and try again\n`),
    );
    chmodSync(sb.store, 0o700);
    expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'a')).SecretData).toBe('value-a');
  });
});
