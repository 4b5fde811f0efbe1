// Inputs that once reached JavaScript internals, and secret values in signature errors.
import { Sandbox } from './helpers.js';
import { AK, SK, ServerProcess, signedCall } from './server.harness.js';

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
