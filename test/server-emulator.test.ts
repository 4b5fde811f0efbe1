// Issue 11's emulator features of `aliyun kms serve`: GET /health, --ephemeral, --account-id,
// --access-log, through the built binary and real HTTP on 127.0.0.1. (--seed: server-seed.test.ts.)
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from './helpers.js';
import { AK, SK, ServerProcess, rawRequest, signedCall } from './server.harness.js';

const KEYS = ['--access-key-id', AK, '--access-key-secret', SK];
let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

const health = async (srv: ServerProcess) => {
  const r = await rawRequest(srv.url, 'GET', '/health', {});
  return { status: r.status, body: r.body, text: r.text, type: r.headers['content-type'] };
};

describe('GET /health', () => {
  test('answers without a signature: ready, store path and format, region, counts, version; no name or value', async () => {
    const srv = await ServerProcess.start(sb, [...KEYS, '--region', 'cn-shanghai']);
    try {
      const empty = await health(srv);
      expect(empty.status).toBe(200);
      expect(empty.type).toBe('application/json;charset=utf-8');
      expect(empty.body).toEqual({
        Status: 'ready',
        Version: JSON.parse(readFileSync('package.json', 'utf8')).version,
        ApiVersion: '2016-01-20',
        DefaultRegion: 'cn-shanghai',
        Store: { Path: sb.store, Format: 'aliyun-kms-local', FormatVersion: 1, KeySource: 'file', AccountId: expect.stringMatching(/^\d{16}$/), CreateTime: expect.stringMatching(/Z$/) },
        Regions: {},
        Secrets: 0,
        Keys: 0,
      });
      await signedCall(srv.url, 'CreateSecret', { SecretName: 'health-name-xyz', SecretData: 'health-value-xyz', VersionId: 'v1' });
      await signedCall(srv.url, 'CreateSecret', { SecretName: 'health-name-abc', SecretData: 'health-value-abc', VersionId: 'v1', RegionId: 'eu-central-1' });
      await signedCall(srv.url, 'CreateKey', {});
      const full = await health(srv);
      expect([full.body.Secrets, full.body.Keys, full.body.Regions]).toEqual([2, 1, { 'cn-shanghai': { Secrets: 1, Keys: 1 }, 'eu-central-1': { Secrets: 1, Keys: 0 } }]);
      expect(full.text).not.toMatch(/health-(name|value)|key-/);
      // Only GET /health: anything else is the API, which wants a signature.
      expect((await rawRequest(srv.url, 'POST', '/health', {}, '')).status).toBe(404);
      expect((await rawRequest(srv.url, 'GET', '/healthz', {})).status).toBe(404);
      expect(srv.stderr).not.toContain('health');
    } finally {
      await srv.stop();
    }
  });

  test('a store replaced by a damaged one: 503 unavailable with the reason, and the server keeps running', async () => {
    const { writeFileSync, renameSync } = await import('node:fs');
    const srv = await ServerProcess.start(sb, KEYS);
    try {
      expect((await health(srv)).status).toBe(200);
      // A write first, so that the store has its write counter (which then does not move).
      expect((await signedCall(srv.url, 'CreateSecret', { SecretName: 'before', SecretData: 'x', VersionId: 'v1' })).status).toBe(200);
      expect((await signedCall(srv.url, 'GetSecretValue', { SecretName: 'before' })).status).toBe(200);
      writeFileSync(join(sb.store, 'store.json.new'), '{"format":"aliyun-kms-local","version":1}');
      renameSync(join(sb.store, 'store.json.new'), join(sb.store, 'store.json'));
      // /health may answer from a count up to 1 s old.
      await new Promise((r) => setTimeout(r, 1100));
      const h = await health(srv);
      expect([h.status, h.body.Status, typeof h.body.Message]).toEqual([503, 'unavailable', 'string']);
      // Calls get the retryable 503 too (the header was replaced by hand, with no write: noticed
      // within a second), and the reason is on stderr once.
      for (let i = 0; i < 2; i++) {
        const r = await signedCall(srv.url, 'GetSecretValue', { SecretName: 'before' });
        expect([r.status, r.body.Code]).toEqual([503, 'ServiceUnavailableTemporary']);
      }
      expect(srv.stderr.match(/store unavailable: /g)).toHaveLength(1);
      expect(srv.child.exitCode).toBe(null);
    } finally {
      await srv.stop();
    }
  });

  test('a passphrase store says so', async () => {
    const srv = await ServerProcess.start(sb, KEYS, { ALIYUN_KMS_LOCAL_PASSPHRASE: 'correct horse battery' });
    try {
      const h = await health(srv);
      expect(h.body.Store.KeySource).toBe('passphrase');
      expect(h.text).not.toContain('correct horse');
    } finally {
      await srv.stop();
    }
  });
});

describe('--account-id', () => {
  test('a new store gets it: ARNs are stable', async () => {
    const srv = await ServerProcess.start(sb, [...KEYS, '--account-id', '1234567890123456']);
    try {
      const r = await signedCall(srv.url, 'CreateSecret', { SecretName: 'arn1', SecretData: 'x', VersionId: 'v1' });
      expect(r.body.Arn).toBe('acs:kms:cn-hangzhou:1234567890123456:secret/arn1');
      expect((await health(srv)).body.Store.AccountId).toBe('1234567890123456');
    } finally {
      await srv.stop();
    }
    // Same id again: fine; the CLI sees it too.
    const again = await ServerProcess.start(sb, [...KEYS, '--account-id', '1234567890123456']);
    await again.stop();
    expect((await sb.json('kms', 'DescribeSecret', '--SecretName', 'arn1')).Arn).toBe('acs:kms:cn-hangzhou:1234567890123456:secret/arn1');
  });

  test('an existing store with another id is an error naming the store; nothing changes', async () => {
    await sb.json('kms', 'CreateSecret', '--SecretName', 'pre', '--SecretData', 'x', '--VersionId', 'v1');
    const before = readFileSync(join(sb.store, 'store.json'), 'utf8');
    const r = await sb.run('kms', 'serve', '--port', '0', '--account-id', '1234567890123456');
    const id = JSON.parse(before).accountId;
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `ERROR: --account-id 1234567890123456: the store ${sb.store} already has account id ${id} (fixed when a store is created); use another ALIYUN_KMS_LOCAL_DIR, --ephemeral, or drop --account-id\n`,
    });
    expect(readFileSync(join(sb.store, 'store.json'), 'utf8')).toBe(before);
  });

  test.each(['123', '12345678901234567', '0123456789012345', '12345678901234ab', ''])('--account-id %j is refused', async (bad) => {
    const r = await sb.run('kms', 'serve', '--port', '0', '--account-id', bad);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `ERROR: --account-id must be 16 digits, not starting with 0 (like 1234567890123456), got '${bad}'\n` });
    expect(existsSync(sb.store)).toBe(false);
  });
});

describe('--ephemeral', () => {
  const tmp = () => join(sb.root, 'tmp');
  const leftovers = () => readdirSync(tmp()).filter((n) => n.startsWith('aliyun-kms-serve-'));

  test.each(['SIGINT', 'SIGTERM'] as const)('a fresh store in a temporary folder, removed on %s; the developer store is untouched', async (signal) => {
    mkdirSync(tmp());
    const srv = await ServerProcess.start(sb, [...KEYS, '--ephemeral', '--account-id', '1111222233334444'], { TMPDIR: tmp() });
    const dir = /store ([^,]+), ephemeral,/.exec(srv.stdout)![1];
    expect(dir.startsWith(join(tmp(), 'aliyun-kms-serve-'))).toBe(true);
    expect((await signedCall(srv.url, 'CreateSecret', { SecretName: 'tmp1', SecretData: 'x', VersionId: 'v1' })).status).toBe(200);
    expect((await health(srv)).body.Store).toMatchObject({ Path: dir, AccountId: '1111222233334444' });
    expect(existsSync(join(dir, 'store.json'))).toBe(true);
    expect(await srv.stop(signal)).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(leftovers()).toEqual([]);
    expect(existsSync(sb.store)).toBe(false);
  });

  test('removed when starting fails (port in use) and with a second Ctrl-C during a slow request', async () => {
    mkdirSync(tmp());
    const first = await ServerProcess.start(sb, [...KEYS, '--ephemeral', '--latency', '3000'], { TMPDIR: tmp() });
    try {
      const clash = await sb.runWith({ TMPDIR: tmp() }, 'kms', 'serve', '--port', String(first.port), '--ephemeral');
      expect(clash.code).toBe(1);
      expect(clash.stderr).toContain('address already in use');
      expect(leftovers().length).toBe(1);
      const slow = signedCall(first.url, 'ListSecrets', {}).catch((e) => e);
      await new Promise((r) => setTimeout(r, 300));
      first.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 200));
      first.child.kill('SIGINT');
      expect(await first.exited).toBe(0);
      await slow;
      expect(leftovers()).toEqual([]);
    } finally {
      await first.stop();
    }
  });
});

describe('--access-log', () => {
  const VALUE = 'al-value-Zq9';
  test('one JSON line per request: time, action, secret, version or stage, key id, status, error code, latency; never a value', async () => {
    const log = join(sb.root, 'access.log');
    const srv = await ServerProcess.start(sb, [...KEYS, '--access-log', log]);
    try {
      await signedCall(srv.url, 'CreateSecret', { SecretName: 'app/db', SecretData: VALUE, VersionId: 'v1' });
      await signedCall(srv.url, 'PutSecretValue', { SecretName: 'app/db', SecretData: VALUE + '2', VersionId: 'v2', VersionStages: '["ACSCurrent"]' });
      await signedCall(srv.url, 'GetSecretValue', { SecretName: 'app/db' });
      await signedCall(srv.url, 'GetSecretValue', { SecretName: 'app/db', VersionStage: 'ACSPrevious' });
      await signedCall(srv.url, 'GetSecretValue', { SecretName: 'missing' });
      await signedCall(srv.url, 'CreateSecret', { SecretName: 'bad', SecretData: VALUE }, { secret: 'wrong' });
      // The line is in the file when the answer arrives.
      const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const pick = (l: any) => [l.action, l.secretName, l.versionId, l.versionStage, l.accessKeyId, l.status, l.errorCode];
      expect(lines.map(pick)).toEqual([
        ['CreateSecret', 'app/db', 'v1', null, AK, 200, null],
        ['PutSecretValue', 'app/db', 'v2', '["ACSCurrent"]', AK, 200, null],
        ['GetSecretValue', 'app/db', 'v2', null, AK, 200, null],
        ['GetSecretValue', 'app/db', 'v1', 'ACSPrevious', AK, 200, null],
        ['GetSecretValue', 'missing', null, null, AK, 404, 'Forbidden.ResourceNotFound'],
        ['CreateSecret', null, null, null, null, 400, 'SignatureDoesNotMatch'],
      ]);
      for (const l of lines) {
        expect(Object.keys(l)).toEqual(['time', 'action', 'secretName', 'versionId', 'versionStage', 'accessKeyId', 'status', 'errorCode', 'latencyMs', 'region', 'requestId', 'method', 'scheme']);
        expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(typeof l.latencyMs).toBe('number');
      }
      expect(readFileSync(log, 'utf8')).not.toContain('Zq9');
      expect(statSync(log).mode & 0o777).toBe(0o600);
      // The human log on stderr goes on as before.
      expect(srv.stderr).toMatch(/POST GetSecretValue v1 LTAI5tEmulatorKeyId 200 [\d.]+ms\n/);
    } finally {
      await srv.stop();
    }
  });

  test('- writes the lines to stderr; a log file is appended to across restarts', async () => {
    const srv = await ServerProcess.start(sb, [...KEYS, '--access-log', '-', '--no-log']);
    try {
      await signedCall(srv.url, 'ListSecrets', {});
      await new Promise((r) => setTimeout(r, 100));
      const lines = srv.stderr.trim().split('\n');
      expect(lines.length).toBe(1);
      expect(JSON.parse(lines[0])).toMatchObject({ action: 'ListSecrets', status: 200, accessKeyId: AK });
    } finally {
      await srv.stop();
    }
    const log = join(sb.root, 'a.log');
    for (let i = 0; i < 2; i++) {
      const s = await ServerProcess.start(sb, [...KEYS, '--access-log', log]);
      await signedCall(s.url, 'ListSecrets', {});
      await s.stop();
    }
    expect(readFileSync(log, 'utf8').trim().split('\n').length).toBe(2);
  });

  test('a full disk under the access log: requests are still answered, and one warning says lines are lost', async () => {
    const srv = await ServerProcess.start(sb, [...KEYS, '--access-log', '/dev/full', '--no-log']);
    try {
      for (let i = 0; i < 3; i++) expect((await signedCall(srv.url, 'ListSecrets', {})).status).toBe(200);
      expect(srv.stderr).toBe('warning: cannot write the access log /dev/full: ENOSPC; its lines are being lost\n');
    } finally {
      await srv.stop();
    }
  });

  test('an access log that cannot be opened is an error naming it', async () => {
    const r = await sb.run('kms', 'serve', '--port', '0', '--access-log', join(sb.root, 'no', 'such', 'dir', 'x.log'));
    expect(r).toEqual({ code: 1, stdout: '', stderr: `ERROR: cannot open the access log ${join(sb.root, 'no', 'such', 'dir', 'x.log')}: no such folder\n` });
    const d = await sb.run('kms', 'serve', '--port', '0', '--access-log', sb.root);
    expect(d.stderr).toBe(`ERROR: cannot open the access log ${sb.root}: it is a directory\n`);
  });
});
