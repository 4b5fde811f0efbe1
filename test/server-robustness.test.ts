// Inputs that once reached JavaScript internals, and secret values in signature errors.
import { Sandbox } from './helpers.js';
import { AK, SK, ServerProcess, isoNow, rawRequest, signedCall } from './server.harness.js';

let sb: Sandbox;
let srv: ServerProcess;
beforeAll(async () => {
  sb = new Sandbox();
  srv = await ServerProcess.start(sb);
});
afterAll(async () => {
  await srv.stop();
  sb.cleanup();
});

test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('Action=%s is an unknown action, not an internal failure', async (action) => {
  const r = await signedCall(srv.url, action, {});
  expect([r.status, r.body.Code]).toEqual([404, 'InvalidAction.NotFound']);
});

test.each(['constructor', '__proto__'])('a V3 request that signs a header named %s is refused as a bad signature, not an internal failure', async (name) => {
  const signed = [name, 'host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'].sort().join(';');
  const r = await rawRequest(srv.url, 'POST', '/?SecretName=x', {
    'x-acs-action': 'GetSecretValue',
    'x-acs-version': '2016-01-20',
    'x-acs-date': isoNow(),
    'x-acs-signature-nonce': `nonce-${name}`,
    'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    authorization: `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=${signed},Signature=${'0'.repeat(64)}`,
  });
  expect([r.status, r.body.Code]).toEqual([400, 'SignatureDoesNotMatch']);
});

test('a kept answer is never given to a request whose parameters only look alike when joined', async () => {
  expect((await signedCall(srv.url, 'CreateSecret', { SecretName: 'kept', SecretData: 'kept-value', VersionId: 'v1' })).status).toBe(200);
  const asked = { SecretName: 'kept', VersionId: 'v1' };
  for (let i = 0; i < 2; i++) expect((await signedCall(srv.url, 'GetSecretValue', asked)).body.SecretData).toBe('kept-value');
  for (const name of ['kept\u0000VersionId\u0000v1', 'kept 9:VersionId2:v1', 'kept\u00009:VersionId2:v1']) {
    const r = await signedCall(srv.url, 'GetSecretValue', { SecretName: name });
    expect([r.status, r.body.SecretData]).toEqual([404, undefined]);
  }
});

test('a signature mismatch printed by the CLI names no secret value', async () => {
  const r = await sb.runWith(
    { ALIYUN_KMS_BACKEND: 'remote' },
    'kms', 'CreateSecret', '--SecretName', 's2', '--SecretData', 'TOPSECRET-LEAK', '--VersionId', 'v1',
    '--access-key-id', AK, '--access-key-secret', 'WRONG', '--endpoint', `127.0.0.1:${srv.port}`, '--insecure', '--region', 'cn-hangzhou',
  );
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('ErrorCode: SignatureDoesNotMatch\nRecommend: InvalidAccessKeySecret: Please check you AccessKeySecret\n');
  expect(r.stderr).toMatch(/server string to sign is:POST&%2F&AccessKeyId%3D\*\*\*%26Action%3DCreateSecret.*%26SecretData%3D\*\*\*%26SecretName%3Ds2/);
  expect(r.stderr).not.toContain('TOPSECRET');
  expect(SK).not.toBe('WRONG');
});

test('a write waiting for a lock held by another process does not stop reads; it lands once the lock is free', async () => {
  const { spawn } = await import('node:child_process');
  const { mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { hostname } = await import('node:os');
  const { join } = await import('node:path');
  expect((await signedCall(srv.url, 'CreateSecret', { SecretName: 'locked', SecretData: 'one', VersionId: 'v1' })).status).toBe(200);
  // A live process "holds" the store lock, as a CLI writer stopped with Ctrl-Z would.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const lockDir = join(sb.store, '.lock');
  mkdirSync(lockDir);
  writeFileSync(join(lockDir, 'owner'), JSON.stringify({ pid: holder.pid, host: hostname(), time: Date.now() }));
  try {
    let putDone = false;
    const put = signedCall(srv.url, 'PutSecretValue', { SecretName: 'locked', SecretData: 'two', VersionId: 'v2' }).then((r) => {
      putDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    const read = await signedCall(srv.url, 'GetSecretValue', { SecretName: 'locked' });
    expect([read.status, read.body.SecretData, putDone]).toEqual([200, 'one', false]);
    rmSync(lockDir, { recursive: true, force: true });
    const done = await put;
    expect([done.status, done.body.VersionId]).toEqual([200, 'v2']);
    expect((await signedCall(srv.url, 'GetSecretValue', { SecretName: 'locked' })).body.SecretData).toBe('two');
  } finally {
    holder.kill();
    rmSync(lockDir, { recursive: true, force: true });
  }
});
