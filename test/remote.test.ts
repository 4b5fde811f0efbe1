// The remote backend against a local KMS stand-in that verifies every signature independently.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run, type RunResult } from './helpers.js';
import { expectedSignature, formDecode, FakeKms, rfc3986 } from './fake-kms.js';
import * as secretOps from '../src/operations/secrets.js';

const AK = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tTestKeyId', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret-value' };

let fake: FakeKms;
let home: string;

beforeAll(async () => {
  fake = await new FakeKms().start();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'remote-home-'));
  fake.requests.length = 0;
  fake.script.length = 0;
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function env(extra: Record<string, string> = {}): Record<string, string> {
  return cleanEnv({ HOME: home, NO_COLOR: '1', ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou', ...extra });
}

/** Runs `aliyun kms <args> --endpoint <fake> --insecure` with AK credentials from the environment. */
function kms(args: string[], extra: Record<string, string> = AK): Promise<RunResult> {
  return run(['kms', ...args, '--endpoint', fake.endpoint, '--insecure'], env(extra));
}

function writeConfig(cfg: object): string {
  mkdirSync(join(home, '.aliyun'), { recursive: true });
  const path = join(home, '.aliyun', 'config.json');
  writeFileSync(path, JSON.stringify(cfg, null, '\t'), { mode: 0o600 });
  return path;
}

describe('independent verifier', () => {
  test('reproduces the spec vectors V1, V2 and V4', () => {
    const v1 = {
      Action: 'GetSecretValue',
      Format: 'JSON',
      Version: '2016-01-20',
      AccessKeyId: 'LTAI5tEmulatorKeyId',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: '0f3c2a6e-7d1b-4c9a-9e5f-2b8d4a6c1e01',
      Timestamp: '2024-05-01T12:00:00Z',
      SecretName: 'my secret*name~v1',
      VersionStage: 'ACSCurrent',
    };
    expect(expectedSignature('POST', v1, 'kms-emulator-secret').signature).toBe('EH4WoMbkoZOUBt3EUg7gzgSHFto=');
    const v2 = {
      Action: 'CreateSecret',
      Format: 'JSON',
      Version: '2016-01-20',
      AccessKeyId: 'STS.NUexampleTokenKeyId',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      Timestamp: '2024-05-01T12:00:00Z',
      SecurityToken: 'CAIS+token/with=padding==',
      SecretName: 'db/prod-密码',
      SecretData: '{"uname": "alice", "pwd": "12****"}',
      SecretDataType: 'text',
      VersionId: 'v1',
      Description: 'Ünïcödé & spaces + plus = equals',
    };
    expect(expectedSignature('POST', v2, 'kms-emulator-secret').signature).toBe('2WdI84pkklXsUWmi+JCHEDKT2WU=');
    const wire =
      'AccessKeyId=testid&Action=GetSecretValue&Format=JSON&RegionId=cn-hangzhou&SecretName=my+secret%2Aname~v1&SignatureMethod=HMAC-SHA1&SignatureNonce=go-style-nonce&SignatureType=&SignatureVersion=1.0&Timestamp=2024-05-01T12%3A00%3A00Z&Version=2016-01-20&Signature=YZm1OoktXmH4HcpQ7OJKynv%2BRuI%3D';
    const params = Object.fromEntries(formDecode(wire));
    expect(expectedSignature('POST', params, 'testsecret').signature).toBe(params.Signature);
    expect(rfc3986('a b*~')).toBe('a%20b%2A~');
  });
});

describe('requests on the wire', () => {
  test('GetSecretValue round trip: signed POST, query only, the Go SDK headers, output as the local printer', async () => {
    const created = await kms(['CreateSecret', '--SecretName', 'db/prod+x=y.z@w-_', '--SecretData', 'p@ss wörd *~+/=&%20', '--VersionId', 'v1']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const r = await kms(['GetSecretValue', '--SecretName', 'db/prod+x=y.z@w-_', '--VersionStage', 'ACSCurrent']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.SecretData).toBe('p@ss wörd *~+/=&%20');
    expect(out.SecretName).toBe('db/prod+x=y.z@w-_');
    expect(r.stdout).toMatch(/^\{\n\t"CreateTime": "[^"]+",\n\t"RequestId": /);

    const [req] = fake.kmsRequests().slice(-1);
    expect(req.signatureOk).toBe(true);
    expect(req.method).toBe('POST');
    expect(req.body).toBe('');
    expect(req.headers['content-length']).toBe('0');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.headers['accept-encoding']).toBe('identity');
    expect(req.headers['x-acs-action']).toBe('GetSecretValue');
    expect(req.headers['x-acs-version']).toBe('2016-01-20');
    expect(req.headers['x-acs-credentials-provider']).toBe('static_ak');
    expect(req.headers['x-sdk-client']).toBe('golang/1.0.0');
    expect(req.headers['x-sdk-invoke-type']).toBe('common');
    expect(req.headers['user-agent']).toMatch(/^AlibabaCloud \(\w+; \w+\) Golang\/[\d.]+ Core\/1\.63\.22 Aliyun-CLI\/3\.4\.11$/);
    // Go url.Values.Encode: sorted keys, space as '+', '*' as %2A, '~' raw.
    expect(req.rawQuery).toContain('SecretName=db%2Fprod%2Bx%3Dy.z%40w-_');
    const createReq = fake.kmsRequests()[0];
    expect(createReq.rawQuery).toContain('SecretData=p%40ss+w%C3%B6rd+%2A~%2B%2F%3D%26%2520');
    const keys = req.rawQuery.split('&').map((kv) => kv.split('=')[0]);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual([
      'AccessKeyId',
      'Action',
      'Format',
      'RegionId',
      'SecretName',
      'Signature',
      'SignatureMethod',
      'SignatureNonce',
      'SignatureType',
      'SignatureVersion',
      'Timestamp',
      'Version',
      'VersionStage',
    ]);
    expect(req.params).toMatchObject({ Format: 'JSON', RegionId: 'cn-hangzhou', SignatureType: '', SignatureVersion: '1.0', Version: '2016-01-20' });
    expect(req.params.SignatureNonce).toMatch(/^[0-9a-f]{32}$/);
    expect(req.params.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('every secret operation is sent with its parameters verbatim and a valid signature', async () => {
    const ops = Object.values(secretOps).filter((v: any) => v && typeof v === 'object' && 'params' in v && 'invalidMessage' in v) as any[];
    expect(ops.length).toBeGreaterThanOrEqual(15);
    for (const op of ops) {
      const args: string[] = [op.name];
      const sent: Record<string, string> = {};
      for (const [name, spec] of Object.entries<any>(op.params)) {
        if (!spec.required) continue;
        if (spec.type === 'RepeatList') {
          const key = spec.subParams ? `${name}.1.${spec.subParams[0]}` : `${name}.1`;
          args.push(`--${key}`, 'v 1');
          sent[key] = 'v 1';
        } else if (name !== 'RegionId') {
          const value = name === 'SecretData' ? 'da+ta/ä*~' : `${name}-x y`;
          args.push(`--${name}`, value);
          sent[name] = value;
        }
      }
      fake.script.push({ status: 200, body: `{"RequestId":"r-${op.name}","Marker":1.50}` });
      const r = await kms(args);
      expect({ op: op.name, code: r.code, stderr: r.stderr }).toEqual({ op: op.name, code: 0, stderr: '' });
      // Number literals survive as written.
      expect(r.stdout).toBe(`{\n\t"Marker": 1.50,\n\t"RequestId": "r-${op.name}"\n}\n`);
      const req = fake.requests[fake.requests.length - 1];
      expect(req.params).toMatchObject({ ...sent, Action: op.name, RegionId: 'cn-hangzhou' });
      const { signature } = expectedSignature('POST', req.params, 'test-secret-value');
      expect({ op: op.name, sig: req.params.Signature }).toEqual({ op: op.name, sig: signature });
    }
  });

  test('StsToken credentials: SecurityToken signed and sent, provider static_sts', async () => {
    const r = await kms(['ListSecrets'], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: fake.sts.id,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: fake.sts.secret,
      ALIBABA_CLOUD_SECURITY_TOKEN: fake.sts.token,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const req = fake.kmsRequests().pop()!;
    expect(req.signatureOk).toBe(true);
    expect(req.params.SecurityToken).toBe(fake.sts.token);
    expect(req.headers['x-acs-credentials-provider']).toBe('static_sts');
  });

  test('a profile from config.json with --profile; --method GET, --header, --RegionId', async () => {
    writeConfig({
      current: 'other',
      profiles: [
        { name: 'other', mode: 'AK', access_key_id: 'nope', access_key_secret: 'nope', region_id: 'cn-beijing' },
        { name: 'work', mode: 'AK', access_key_id: AK.ALIBABA_CLOUD_ACCESS_KEY_ID, access_key_secret: AK.ALIBABA_CLOUD_ACCESS_KEY_SECRET, region_id: 'cn-shanghai' },
      ],
      meta_path: '',
    });
    const r = await run(
      ['kms', 'ListSecrets', '--profile', 'work', '--endpoint', fake.endpoint, '--insecure', '--method', 'GET', '--header', 'X-Foo=bar=baz', '--RegionId', 'eu-central-1'],
      env(),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const req = fake.kmsRequests().pop()!;
    expect(req.method).toBe('GET');
    expect(req.signatureOk).toBe(true);
    expect(req.headers['x-foo']).toBe('bar=baz');
    expect(req.params.RegionId).toBe('eu-central-1');
    expect(req.params.AccessKeyId).toBe('LTAI5tTestKeyId');
  });

  test('--version 2016-01-20 is sent as Version; ALIBABA_CLOUD_PROFILE_MODE=Anonymous is refused', async () => {
    const r = await kms(['ListSecrets', '--version', '2016-01-20']);
    expect(r.code).toBe(0);
    expect(fake.kmsRequests()[0].params.Version).toBe('2016-01-20');
    const anon = await kms(['ListSecrets'], { ...AK, ALIBABA_CLOUD_PROFILE_MODE: 'Anonymous' });
    expect(anon).toEqual({ code: 1, stdout: '', stderr: 'ERROR: init client failed anonymous mode is only supported via the OpenAPI path; legacy SDK cannot disable signing\n' });
  });

  test('--header without = is refused before anything is sent', async () => {
    const r = await kms(['ListSecrets', '--header', 'NoEquals']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'ERROR: invalid flag --header `NoEquals` use `--header HeaderName=Value`\n' });
    expect(fake.requests).toHaveLength(0);
  });

  test('--dryrun prints the signed request and sends nothing', async () => {
    const r = await run(['kms', 'GetSecretValue', '--SecretName', 'app', '--dryrun'], env(AK));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Skip invoke in dry-run mode, request is:');
    expect(lines[1]).toBe('------------------------------------');
    expect(lines[2]).toMatch(
      /^POST \/\?AccessKeyId=LTAI5tTestKeyId&Action=GetSecretValue&Format=JSON&RegionId=cn-hangzhou&SecretName=app&Signature=[^&]+&SignatureMethod=HMAC-SHA1&SignatureNonce=[0-9a-f]{32}&SignatureType=&SignatureVersion=1\.0&Timestamp=[^&]+&Version=2016-01-20 HTTPS\/1\.1$/,
    );
    expect(lines.slice(3).join('\n')).toBe(
      [
        'Host: kms.cn-hangzhou.aliyuncs.com',
        'Accept-Encoding: identity',
        'Content-Type: application/x-www-form-urlencoded',
        'x-acs-action: GetSecretValue',
        'x-acs-credentials-provider: static_ak',
        'x-acs-version: 2016-01-20',
        'x-sdk-client: golang/1.0.0',
        'x-sdk-core-version: 1.63.22',
        'x-sdk-invoke-type: common',
        '',
        '',
        '',
      ].join('\n'),
    );
    // The printed signature is the one the gateway would compute.
    const params = Object.fromEntries(formDecode(lines[2].split(' ')[1].slice(2)));
    expect(params.Signature).toBe(expectedSignature('POST', params, 'test-secret-value').signature);
    expect(fake.requests).toHaveLength(0);
  });

  test('endpoint resolution: region pattern, vpc table, ap-southeast-5 oddity, ALIBABA_CLOUD_ENDPOINT', async () => {
    const host = async (args: string[], extra: Record<string, string> = {}) => {
      const r = await run(['kms', 'ListSecrets', '--dryrun', ...args], env({ ...AK, ...extra }));
      expect(r.stderr).toBe('');
      return /\nHost: (.*)\n/.exec(r.stdout)![1];
    };
    expect(await host(['--region', 'eu-central-1'])).toBe('kms.eu-central-1.aliyuncs.com');
    expect(await host(['--region', 'cn-hangzhou', '--endpoint-type', 'vpc'])).toBe('kms-vpc.cn-hangzhou.aliyuncs.com');
    expect(await host(['--region', 'ap-southeast-5', '--endpoint-type', 'vpc'])).toBe('kms-vpc.ap-southeast-5.aliyuncs.com');
    expect(await host(['--region', 'xx-nowhere-9', '--endpoint-type', 'vpc'])).toBe('kms.xx-nowhere-9.aliyuncs.com');
    expect(await host([], { ALIBABA_CLOUD_ENDPOINT: 'kms.example.test' })).toBe('kms.example.test');
    expect(await host(['-e', 'given.example'], { ALIBABA_CLOUD_ENDPOINT: 'kms.example.test' })).toBe('given.example');
    const secure = await run(['kms', 'ListSecrets', '--dryrun', '--insecure'], env(AK));
    expect(secure.stdout.split('\n')[2]).toMatch(/ HTTP\/1\.1$/);
  });
});

describe('server errors', () => {
  test('a KMS error: the SDK.ServerError block with the received headers, exit 1', async () => {
    const r = await kms(['GetSecretValue', '--SecretName', 'does-not-exist']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const m = /^ERROR: SDK\.ServerError\nErrorCode: Forbidden\.ResourceNotFound\nRecommend: (.*)\nRequestId: ([0-9a-f-]{36})\nMessage: (.*)\nRespHeaders: map\[(.*)\]\n$/.exec(r.stderr);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(`https://api.aliyun.com/troubleshoot?q=Forbidden.ResourceNotFound&product=Kms&requestId=${m![2]}`);
    expect(m![4]).toContain(`X-Acs-Request-Id:[${m![2]}]`);
    expect(m![4]).toContain('Content-Type:[application/json;charset=utf-8]');
    // Sorted by name; a kept-alive connection adds Keep-Alive (GetSecretValue changes nothing, so it is sent without Connection: close).
    expect(m![4]).toMatch(/^Connection:\[keep-alive\] Content-Type:\[application\/json;charset=utf-8\] Date:\[[^\]]+\] Keep-Alive:\[timeout=\d+\] X-Acs-Request-Id:\[/);
  });

  test('error body without Message prints the raw body; repeated headers are joined; --quiet does not hide it', async () => {
    const body = '{"Code":"Forbidden.NoPermission","RequestId":"abc"}';
    fake.script.push({ status: 403, body, headers: { 'X-Acs-Trace': 'a' } });
    const r = await kms(['ListSecrets', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ErrorCode: Forbidden.NoPermission\nRecommend: \nRequestId: abc\nMessage: ${body}\nRespHeaders: map[`);
    expect(r.stderr).toContain('X-Acs-Trace:[a]');
  });

  test('non-JSON 5xx body: Message is the body, other fields empty', async () => {
    fake.script.push({ status: 502, body: '<html>Bad Gateway</html>', headers: { 'Content-Type': 'text/html' } });
    const r = await kms(['ListSecrets']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: SDK\.ServerError\nErrorCode: \nRecommend: \nRequestId: \nMessage: <html>Bad Gateway<\/html>\nRespHeaders: map\[.*Content-Type:\[text\/html\].*\]\n$/);
  });

  test('a non-string Code is printed as text, not a crash', async () => {
    fake.script.push({ status: 400, body: '{"Code":42,"Message":"odd","RequestId":"r"}' });
    const r = await kms(['ListSecrets']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ErrorCode: 42\n');
  });

  test('a 2xx body that is not JSON is printed as it came', async () => {
    fake.script.push({ status: 200, body: 'plain text', headers: { 'Content-Type': 'text/plain' } });
    const r = await kms(['ListSecrets']);
    expect(r).toEqual({ code: 0, stdout: 'plain text\n', stderr: '' });
  });

  test('wrong secret: SignatureDoesNotMatch with the InvalidAccessKeySecret recommendation', async () => {
    const r = await kms(['ListSecrets'], { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tTestKeyId', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ErrorCode: SignatureDoesNotMatch\nRecommend: InvalidAccessKeySecret: Please check you AccessKeySecret\n');
    expect(r.stderr).not.toContain('wrong&');
  });

  test('SignatureDoesNotMatch whose server string to sign differs from ours: the SDK-bug recommendation', async () => {
    fake.script.push({ status: 400, body: '{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&other","RequestId":"s"}' });
    const r = await kms(['ListSecrets']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'Recommend: This may be a bug with the SDK and we hope you can submit this question in the github issue(https://github.com/aliyun/alibaba-cloud-sdk-go/issues), thanks very much\n',
    );
  });

  test('ALIBABA_CLOUD_THROTTLING_RETRY_ENABLED=false and _MAX_ATTEMPTS bound the throttling retry', async () => {
    const throttled = { status: 429, headers: { 'x-acs-retry-after': '10' }, body: '{"Code":"Rejected.Throttling","Message":"The QPS upper limit is exceeded."}' };
    fake.script.push(throttled);
    expect((await kms(['ListSecrets'], { ...AK, ALIBABA_CLOUD_THROTTLING_RETRY_ENABLED: 'false' })).code).toBe(1);
    expect(fake.requests).toHaveLength(1);
    fake.requests.length = 0;
    fake.script.length = 0;
    fake.script.push(throttled, throttled, throttled);
    expect((await kms(['ListSecrets'], { ...AK, ALIBABA_CLOUD_THROTTLING_RETRY_MAX_ATTEMPTS: '1' })).code).toBe(1);
    expect(fake.requests).toHaveLength(2);
  });

  test('unknown AccessKeyId: InvalidAccessKeyId.NotFound', async () => {
    const r = await kms(['ListSecrets'], { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAInobody', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'x' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ErrorCode: InvalidAccessKeyId.NotFound\n');
    expect(r.stderr).toContain('Message: The Access Key ID provided does not exist in our records.\n');
  });

  test('5xx is retried with --retry-count (re-signed each time), the last error printed', async () => {
    for (let i = 0; i < 3; i++) fake.script.push({ status: 503, body: '{"Code":"ServiceUnavailable","Message":"busy","RequestId":"r' + i + '"}' });
    const r = await kms(['ListSecrets', '--retry-count', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RequestId: r2\n');
    const reqs = fake.kmsRequests();
    expect(reqs).toHaveLength(3);
    expect(new Set(reqs.map((q) => q.params.SignatureNonce)).size).toBe(3);
  });

  test('5xx then success with --retry-count 1', async () => {
    fake.script.push({ status: 500, body: '{"Code":"InternalFailure","Message":"x"}' });
    const r = await kms(['ListSecrets', '--retry-count', '1']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('SecretList');
    expect(fake.kmsRequests()).toHaveLength(2);
  });

  test('without --retry-count a 5xx is not retried', async () => {
    fake.script.push({ status: 500, body: '{"Code":"InternalFailure","Message":"x"}' });
    const r = await kms(['ListSecrets']);
    expect(r.code).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  test('throttling with x-acs-retry-after: waits, retries with the retry headers, then succeeds', async () => {
    const throttled = { status: 429, headers: { 'x-acs-retry-after': '50' }, body: '{"Code":"Rejected.Throttling","Message":"The QPS upper limit is exceeded.","RequestId":"t"}' };
    fake.script.push(throttled, throttled);
    const r = await kms(['ListSecrets', '--log-level', 'INFO']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('aliyun: throttling, retrying in 50ms (attempt 1/3)\naliyun: throttling, retrying in 50ms (attempt 2/3)\n');
    const reqs = fake.kmsRequests();
    expect(reqs).toHaveLength(3);
    expect(reqs[0].headers['x-acs-retry-attempts']).toBeUndefined();
    expect(reqs[1].headers['x-acs-retry-attempts']).toBe('1');
    expect(reqs[2].headers['x-acs-retry-attempts']).toBe('2');
    expect(reqs[2].headers['x-acs-retry-delay']).toBe('50');
    expect(reqs.every((q) => q.signatureOk)).toBe(true);
  });

  test('throttling gives up after 3 retries; without the header there is no retry', async () => {
    const throttled = { status: 429, headers: { 'x-acs-retry-after': '10' }, body: '{"Code":"Rejected.Throttling","Message":"The QPS upper limit is exceeded.","RequestId":"t"}' };
    fake.script.push(throttled, throttled, throttled, throttled);
    const r = await kms(['ListSecrets']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ErrorCode: Rejected.Throttling\n');
    expect(fake.requests).toHaveLength(4);

    fake.requests.length = 0;
    fake.script.push({ status: 429, body: '{"Code":"Rejected.Throttling","Message":"The QPS upper limit is exceeded."}' });
    const once = await kms(['ListSecrets']);
    expect(once.code).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('transport errors', () => {
  const redacted = (stderr: string) => {
    expect(stderr).toContain('AccessKeyId=***');
    expect(stderr).toContain('Signature=***');
    expect(stderr).not.toContain('LTAI5tTestKeyId');
  };

  test('refused connection: Go error text, secrets redacted, exit 1', async () => {
    const r = await run(['kms', 'ListSecrets', '--endpoint', '127.0.0.1:1', '--insecure'], env(AK));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: Post "http:\/\/127\.0\.0\.1:1\/\?AccessKeyId=\*\*\*&Action=ListSecrets&.*": dial tcp 127\.0\.0\.1:1: connect: connection refused\n$/);
    redacted(r.stderr);
  });

  test('refused connection with --retry-count: the SDK.TimeoutError wording', async () => {
    const r = await run(['kms', 'ListSecrets', '--endpoint', '127.0.0.1:1', '--insecure', '--retry-count', '1'], env(AK));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ERROR: \[SDK\.TimeoutError\] The request timed out 2 times\(2 for retry\), perhaps we should have the threshold raised a little\? Connect timeout\. Please set a valid ConnectTimeout\.\ncaused by:\nPost "http:\/\/127\.0\.0\.1:1\/\?.*": dial tcp 127\.0\.0\.1:1: connect: connection refused\n$/,
    );
  });

  test('read timeout (--read-timeout 1): Client.Timeout text; retried with --retry-count', async () => {
    fake.script.push({ delayMs: 3000, body: '{}' });
    const r = await kms(['ListSecrets', '--read-timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: Post "http:\/\/127\.0\.0\.1:\d+\/\?.*": context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\)\n$/);
    redacted(r.stderr);

    fake.requests.length = 0;
    fake.script.length = 0;
    fake.script.push({ delayMs: 3000, body: '{}' });
    const retried = await kms(['ListSecrets', '--read-timeout', '1', '--retry-count', '1']);
    expect(retried.code).toBe(0);
    expect(fake.kmsRequests()).toHaveLength(2);
  });

  test('STS token is redacted from transport errors too', async () => {
    const r = await run(['kms', 'ListSecrets', '--endpoint', '127.0.0.1:1', '--insecure'], env({ ...AK, ALIBABA_CLOUD_SECURITY_TOKEN: 'tok-very-secret' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SecurityToken=***');
    expect(r.stderr).not.toContain('tok-very-secret');
  });

  test('connection closed without an answer: EOF', async () => {
    fake.script.push({ hangUp: true });
    const r = await kms(['ListSecrets']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/": (EOF|read tcp 127\.0\.0\.1:\d+: read: connection reset by peer)\n$/);
  });
});

describe('profile validation (exit 3 with the configuration tip)', () => {
  const TIP = '\nConfiguration failed, use `aliyun configure` to configure it\n';
  const cases: [string, string[], Record<string, string>, string][] = [
    ['no region', ['--access-key-id', 'a', '--access-key-secret', 'b'], { ALIBABA_CLOUD_REGION_ID: '' }, "region can't be empty"],
    ['bad region', ['--access-key-id', 'a', '--access-key-secret', 'b', '--region', 'cn_hz'], {}, 'invalid region cn_hz'],
    ['unknown mode', ['--mode', 'Nope', '--access-key-id', 'a'], {}, 'invalid mode: Nope'],
    ['AK without secret', ['--mode', 'AK', '--access-key-id', 'a'], {}, "access_key_secret is not configured for profile 'default'. Run `aliyun configure --profile default --mode AK` to set it"],
    ['StsToken without token', ['--mode', 'StsToken', '--access-key-id', 'a', '--access-key-secret', 'b'], {}, "sts_token is not configured for profile 'default'. Run `aliyun configure --profile default --mode StsToken` to set it"],
    ['RamRoleArn without session', ['--mode', 'RamRoleArn', '--access-key-id', 'a', '--access-key-secret', 'b', '--ram-role-arn', 'acs:ram::1:role/x'], {}, "role_session_name is not configured for profile 'default'. Run `aliyun configure --profile default --mode RamRoleArn` to set it"],
    ['OIDC without token file', ['--mode', 'OIDC', '--oidc-provider-arn', 'p', '--ram-role-arn', 'r'], {}, "oidc_token_file is not configured for profile 'default'. Run `aliyun configure --profile default --mode OIDC` to set it"],
    ['External without command', ['--mode', 'External', '--access-key-id', 'a'], {}, "process_command is not configured for profile 'default'. Run `aliyun configure --profile default --mode External` to set it"],
    ['CredentialsURI without uri', ['--mode', 'CredentialsURI', '--access-key-id', 'a'], {}, "credentials_uri is not configured for profile 'default'. Run `aliyun configure --profile default --mode CredentialsURI` or set ALIBABA_CLOUD_CREDENTIALS_URI environment variable"],
  ];
  test.each(cases)('%s', async (_name, args, extra, message) => {
    const r = await run(['kms', 'ListSecrets', '--backend', 'remote', ...args], env(extra));
    expect(r).toEqual({ code: 3, stdout: '', stderr: `ERROR: ${message}\n${TIP}` });
  });

  test('profile with no mode and no keys, remote forced', async () => {
    writeConfig({ current: 'p1', profiles: [{ name: 'p1', mode: '', region_id: 'cn-hangzhou' }], meta_path: '' });
    const r = await run(['kms', 'ListSecrets', '--backend', 'remote'], env());
    expect(r).toEqual({ code: 3, stdout: '', stderr: `ERROR: profile p1 is not configure yet, run \`aliyun configure --profile p1\` first\n${TIP}` });
  });
});
