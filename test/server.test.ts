// `aliyun kms serve` through the built binary, with raw v1-signed requests (signing-and-transport.md §2).
import { createHmac } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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

const call = (action: string, params: Record<string, string>, o = {}) => signedCall(srv.url, action, params, o);

test('the first stdout line says where it listens; nothing else is printed when keys are given', () => {
  expect(srv.stdout).toMatch(/^aliyun kms serve: listening on http:\/\/127\.0\.0\.1:\d+ \(store .+, default region cn-hangzhou\)\n$/);
  expect(srv.port).toBeGreaterThan(0);
});

test('full lifecycle over POST query, POST form and GET, with the service bodies and headers', async () => {
  const created = await call('CreateSecret', { SecretName: 'life', SecretData: 'v1 value', VersionId: 'v1' });
  expect(created.status).toBe(200);
  expect(created.headers['content-type']).toBe('application/json;charset=utf-8');
  expect(created.headers['x-acs-request-id']).toBe(created.body.RequestId);
  expect(created.body).toEqual({ Arn: expect.stringMatching(/^acs:kms:cn-hangzhou:\d{16}:secret\/life$/), SecretName: 'life', VersionId: 'v1', SecretType: 'Generic', RequestId: expect.any(String) });

  const listed = await call('ListSecrets', {}, { method: 'GET' });
  expect(listed.status).toBe(200);
  expect(listed.body.SecretList.Secret.map((s: any) => s.SecretName)).toContain('life');
  expect(listed.body).not.toHaveProperty('Code');

  const got = await call('GetSecretValue', { SecretName: 'life' }, { form: true });
  expect(got.status).toBe(200);
  expect(got.body).toMatchObject({ SecretName: 'life', SecretData: 'v1 value', VersionId: 'v1', VersionStages: { VersionStage: ['ACSCurrent'] } });

  const put = await call('PutSecretValue', { SecretName: 'life', SecretData: 'v2 value', VersionId: 'v2' });
  expect(put.status).toBe(200);
  expect((await call('GetSecretValue', { SecretName: 'life' })).body.SecretData).toBe('v2 value');

  const described = await call('DescribeSecret', { SecretName: 'life' });
  expect(described.body).toMatchObject({ SecretName: 'life', Description: '' });

  const deleted = await call('DeleteSecret', { SecretName: 'life', RecoveryWindowInDays: '7' });
  expect(deleted.status).toBe(200);
  expect(deleted.body.PlannedDeleteTime).toMatch(/Z$/);
  const inWindow = await call('GetSecretValue', { SecretName: 'life' });
  expect([inWindow.status, inWindow.body.Code]).toEqual([409, 'Rejected.ResourceInDeleteWindow']);

  expect((await call('RestoreSecret', { SecretName: 'life' })).body).toEqual({ SecretName: 'life', RequestId: expect.any(String) });
  const forced = await call('DeleteSecret', { SecretName: 'life', ForceDeleteWithoutRecovery: 'true' });
  expect(forced.status).toBe(200);
  const gone = await call('DescribeSecret', { SecretName: 'life' });
  expect(gone.status).toBe(404);
  expect(gone.body).toEqual({
    RequestId: gone.headers['x-acs-request-id'],
    HostId: 'kms.cn-hangzhou.aliyuncs.com',
    Code: 'Forbidden.ResourceNotFound',
    Message: 'Resource not found',
    Recommend: `https://api.aliyun.com/troubleshoot?q=Forbidden.ResourceNotFound&product=Kms&requestId=${gone.body.RequestId}`,
  });
});

test('a wrong secret key: SignatureDoesNotMatch with the server string to sign', async () => {
  const r = await call('GetSecretValue', { SecretName: 'x' }, { secret: 'wrong', nonce: 'fixed-nonce-1', timestamp: isoNow() });
  expect(r.status).toBe(400);
  expect(r.body.Code).toBe('SignatureDoesNotMatch');
  expect(r.body.Message).toMatch(/^Specified signature is not matched with our calculation\. server string to sign is:POST&%2F&AccessKeyId%3DLTAI5tEmulatorKeyId%26Action%3DGetSecretValue%26/);
  // The string to sign is the one the client signed: HMAC of it with the right key is the right signature.
  const sts = r.body.Message.split('server string to sign is:')[1];
  expect(sts).toContain('SignatureNonce%3Dfixed-nonce-1');
  expect(createHmac('sha1', SK + '&').update(sts).digest('base64')).toHaveLength(28);
});

test('gateway refusals: unknown key, expired and malformed timestamps, replayed nonce, missing parameters, version, method, path, XML', async () => {
  const unknown = await call('ListSecrets', {}, { accessKeyId: 'LTAInobody' });
  expect([unknown.status, unknown.body.Code, unknown.body.Message]).toEqual([404, 'InvalidAccessKeyId.NotFound', 'The Access Key ID provided does not exist in our records.']);

  const expired = await call('ListSecrets', {}, { timestamp: isoNow(-16 * 60_000) });
  expect([expired.status, expired.body.Code, expired.body.Message]).toEqual([400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.']);
  expect((await call('ListSecrets', {}, { timestamp: isoNow(16 * 60_000) })).body.Code).toBe('InvalidTimeStamp.Expired');
  expect((await call('ListSecrets', {}, { timestamp: isoNow(-14 * 60_000) })).status).toBe(200);
  expect((await call('ListSecrets', {}, { timestamp: '2024/05/01 12:00' })).body.Code).toBe('InvalidTimeStamp.Format');
  const noTs = await call('ListSecrets', {}, { omit: ['Timestamp'] });
  expect([noTs.status, noTs.body.Code]).toEqual([400, 'IllegalTimestamp']);

  const first = await call('ListSecrets', {}, { nonce: 'replay-me' });
  expect(first.status).toBe(200);
  const again = await call('ListSecrets', {}, { nonce: 'replay-me' });
  expect([again.status, again.body.Code, again.body.Message]).toEqual([400, 'SignatureNonceUsed', 'Specified signature nonce was used already.']);

  const missing = await call('GetSecretValue', {});
  expect([missing.status, missing.body.Code, missing.body.Message]).toEqual([400, 'MissingParameter', 'The parameter "SecretName" is needed but not provided.']);
  const noAk = await call('ListSecrets', {}, { omit: ['AccessKeyId'] });
  expect([noAk.status, noAk.body.Code, noAk.body.Message]).toEqual([400, 'MissingAccessKeyId', 'AccessKeyId is mandatory for this action.']);

  const action = await call('NoSuchThing', {});
  expect([action.status, action.body.Code]).toEqual([404, 'InvalidAction.NotFound']);
  const version = await call('ListSecrets', { Version: '2014-01-01' });
  expect([version.status, version.body.Code]).toEqual([400, 'InvalidVersion']);
  const xml = await call('ListSecrets', { Format: 'XML' });
  expect([xml.status, xml.body.Code]).toEqual([400, 'InvalidParameter']);

  const put = await rawRequest(srv.url, 'PUT', '/', {});
  expect([put.status, put.body.Code, put.headers['content-type']]).toEqual([403, 'UnsupportedHTTPMethod', 'application/json;charset=utf-8']);
  const path = await rawRequest(srv.url, 'GET', '/favicon.ico', {});
  expect([path.status, path.body.Code]).toEqual([404, 'InvalidAction.NotFound']);
  const huge = await rawRequest(srv.url, 'POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, 'SecretData=' + 'x'.repeat(2 << 20));
  expect([huge.status, huge.body.Code]).toEqual([413, 'RequestEntityTooLarge']);
  const unsigned = await rawRequest(srv.url, 'GET', '/?Action=ListSecrets', {});
  expect(unsigned.status).toBe(400);
  expect(unsigned.body.RequestId).toBe(unsigned.headers['x-acs-request-id']);
});

test('the Go SDK wire form (spaces as +, empty SignatureType, RegionId) verifies', async () => {
  const p: Record<string, string> = {
    AccessKeyId: AK,
    Action: 'CreateSecret',
    Format: 'JSON',
    RegionId: 'cn-shanghai',
    SecretData: 'a+b=c&d e!*~',
    Description: 'go style*desc~1',
    SecretName: 'go-style',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: 'go-nonce-' + Date.now(),
    SignatureType: '',
    SignatureVersion: '1.0',
    Timestamp: isoNow(),
    Version: '2016-01-20',
    VersionId: 'v1',
  };
  const pop = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const cqs = Object.keys(p).sort().map((k) => pop(k) + '=' + pop(p[k])).join('&');
  const sig = createHmac('sha1', SK + '&').update('POST&%2F&' + pop(cqs)).digest('base64');
  const wire = new URLSearchParams({ ...p, Signature: sig }).toString(); // form encoding: space → '+'
  expect(wire).toContain('Description=go+style*desc%7E1');
  const r = await rawRequest(srv.url, 'POST', '/?' + wire, { 'content-type': 'application/x-www-form-urlencoded' }, '');
  expect([r.status, r.body.Code]).toEqual([200, undefined]);
  expect(r.body.Arn).toMatch(/^acs:kms:cn-shanghai:/);
  const got = await call('GetSecretValue', { SecretName: 'go-style', RegionId: 'cn-shanghai' });
  expect(got.body.SecretData).toBe('a+b=c&d e!*~');
});

test('region: RegionId parameter, else the kms.<region>.aliyuncs.com Host, else the default', async () => {
  await call('CreateSecret', { SecretName: 'regional', SecretData: 'x', VersionId: 'v1', RegionId: 'eu-central-1' });
  const byHost = await call('GetSecretValue', { SecretName: 'regional' }, { host: 'kms.eu-central-1.aliyuncs.com' });
  expect(byHost.status).toBe(200);
  const byDefault = await call('GetSecretValue', { SecretName: 'regional' });
  expect([byDefault.status, byDefault.body.HostId]).toEqual([404, 'kms.cn-hangzhou.aliyuncs.com']);
  const hostMiss = await call('DescribeSecret', { SecretName: 'nope' }, { host: 'kms.eu-central-1.aliyuncs.com' });
  expect(hostMiss.body.HostId).toBe('kms.eu-central-1.aliyuncs.com');
  // A region id names a folder of the store: nothing else gets there.
  const escape = await call('CreateSecret', { SecretName: 'escape', SecretData: 'x', VersionId: 'v1', RegionId: '../../outside' });
  expect([escape.status, escape.body.Code]).toEqual([400, 'InvalidRegionId']);
  expect(existsSync(join(sb.root, 'outside'))).toBe(false);
});

test('shares the store with CLI processes: their writes are seen at once, and the bodies are the same', async () => {
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'shared', '--SecretData', 'from cli', '--VersionId', 'c1')).code).toBe(0);
  const viaServer = await call('DescribeSecret', { SecretName: 'shared' });
  const viaCli = await sb.json('kms', 'DescribeSecret', '--SecretName', 'shared');
  expect({ ...viaServer.body, RequestId: '' }).toEqual({ ...viaCli, RequestId: '' });
  expect((await call('GetSecretValue', { SecretName: 'shared' })).body.SecretData).toBe('from cli');
  expect((await sb.run('kms', 'DeleteSecret', '--SecretName', 'shared', '--ForceDeleteWithoutRecovery', 'true')).code).toBe(0);
  expect((await call('GetSecretValue', { SecretName: 'shared' })).status).toBe(404);
  await call('CreateSecret', { SecretName: 'shared', SecretData: 'from server', VersionId: 's1' });
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'shared')).SecretData).toBe('from server');
});

test('CLI processes and the server writing at the same time lose nothing', async () => {
  const viaCli = Array.from({ length: 4 }, (_, i) => sb.run('kms', 'CreateSecret', '--SecretName', `race-cli-${i}`, '--SecretData', `cli ${i}`, '--VersionId', 'v1'));
  const viaServer = Array.from({ length: 24 }, (_, i) => call('CreateSecret', { SecretName: `race-srv-${i}`, SecretData: `srv ${i}`, VersionId: 'v1' }));
  const [cli, srvRes] = await Promise.all([Promise.all(viaCli), Promise.all(viaServer)]);
  expect(cli.map((r) => r.code)).toEqual([0, 0, 0, 0]);
  expect(srvRes.map((r) => r.status)).toEqual(Array(24).fill(200));
  const listed = await call('ListSecrets', { PageSize: '100' });
  const names = listed.body.SecretList.Secret.map((x: any) => x.SecretName).filter((n: string) => n.startsWith('race-'));
  expect(names).toHaveLength(28);
  expect((await call('GetSecretValue', { SecretName: 'race-cli-3' })).body.SecretData).toBe('cli 3');
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'race-srv-23')).SecretData).toBe('srv 23');
});

test('the request log is coloured by status when colour is forced, plain otherwise and with NO_COLOR', async () => {
  const s = new Sandbox();
  const coloured = await ServerProcess.start(s, ['--access-key-id', AK, '--access-key-secret', SK], { FORCE_COLOR: '1' });
  await signedCall(coloured.url, 'ListSecrets', {});
  await signedCall(coloured.url, 'DescribeSecret', { SecretName: 'none' });
  await coloured.stop();
  expect(coloured.stderr).toMatch(/ListSecrets v1 LTAI5tEmulatorKeyId \x1b\[32m200\x1b\[39m/);
  expect(coloured.stderr).toMatch(/DescribeSecret v1 LTAI5tEmulatorKeyId \x1b\[33m404 Forbidden\.ResourceNotFound\x1b\[39m/);
  expect(srv.stderr).not.toContain('\x1b[');
  const noColor = await ServerProcess.start(s, ['--access-key-id', AK, '--access-key-secret', SK], { FORCE_COLOR: '1', NO_COLOR: '1' });
  await signedCall(noColor.url, 'ListSecrets', {});
  await noColor.stop();
  expect(noColor.stderr).toMatch(/ListSecrets v1 LTAI5tEmulatorKeyId 200 /);
  expect(noColor.stderr).not.toContain('\x1b[');
  s.cleanup();
});

test('the request log names actions and codes but never values or secrets', async () => {
  await call('CreateSecret', { SecretName: 'logged', SecretData: 'TOP-SECRET-VALUE', VersionId: 'v1' });
  await call('GetSecretValue', { SecretName: 'logged' }, { secret: 'wrong-secret-xyz' });
  await call('DescribeSecret', { SecretName: 'logged' }, { secret: 'wrong-secret-xyz', form: true });
  await new Promise((r) => setTimeout(r, 100));
  expect(srv.stderr).toMatch(/POST DescribeSecret - 400 SignatureDoesNotMatch [\d.]+ms\n/);
  expect(srv.stderr).toMatch(/POST CreateSecret v1 LTAI5tEmulatorKeyId 200 [\d.]+ms\n/);
  expect(srv.stderr).toMatch(/POST GetSecretValue - 400 SignatureDoesNotMatch [\d.]+ms\n/);
  for (const s of ['TOP-SECRET-VALUE', 'logged', SK, 'wrong-secret-xyz', 'Signature=']) expect(srv.stderr).not.toContain(s);
});

describe('credentials', () => {
  test('without flags or environment a pair is generated and printed once; it signs', async () => {
    const s = new Sandbox();
    const p = await ServerProcess.start(s, []);
    await new Promise((r) => setTimeout(r, 100));
    const m = /^generated credentials \(shown once\): AccessKeyId=(LTAI[0-9a-f]{20}) AccessKeySecret=(\S+)\n$/m.exec(p.stdout);
    expect(m).not.toBeNull();
    expect(p.stdout.split('\n')[0]).toMatch(/listening on/);
    expect((await signedCall(p.url, 'ListSecrets', {}, { accessKeyId: m![1], secret: m![2] })).status).toBe(200);
    expect((await signedCall(p.url, 'ListSecrets', {})).body.Code).toBe('InvalidAccessKeyId.NotFound');
    expect(await p.stop()).toBe(0);
    s.cleanup();
  });

  test('environment pair, repeatable pairs and an STS pair whose token must come along', async () => {
    const s = new Sandbox();
    const envSrv = await ServerProcess.start(s, [], { ALIBABA_CLOUD_ACCESS_KEY_ID: 'envid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'envsecret' });
    expect(envSrv.stdout).not.toContain('generated');
    expect((await signedCall(envSrv.url, 'ListSecrets', {}, { accessKeyId: 'envid', secret: 'envsecret' })).status).toBe(200);
    await envSrv.stop();

    const multi = await ServerProcess.start(s, ['--access-key-id', 'one', '--access-key-secret', 's1', '--access-key-id', 'STS.two', '--access-key-secret', 's2', '--security-token', 'CAIS+tok/en==']);
    expect((await signedCall(multi.url, 'ListSecrets', {}, { accessKeyId: 'one', secret: 's1' })).status).toBe(200);
    expect((await signedCall(multi.url, 'ListSecrets', {}, { accessKeyId: 'STS.two', secret: 's2', securityToken: 'CAIS+tok/en==' })).status).toBe(200);
    const noToken = await signedCall(multi.url, 'ListSecrets', {}, { accessKeyId: 'STS.two', secret: 's2' });
    expect([noToken.status, noToken.body.Code]).toEqual([400, 'MissingSecurityToken']);
    const badToken = await signedCall(multi.url, 'ListSecrets', {}, { accessKeyId: 'STS.two', secret: 's2', securityToken: 'other' });
    expect(badToken.body.Code).toBe('InvalidSecurityToken.MismatchWithAccessKey');
    expect((await signedCall(multi.url, 'ListSecrets', {}, { accessKeyId: 'one', secret: 's2' })).body.Code).toBe('SignatureDoesNotMatch');
    await multi.stop();
    s.cleanup();
  });
});

test('bad command lines are refused in the CLI error format; --help prints usage', async () => {
  const s = new Sandbox();
  const help = await s.run('kms', 'serve', '--help');
  expect([help.code, help.stderr]).toEqual([0, '']);
  expect(help.stdout).toMatch(/^Usage: aliyun kms serve \[options\]\n/);
  expect(help.stdout).toContain('--no-nonce-check');
  const port = await s.run('kms', 'serve', '--port', 'abc');
  expect(port).toEqual({ code: 1, stdout: '', stderr: "ERROR: --port must be an integer from 0 to 65535, got 'abc'\n" });
  const lone = await s.run('kms', 'serve', '--access-key-id', 'x');
  expect(lone).toEqual({ code: 1, stdout: '', stderr: 'ERROR: --access-key-id x needs an --access-key-secret after it\n' });
  expect(await s.run('kms', 'serve', '--region', '../x')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: --region ../x is not a region id such as cn-hangzhou\n' });
  const unknown = await s.run('kms', 'serve', '--bogus');
  expect(unknown).toEqual({ code: 1, stdout: '', stderr: "ERROR: unknown option '--bogus'\n" });
  const busy = await s.run('kms', 'serve', '--port', String(srv.port), '--access-key-id', 'a', '--access-key-secret', 'b');
  expect(busy).toEqual({ code: 1, stdout: '', stderr: `ERROR: cannot listen on 127.0.0.1:${srv.port}: address already in use\n` });
  s.cleanup();
});

test('SIGTERM finishes the request in flight, then exits 0', async () => {
  const s = new Sandbox();
  const slow = await ServerProcess.start(s, ['--access-key-id', AK, '--access-key-secret', SK, '--latency', '700']);
  const pending = signedCall(slow.url, 'ListSecrets', {});
  await new Promise((r) => setTimeout(r, 250));
  slow.child.kill('SIGTERM');
  const r = await pending;
  expect(r.status).toBe(200);
  expect(await slow.exited).toBe(0);
  expect(slow.stderr).toContain('SIGTERM: finishing 1 request(s) in flight and stopping');
  s.cleanup();
});

test('a store removed and created anew by another process is reopened, never served with the old root key', async () => {
  const s = new Sandbox();
  const p = await ServerProcess.start(s);
  await signedCall(p.url, 'CreateSecret', { SecretName: 'old', SecretData: 'old value', VersionId: 'v1' });
  const oldArn = (await signedCall(p.url, 'DescribeSecret', { SecretName: 'old' })).body.Arn;
  rmSync(s.store, { recursive: true, force: true });
  expect((await s.run('kms', 'CreateSecret', '--SecretName', 'new', '--SecretData', 'new value', '--VersionId', 'v1')).code).toBe(0);
  const got = await signedCall(p.url, 'GetSecretValue', { SecretName: 'new' });
  expect([got.status, got.body.SecretData]).toEqual([200, 'new value']);
  expect((await signedCall(p.url, 'DescribeSecret', { SecretName: 'new' })).body.Arn).not.toBe(oldArn.replace('/old', '/new'));
  expect((await signedCall(p.url, 'GetSecretValue', { SecretName: 'old' })).status).toBe(404);
  await p.stop();
  s.cleanup();
});

test('a store that cannot be opened stops the server at start with the store error', async () => {
  const s = new Sandbox();
  expect((await s.run('kms', 'ListSecrets')).code).toBe(0);
  const r = await s.runWith({ ALIYUN_KMS_LOCAL_PASSPHRASE: 'pw' }, 'kms', 'serve', '--port', '0', '--access-key-id', 'a', '--access-key-secret', 'b');
  expect(r).toEqual({ code: 1, stdout: '', stderr: `ERROR: the local store ${s.store} was created without a passphrase; unset ALIYUN_KMS_LOCAL_PASSPHRASE or use another ALIYUN_KMS_LOCAL_DIR\n` });
  s.cleanup();
});
