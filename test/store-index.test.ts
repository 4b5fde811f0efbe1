// Correctness of what makes the server and listing fast (never timing, that is bench/): the
// server's record cache sees every other process's write at once, the listing index never shows a
// stale or lost secret whatever step a writer is killed at, and CLI processes and the server can
// write at the same time.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from './helpers.js';
import { ServerProcess, signedCall } from './server.harness.js';



const names = (body: any): string[] => body.SecretList.Secret.map((x: any) => x.SecretName).sort();

async function cliList(sb: Sandbox): Promise<{ names: string[]; total: number }> {
  const r = await sb.json('kms', 'ListSecrets', '--PageSize', '100');
  return { names: names(r), total: r.TotalCount };
}

/** The truth, from each candidate's own file: the names DescribeSecret finds. */
async function existing(sb: Sandbox, candidates: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const n of candidates) if ((await sb.run('kms', 'DescribeSecret', '--SecretName', n)).code === 0) found.push(n);
  return found.sort();
}

test('the server sees a value written by a CLI process on its very next read, however alike the files are', async () => {
  const sb = new Sandbox();
  const srv = await ServerProcess.start(sb);
  try {
    const get = async () => (await signedCall(srv.url, 'GetSecretValue', { SecretName: 'db' })).body;
    expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'db', '--SecretData', 'value-00', '--VersionId', 'v00')).code).toBe(0);
    expect((await get()).SecretData).toBe('value-00');
    // Same length every time, written within milliseconds: neither size nor mtime tells them apart.
    for (let i = 1; i <= 6; i++) {
      const v = `v${String(i).padStart(2, '0')}`;
      expect((await sb.run('kms', 'PutSecretValue', '--SecretName', 'db', '--SecretData', `value-${v.slice(1)}`, '--VersionId', v)).code).toBe(0);
      expect(await get()).toMatchObject({ SecretData: `value-${v.slice(1)}`, VersionId: v });
    }
    expect((await sb.run('kms', 'DeleteSecret', '--SecretName', 'db', '--ForceDeleteWithoutRecovery', 'true')).code).toBe(0);
    expect((await signedCall(srv.url, 'GetSecretValue', { SecretName: 'db' })).status).toBe(404);
    expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'db', '--SecretData', 'value-99', '--VersionId', 'v99')).code).toBe(0);
    expect((await get()).SecretData).toBe('value-99');
    // A writer killed after replacing the file but before finishing its bracket: the new file is
    // on disk, so the server must read it rather than its cached copy.
    const killed = await sb.runWith({ ALIYUN_KMS_TEST_CRASH_AT: 'store:inside-change' }, 'kms', 'PutSecretValue', '--SecretName', 'db', '--SecretData', 'value-77', '--VersionId', 'v77');
    expect(killed.code).not.toBe(0);
    expect((await get()).SecretData).toBe('value-77');
    expect((await sb.run('kms', 'PutSecretValue', '--SecretName', 'db', '--SecretData', 'value-78', '--VersionId', 'v78')).code).toBe(0);
    expect((await get()).SecretData).toBe('value-78');
  } finally {
    await srv.stop();
    sb.cleanup();
  }
});

const CRASH_POINTS = ['index:after-intent', 'store:inside-change', 'index:after-file', 'index:after-commit', 'index:after-index', 'index:after-journal'];

test.each(CRASH_POINTS)('a writer SIGKILLed at %s leaves a listing that matches the files, and the next writer repairs the index', async (point) => {
  // A tiny compaction threshold: every write also rewrites the index, so its steps are reached too.
  const sb = new Sandbox({ ALIYUN_KMS_TEST_INDEX_COMPACT_BYTES: '1' });
  try {
    for (const n of ['a', 'b', 'c']) expect((await sb.run('kms', 'CreateSecret', '--SecretName', n, '--SecretData', 'x', '--VersionId', 'v1')).code).toBe(0);
    const candidates = ['a', 'b', 'c', 'd'];
    const crash = { ALIYUN_KMS_TEST_CRASH_AT: point };
    // A create, a delete and a scheduled deletion, each killed at this step.
    const created = await sb.runWith(crash, 'kms', 'CreateSecret', '--SecretName', 'd', '--SecretData', 'x', '--VersionId', 'v1');
    expect(created.code).not.toBe(0);
    let truth = await existing(sb, candidates);
    expect((await cliList(sb)).names).toEqual(truth);
    const deleted = await sb.runWith(crash, 'kms', 'DeleteSecret', '--SecretName', 'a', '--ForceDeleteWithoutRecovery', 'true');
    expect(deleted.code).not.toBe(0);
    truth = await existing(sb, candidates);
    expect(await cliList(sb)).toEqual({ names: truth, total: truth.length });
    const scheduled = await sb.runWith(crash, 'kms', 'DeleteSecret', '--SecretName', 'b');
    expect(scheduled.code).not.toBe(0);
    const describedB = await sb.json('kms', 'DescribeSecret', '--SecretName', 'b');
    const listedB = (await sb.json('kms', 'ListSecrets')).SecretList.Secret.find((x: any) => x.SecretName === 'b');
    expect(listedB?.PlannedDeleteTime).toBe(describedB.PlannedDeleteTime);
    // The server, with its caches, agrees.
    const srv = await ServerProcess.start(sb);
    try {
      const body = (await signedCall(srv.url, 'ListSecrets', { PageSize: '100' })).body;
      expect(names(body)).toEqual(truth);
      // A normal write afterwards: everything still agrees.
      expect((await signedCall(srv.url, 'CreateSecret', { SecretName: 'e', SecretData: 'x', VersionId: 'v1' })).status).toBe(200);
      truth = await existing(sb, [...candidates, 'e']);
      expect(names((await signedCall(srv.url, 'ListSecrets', { PageSize: '100' })).body)).toEqual(truth);
    } finally {
      await srv.stop();
    }
    expect(await cliList(sb)).toEqual({ names: truth, total: truth.length });
  } finally {
    sb.cleanup();
  }
});

test('a secret file removed behind the index is not listed; the index is rebuilt by the next writer', async () => {
  const sb = new Sandbox();
  try {
    for (const n of ['a', 'b', 'c']) expect((await sb.run('kms', 'CreateSecret', '--SecretName', n, '--SecretData', 'x', '--VersionId', 'v1')).code).toBe(0);
    const dir = join(sb.store, 'regions', 'cn-hangzhou', 'secrets');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    // Find b's file: the one DescribeSecret stops finding once it is gone.
    for (const f of files) {
      const { readFileSync } = await import('node:fs');
      if (JSON.parse(readFileSync(join(dir, f), 'utf8')).name === 'b') rmSync(join(dir, f));
    }
    expect(await cliList(sb)).toEqual({ names: ['a', 'c'], total: 2 });
    expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'd', '--SecretData', 'x', '--VersionId', 'v1')).code).toBe(0);
    expect(await cliList(sb)).toEqual({ names: ['a', 'c', 'd'], total: 3 });
  } finally {
    sb.cleanup();
  }
});

test('CLI processes and the server creating and deleting at once: both listings match the files', async () => {
  const sb = new Sandbox({ ALIYUN_KMS_TEST_INDEX_COMPACT_BYTES: '2000' });
  const srv = await ServerProcess.start(sb);
  try {
    const cli = Array.from({ length: 4 }, async (_, p) => {
      for (let i = 0; i < 6; i++) expect((await sb.run('kms', 'CreateSecret', '--SecretName', `cli-${p}-${i}`, '--SecretData', 'x', '--VersionId', 'v1')).code).toBe(0);
      expect((await sb.run('kms', 'DeleteSecret', '--SecretName', `cli-${p}-0`, '--ForceDeleteWithoutRecovery', 'true')).code).toBe(0);
    });
    const server = Array.from({ length: 8 }, async (_, p) => {
      for (let i = 0; i < 5; i++) expect((await signedCall(srv.url, 'CreateSecret', { SecretName: `srv-${p}-${i}`, SecretData: 'x', VersionId: 'v1' })).status).toBe(200);
      expect((await signedCall(srv.url, 'DeleteSecret', { SecretName: `srv-${p}-0`, ForceDeleteWithoutRecovery: 'true' })).status).toBe(200);
      // Listings meanwhile never fail.
      expect((await signedCall(srv.url, 'ListSecrets', {})).status).toBe(200);
    });
    await Promise.all([...cli, ...server]);
    const expected = [
      ...Array.from({ length: 4 }, (_, p) => Array.from({ length: 5 }, (_, i) => `cli-${p}-${i + 1}`)).flat(),
      ...Array.from({ length: 8 }, (_, p) => Array.from({ length: 4 }, (_, i) => `srv-${p}-${i + 1}`)).flat(),
    ].sort();
    const viaServer = (await signedCall(srv.url, 'ListSecrets', { PageSize: '100' })).body;
    expect({ names: names(viaServer), total: viaServer.TotalCount }).toEqual({ names: expected, total: expected.length });
    expect(await cliList(sb)).toEqual({ names: expected, total: expected.length });
  } finally {
    await srv.stop();
    sb.cleanup();
  }
});
