// The official Node clients against `aliyun kms serve`, pointed at it as signing-and-transport.md §5
// says: full secret lifecycle and the service's errors, through the built binary on a free port.
import { createRequire } from 'node:module';
import { Sandbox } from './helpers.js';
import { AK, SK, ServerProcess } from './server.harness.js';

const require = createRequire(import.meta.url);
const Kms = require('@alicloud/kms20160120');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const OpenApi = require('@alicloud/openapi-client');
const TeaUtil = require('@alicloud/tea-util');
const RpcUtil = require('@alicloud/rpc-util');

const STS_ID = 'STS.NUexampleTokenKeyId';
const STS_SECRET = 'sts-secret';
const STS_TOKEN = 'CAIS+token/with=padding==';
const LONG_AGO = '2024-05-01T12:00:00Z';

let sb: Sandbox;
let srv: ServerProcess;

beforeAll(async () => {
  sb = new Sandbox();
  srv = await ServerProcess.start(sb, ['--access-key-id', AK, '--access-key-secret', SK, '--access-key-id', STS_ID, '--access-key-secret', STS_SECRET, '--security-token', STS_TOKEN]);
});

afterAll(async () => {
  await srv.stop();
  sb.cleanup();
});

/** The rejection of a call, or a failure if it succeeded. */
async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('the call succeeded');
}

/** Runs `fn` with the SDK's nonce/timestamp helpers replaced (the only way to replay with the Tea client). */
async function withPatched<T>(obj: any, name: string, value: () => string, fn: () => Promise<T>): Promise<T> {
  const saved = obj[name];
  obj[name] = value;
  try {
    return await fn();
  } finally {
    obj[name] = saved;
  }
}

describe('@alicloud/kms20160120 1.2.0 (HMAC-SHA1, POST, parameters in the query)', () => {
  const client = (secret = SK) => new Kms.default({ accessKeyId: AK, accessKeySecret: secret, endpoint: `127.0.0.1:${srv.port}`, protocol: 'http', regionId: 'cn-hangzhou' });

  test('full lifecycle', async () => {
    const c = client();
    const created = await c.createSecret(new Kms.CreateSecretRequest({ secretName: 'tea-secret', secretData: 'tea v1', versionId: 'v1', description: 'from the Tea client' }));
    expect(created).toMatchObject({ secretName: 'tea-secret', versionId: 'v1', arn: expect.stringMatching(/^acs:kms:cn-hangzhou:\d+:secret\/tea-secret$/), requestId: expect.any(String) });

    const listed = await c.listSecrets(new Kms.ListSecretsRequest({ pageSize: 50 }));
    expect(listed.secretList.secret.map((s: any) => s.secretName)).toContain('tea-secret');

    const got = await c.getSecretValue(new Kms.GetSecretValueRequest({ secretName: 'tea-secret' }));
    expect(got).toMatchObject({ secretName: 'tea-secret', secretData: 'tea v1', versionId: 'v1', versionStages: { versionStage: ['ACSCurrent'] } });

    const put = c.putSecretValue(new Kms.PutSecretValueRequest({ secretName: 'tea-secret', secretData: 'tea v2', versionId: 'v2' }));
    expect(await put).toMatchObject({ secretName: 'tea-secret', versionId: 'v2' });
    expect((await c.getSecretValue(new Kms.GetSecretValueRequest({ secretName: 'tea-secret' }))).secretData).toBe('tea v2');

    expect(await c.describeSecret(new Kms.DescribeSecretRequest({ secretName: 'tea-secret' }))).toMatchObject({ secretName: 'tea-secret', description: 'from the Tea client' });
    const deleted = await c.deleteSecret(new Kms.DeleteSecretRequest({ secretName: 'tea-secret', recoveryWindowInDays: '7' }));
    expect(deleted.plannedDeleteTime).toMatch(/Z$/);
    expect(await c.restoreSecret(new Kms.RestoreSecretRequest({ secretName: 'tea-secret' }))).toMatchObject({ secretName: 'tea-secret' });
    await c.deleteSecret(new Kms.DeleteSecretRequest({ secretName: 'tea-secret', forceDeleteWithoutRecovery: 'true' }));
    const gone = await rejection(c.getSecretValue(new Kms.GetSecretValueRequest({ secretName: 'tea-secret' })));
    expect(gone.code).toBe('Forbidden.ResourceNotFoundError');
    expect(gone.message).toMatch(/^Forbidden\.ResourceNotFoundError: code: 404, Resource not found\. requestid: [0-9a-f-]{36}$/);
  });

  test('errors: wrong secret key, replayed nonce, expired timestamp, missing secret', async () => {
    const wrong = await rejection(client('not-the-secret').listSecrets(new Kms.ListSecretsRequest({})));
    expect(wrong.code).toBe('SignatureDoesNotMatchError');
    expect(wrong.data.Message).toContain('server string to sign is:POST&%2F&');

    const c = client();
    await withPatched(TeaUtil.default, 'getNonce', () => 'tea-fixed-nonce', async () => {
      await c.listSecrets(new Kms.ListSecretsRequest({}));
      const replay = await rejection(c.listSecrets(new Kms.ListSecretsRequest({})));
      expect(replay.code).toBe('SignatureNonceUsedError');
    });
    await withPatched(RpcUtil.default, 'getTimestamp', () => LONG_AGO, async () => {
      const expired = await rejection(c.listSecrets(new Kms.ListSecretsRequest({})));
      expect(expired.code).toBe('InvalidTimeStamp.ExpiredError');
    });
    const missing = await rejection(c.describeSecret(new Kms.DescribeSecretRequest({ secretName: 'never-created' })));
    expect(missing.code).toBe('Forbidden.ResourceNotFoundError');
  });
});

describe('@alicloud/pop-core 1.8.0 (HMAC-SHA1, GET query and POST form body)', () => {
  const client = (secret = SK) => new RPCClient({ accessKeyId: AK, accessKeySecret: secret, endpoint: `http://127.0.0.1:${srv.port}`, apiVersion: '2016-01-20' });
  const POST = { method: 'POST', timeout: 10000 };

  test('full lifecycle', async () => {
    const c = client();
    const created = await c.request('CreateSecret', { SecretName: 'pop-secret', SecretData: '{"pwd": "12****"}', VersionId: 'v1', Description: 'Ünïcödé & spaces + plus = equals' }, POST);
    expect(created).toMatchObject({ SecretName: 'pop-secret', VersionId: 'v1' });
    const listed = await c.request('ListSecrets', { PageSize: 50 });
    expect(listed.SecretList.Secret.map((s: any) => s.SecretName)).toContain('pop-secret');
    expect(await c.request('GetSecretValue', { SecretName: 'pop-secret' })).toMatchObject({ SecretData: '{"pwd": "12****"}', VersionId: 'v1' });
    expect(await c.request('PutSecretValue', { SecretName: 'pop-secret', SecretData: 'pop v2', VersionId: 'v2' }, POST)).toMatchObject({ VersionId: 'v2' });
    expect((await c.request('GetSecretValue', { SecretName: 'pop-secret' }, POST)).SecretData).toBe('pop v2');
    expect(await c.request('DescribeSecret', { SecretName: 'pop-secret' }, POST)).toMatchObject({ Description: 'Ünïcödé & spaces + plus = equals' });
    expect(await c.request('DeleteSecret', { SecretName: 'pop-secret' }, POST)).toMatchObject({ SecretName: 'pop-secret' });
    expect(await c.request('RestoreSecret', { SecretName: 'pop-secret' })).toMatchObject({ SecretName: 'pop-secret' });
    await c.request('DeleteSecret', { SecretName: 'pop-secret', ForceDeleteWithoutRecovery: 'true' }, POST);
    const gone = await rejection(c.request('DescribeSecret', { SecretName: 'pop-secret' }, POST));
    expect([gone.code, gone.name]).toEqual(['Forbidden.ResourceNotFound', 'Forbidden.ResourceNotFoundError']);
  });

  test('errors: wrong secret key, replayed nonce, expired timestamp, missing secret', async () => {
    const wrong = await rejection(client('nope').request('ListSecrets', {}, POST));
    expect(wrong.code).toBe('SignatureDoesNotMatch');
    const c = client();
    await c.request('ListSecrets', { SignatureNonce: 'pop-fixed-nonce' }, POST);
    expect((await rejection(c.request('ListSecrets', { SignatureNonce: 'pop-fixed-nonce' }))).code).toBe('SignatureNonceUsed');
    expect((await rejection(c.request('ListSecrets', { Timestamp: LONG_AGO }, POST))).code).toBe('InvalidTimeStamp.Expired');
    expect((await rejection(c.request('GetSecretValue', { SecretName: 'never-created' }))).code).toBe('Forbidden.ResourceNotFound');
  });
});

describe('@alicloud/openapi-client 0.4.15 (V3 ACS3-HMAC-SHA256 by default)', () => {
  const config = (over: Record<string, unknown> = {}) =>
    new OpenApi.Config({ accessKeyId: AK, accessKeySecret: SK, endpoint: `127.0.0.1:${srv.port}`, protocol: 'http', regionId: 'cn-hangzhou', ...over });
  const params = (action: string) =>
    new OpenApi.Params({ action, version: '2016-01-20', protocol: 'HTTPS', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
  const runtime = () => new TeaUtil.RuntimeOptions({});
  const callWith = (client: any, action: string, query: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    client.callApi(params(action), new OpenApi.OpenApiRequest({ query, ...extra }), runtime()).then((r: any) => r.body);

  test('full lifecycle, with a form body and an STS credential too', async () => {
    const c = new OpenApi.default(config());
    const created = await callWith(c, 'CreateSecret', { SecretName: 'v3-secret', SecretData: 'v3 one', VersionId: 'v1' });
    expect(created).toMatchObject({ SecretName: 'v3-secret', VersionId: 'v1' });
    expect((await callWith(c, 'ListSecrets', { PageSize: 50 })).SecretList.Secret.map((s: any) => s.SecretName)).toContain('v3-secret');
    expect(await callWith(c, 'GetSecretValue', { SecretName: 'v3-secret', VersionStage: 'ACSCurrent' })).toMatchObject({ SecretData: 'v3 one' });
    // W2 layout: the value in a hashed form body, the name in the query.
    await callWith(c, 'PutSecretValue', { SecretName: 'v3-secret' }, { body: { SecretData: '{"uname": "alice", "pwd": "12****"}', VersionId: 'v2' } });
    expect((await callWith(c, 'GetSecretValue', { SecretName: 'v3-secret' })).SecretData).toBe('{"uname": "alice", "pwd": "12****"}');
    expect(await callWith(c, 'DescribeSecret', { SecretName: 'v3-secret' })).toMatchObject({ SecretName: 'v3-secret' });
    await callWith(c, 'DeleteSecret', { SecretName: 'v3-secret' });
    await callWith(c, 'RestoreSecret', { SecretName: 'v3-secret' });
    const sts = new OpenApi.default(config({ accessKeyId: STS_ID, accessKeySecret: STS_SECRET, securityToken: STS_TOKEN }));
    await callWith(sts, 'DeleteSecret', { SecretName: 'v3-secret' }, { body: { ForceDeleteWithoutRecovery: 'true' } });
    const gone = await rejection(callWith(c, 'GetSecretValue', { SecretName: 'v3-secret' }));
    expect([gone.code, gone.statusCode]).toEqual(['Forbidden.ResourceNotFound', 404]);
    expect(gone.message).toMatch(/^Forbidden\.ResourceNotFound: code: 404, Resource not found\. request id: [0-9a-f-]{36}$/);
  });

  test('errors: wrong secret key, replayed nonce, expired timestamp, missing secret', async () => {
    const wrong = await rejection(callWith(new OpenApi.default(config({ accessKeySecret: 'wrong' })), 'ListSecrets', {}));
    expect([wrong.code, wrong.statusCode]).toEqual(['SignatureDoesNotMatch', 400]);
    expect(wrong.data.Message).toMatch(/server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/);
    const c = new OpenApi.default(config());
    const fixed = { headers: { 'x-acs-signature-nonce': 'v3-fixed-nonce' } };
    await callWith(c, 'ListSecrets', {}, fixed);
    expect((await rejection(callWith(c, 'ListSecrets', {}, fixed))).code).toBe('SignatureNonceUsed');
    const expired = await rejection(callWith(c, 'ListSecrets', {}, { headers: { 'x-acs-date': LONG_AGO } }));
    expect([expired.code, expired.statusCode]).toEqual(['InvalidTimeStamp.Expired', 400]);
    const missing = await rejection(callWith(c, 'DescribeSecret', { SecretName: 'never-created' }));
    expect([missing.code, missing.statusCode]).toEqual(['Forbidden.ResourceNotFound', 404]);
    const stsNoToken = await rejection(callWith(new OpenApi.default(config({ accessKeyId: STS_ID, accessKeySecret: STS_SECRET })), 'ListSecrets', {}));
    expect(stsNoToken.code).toBe('MissingSecurityToken');
  });

  test("signatureAlgorithm 'v2' (HMAC-SHA1) works too", async () => {
    const c = new OpenApi.default(config({ signatureAlgorithm: 'v2' }));
    expect(await callWith(c, 'ListSecrets', {})).toMatchObject({ PageNumber: 1 });
  });
});

test('STS credentials: kms20160120 and pop-core send the SecurityToken the server knows for the pair', async () => {
  const tea = new Kms.default({ accessKeyId: STS_ID, accessKeySecret: STS_SECRET, securityToken: STS_TOKEN, endpoint: `127.0.0.1:${srv.port}`, protocol: 'http', regionId: 'cn-hangzhou' });
  expect(await tea.listSecrets(new Kms.ListSecretsRequest({}))).toMatchObject({ pageNumber: 1 });
  const pop = new RPCClient({ accessKeyId: STS_ID, accessKeySecret: STS_SECRET, securityToken: STS_TOKEN, endpoint: `http://127.0.0.1:${srv.port}`, apiVersion: '2016-01-20' });
  expect(await pop.request('ListSecrets', {}, { method: 'POST' })).toMatchObject({ PageNumber: 1 });
  const wrongToken = new RPCClient({ accessKeyId: STS_ID, accessKeySecret: STS_SECRET, securityToken: 'CAIS-other', endpoint: `http://127.0.0.1:${srv.port}`, apiVersion: '2016-01-20' });
  expect((await rejection(wrongToken.request('ListSecrets', {}))).code).toBe('InvalidSecurityToken.MismatchWithAccessKey');
});

test('the server logged which scheme each client used', () => {
  expect(srv.stderr).toMatch(/POST ListSecrets v1 LTAI5tEmulatorKeyId 200/);
  expect(srv.stderr).toMatch(/GET ListSecrets v1 LTAI5tEmulatorKeyId 200/);
  expect(srv.stderr).toMatch(/POST ListSecrets v3 LTAI5tEmulatorKeyId 200/);
  expect(srv.stderr).toMatch(/POST DeleteSecret v3 STS\.NUexampleTokenKeyId 200/);
});
