// The local store under concurrent writers, killed writers, and a look at what it keeps on disk.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, Sandbox } from './helpers.js';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [join(dir, e.name), ...walk(join(dir, e.name))] : [join(dir, e.name)]));
}

test('16 processes creating secrets at once: nothing missing, one winner per name', async () => {
  const sb = new Sandbox();
  const results = await Promise.all(
    Array.from({ length: 16 }, (_, i) => sb.run('kms', 'CreateSecret', '--SecretName', `app/s-${i}`, '--SecretData', `value-${i}`, '--VersionId', 'v1')),
  );
  expect(results.map((r) => r.code)).toEqual(Array(16).fill(0));
  const same = await Promise.all(Array.from({ length: 16 }, (_, i) => sb.run('kms', 'CreateSecret', '--SecretName', 'contested', '--SecretData', `w-${i}`, '--VersionId', 'v1')));
  expect(same.filter((r) => r.code === 0)).toHaveLength(1);
  expect(same.filter((r) => r.code === 1 && r.stderr.includes('ErrorCode: Rejected.ResourceExist\n'))).toHaveLength(15);

  const list = await sb.json('kms', 'ListSecrets', '--PageSize', '100');
  expect(list.TotalCount).toBe(17);
  for (let i = 0; i < 16; i++) expect((await sb.json('kms', 'GetSecretValue', '--SecretName', `app/s-${i}`)).SecretData).toBe(`value-${i}`);
  const winner = same.findIndex((r) => r.code === 0);
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'contested')).SecretData).toBe(`w-${winner}`);
  sb.cleanup();
}, 120000);

test('a writer killed in the middle of a write leaves a readable store, and its lock is taken over', async () => {
  const sb = new Sandbox();
  await sb.json('kms', 'CreateSecret', '--SecretName', 'before', '--SecretData', 'kept', '--VersionId', 'v1');
  const lockDir = join(sb.store, '.lock');
  let killedHoldingLock = 0;
  for (let i = 0; i < 40 && killedHoldingLock < 3; i++) {
    const child = spawn(process.execPath, [BIN, 'kms', 'CreateSecret', '--SecretName', `victim-${i}`, '--SecretData', 'x'.repeat(20000), '--VersionId', 'v1'], { env: sb.env, stdio: 'ignore' });
    const exited = new Promise((res) => child.on('exit', res));
    // Kill it the moment it holds the write lock: it is then between reading and renaming files.
    const deadline = Date.now() + 3000;
    while (!existsSync(lockDir) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setImmediate(r));
    // …and at different points of it: 0 to 5 ms after it took the lock.
    const until = Date.now() + (i % 6);
    while (Date.now() < until);
    if (child.exitCode === null && existsSync(lockDir)) {
      child.kill('SIGKILL');
      killedHoldingLock++;
    }
    await exited;
    // Every name is either wholly there or not there at all.
    const list = await sb.json('kms', 'ListSecrets', '--PageSize', '100');
    for (const s of list.SecretList.Secret) {
      const v = await sb.json('kms', 'GetSecretValue', '--SecretName', s.SecretName);
      expect(v.SecretData).toBe(s.SecretName === 'before' ? 'kept' : 'x'.repeat(20000));
    }
  }
  expect(killedHoldingLock).toBeGreaterThan(0);
  // The next writer takes the dead writer's lock over and succeeds.
  await sb.json('kms', 'CreateSecret', '--SecretName', 'after', '--SecretData', 'ok', '--VersionId', 'v1');
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'after')).SecretData).toBe('ok');
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'before')).SecretData).toBe('kept');
  // The half-written temporary files of killed writers were cleared by the writer that took over.
  expect(walk(sb.store).filter((p) => p.includes('.tmp-'))).toEqual([]);
  sb.cleanup();
}, 180000);

test('the store folder holds no plaintext value; files are 0600 and folders 0700', async () => {
  const sb = new Sandbox();
  const values = ['Plaintext-Canary-4242', '{"uname":"alice","pwd":"hunter2-canary"}'];
  await sb.json('kms', 'CreateSecret', '--SecretName', 'c1', '--SecretData', values[0], '--VersionId', 'v1');
  const key = (await sb.json('kms', 'CreateKey')).KeyMetadata.KeyId;
  await sb.json('kms', 'CreateSecret', '--SecretName', 'c2', '--SecretData', values[1], '--VersionId', 'v1', '--EncryptionKeyId', key);
  const entries = walk(sb.store);
  const files = entries.filter((p) => statSync(p).isFile());
  expect(files.length).toBeGreaterThan(3);
  for (const f of files) {
    const raw = readFileSync(f);
    for (const v of values)
      for (const form of [v, Buffer.from(v).toString('base64'), Buffer.from(v).toString('hex'), JSON.stringify(v).slice(1, -1)])
        expect(raw.includes(form)).toBe(false);
    expect((statSync(f).mode & 0o777).toString(8)).toBe('600');
  }
  for (const d of [sb.store, ...entries.filter((p) => statSync(p).isDirectory())]) expect((statSync(d).mode & 0o777).toString(8)).toBe('700');
  sb.cleanup();
});

test('a passphrase-protected store keeps no key file and refuses a wrong or missing passphrase', async () => {
  const sb = new Sandbox({ ALIYUN_KMS_LOCAL_PASSPHRASE: 'correct horse' });
  await sb.json('kms', 'CreateSecret', '--SecretName', 'p', '--SecretData', 'protected', '--VersionId', 'v1');
  expect(existsSync(join(sb.store, 'root.key'))).toBe(false);
  expect(JSON.parse(readFileSync(join(sb.store, 'store.json'), 'utf8')).rootKey).toMatchObject({ source: 'passphrase', kdf: 'scrypt', N: 32768, r: 8, p: 1 });
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'p')).SecretData).toBe('protected');
  expect(await sb.runWith({ ALIYUN_KMS_LOCAL_PASSPHRASE: 'wrong' }, 'kms', 'GetSecretValue', '--SecretName', 'p')).toEqual({
    code: 1,
    stdout: '',
    stderr: `ERROR: wrong passphrase for the local store ${sb.store}\n`,
  });
  expect(await sb.runWith({ ALIYUN_KMS_LOCAL_PASSPHRASE: undefined }, 'kms', 'GetSecretValue', '--SecretName', 'p')).toEqual({
    code: 1,
    stdout: '',
    stderr: `ERROR: the local store ${sb.store} is protected by a passphrase: set ALIYUN_KMS_LOCAL_PASSPHRASE\n`,
  });
  sb.cleanup();
});

test('a store file from a newer format is refused, not misread', async () => {
  const sb = new Sandbox();
  await sb.json('kms', 'ListSecrets');
  const header = join(sb.store, 'store.json');
  const h = JSON.parse(readFileSync(header, 'utf8'));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(header, JSON.stringify({ ...h, version: 99 }));
  expect(await sb.run('kms', 'ListSecrets')).toEqual({
    code: 1,
    stdout: '',
    stderr: `ERROR: ${header} has store format version 99; this build reads version 1\n`,
  });
  sb.cleanup();
});

test('a store whose store.json is gone is refused, never re-created over its secrets', async () => {
  const sb = new Sandbox();
  await sb.json('kms', 'CreateSecret', '--SecretName', 'a', '--SecretData', 'KEEPME', '--VersionId', 'v1');
  const { renameSync } = await import('node:fs');
  const rootKey = readFileSync(join(sb.store, 'root.key'));
  renameSync(join(sb.store, 'store.json'), join(sb.root, 'store.json.bak'));
  expect(await sb.run('kms', 'ListSecrets')).toEqual({
    code: 1,
    stdout: '',
    stderr: `ERROR: the local store ${sb.store} has secrets or keys but no store.json; restore store.json from a backup (nothing was changed)\n`,
  });
  expect(readFileSync(join(sb.store, 'root.key')).equals(rootKey)).toBe(true);
  renameSync(join(sb.root, 'store.json.bak'), join(sb.store, 'store.json'));
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'a')).SecretData).toBe('KEEPME');
  sb.cleanup();
});

test('a damaged secret file is reported as such, never half-read', async () => {
  const sb = new Sandbox();
  await sb.json('kms', 'CreateSecret', '--SecretName', 'a', '--SecretData', 'x', '--VersionId', 'v1');
  const dir = join(sb.store, 'regions', 'cn-hangzhou', 'secrets');
  const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!);
  const { writeFileSync } = await import('node:fs');
  for (const content of ['{"name":"a","versions":"x","dataKey":"zz","keyId":null}', '{"name":"a"}', '"x"']) {
    writeFileSync(file, content);
    // ListSecrets answers from the listing index and does not open each record (secret-index.ts).
    for (const args of [['GetSecretValue', '--SecretName', 'a'], ['DescribeSecret', '--SecretName', 'a']])
      expect(await sb.run('kms', ...args)).toEqual({ code: 1, stdout: '', stderr: `ERROR: corrupt store file ${file}: not a record of this store\n` });
  }
  sb.cleanup();
});

test('a store folder made by the user is tightened to 0700 when the store is created', async () => {
  const sb = new Sandbox();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(sb.store, { mode: 0o755 });
  await sb.json('kms', 'ListSecrets');
  expect((statSync(sb.store).mode & 0o777).toString(8)).toBe('700');
  sb.cleanup();
});
