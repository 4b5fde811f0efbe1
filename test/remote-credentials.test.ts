// Each credential mode of the real CLI against local STS, metadata and credentials-URI servers.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run, type RunResult } from './helpers.js';
import { expectedSignature, FakeKms } from './fake-kms.js';

const SOURCE = { access_key_id: 'LTAI5tTestKeyId', access_key_secret: 'test-secret-value' };

let fake: FakeKms;
let home: string;

beforeAll(async () => {
  fake = await new FakeKms().start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cred-home-'));
  fake.requests.length = 0;
  fake.script.length = 0;
  fake.imds.requireToken = true;
  fake.imds.tokenStatus = 200;
  fake.credentialsUriStatus = 200;
  fake.credentialsUriCode = 'Success';
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function writeConfig(profiles: object[], current = (profiles[0] as any).name): void {
  mkdirSync(join(home, '.aliyun'), { recursive: true });
  writeFileSync(join(home, '.aliyun', 'config.json'), JSON.stringify({ current, profiles, meta_path: '' }, null, '\t'), { mode: 0o600 });
}

function kms(args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
  return run(['kms', 'ListSecrets', '--endpoint', fake.endpoint, '--insecure', ...args], cleanEnv({ HOME: home, NO_COLOR: '1', ...extra }));
}

/** The KMS call went out with the keys STS (or the metadata service, URI, process) issued. */
function expectIssuedKeysUsed(): void {
  const calls = fake.kmsRequests();
  expect(calls).toHaveLength(1);
  const [c] = calls;
  expect(c.signatureOk).toBe(true);
  expect(c.params.AccessKeyId).toBe(fake.sts.id);
  expect(c.params.SecurityToken).toBe(fake.sts.token);
  expect(c.headers['x-acs-credentials-provider']).toBe('static_sts');
}

function stsCalls(action: string) {
  return fake.requests.filter((r) => r.params.Action === action);
}

describe('RamRoleArn', () => {
  test('AssumeRole is signed with the source keys and its credentials sign the KMS call', async () => {
    writeConfig([
      {
        name: 'role',
        mode: 'RamRoleArn',
        ...SOURCE,
        ram_role_arn: 'acs:ram::123:role/kms-reader',
        ram_session_name: 'cli-session',
        external_id: 'ext-1',
        expired_seconds: 1200,
        region_id: 'cn-hangzhou',
        sts_endpoint: `http://${fake.endpoint}`,
      },
    ]);
    const r = await kms([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [assume] = stsCalls('AssumeRole');
    expect(assume.method).toBe('POST');
    expect(assume.signatureOk).toBe(true);
    expect(assume.params).toMatchObject({
      Version: '2015-04-01',
      Format: 'JSON',
      AccessKeyId: SOURCE.access_key_id,
      RoleArn: 'acs:ram::123:role/kms-reader',
      RoleSessionName: 'cli-session',
      ExternalId: 'ext-1',
      DurationSeconds: '1200',
    });
    // Role parameters travel in the form body, signed together with the query.
    expect(assume.body).toContain('RoleArn=acs%3Aram%3A%3A123%3Arole%2Fkms-reader');
    expect(expectedSignature('POST', assume.params, SOURCE.access_key_secret).signature).toBe(assume.params.Signature);
    expectIssuedKeysUsed();
  });

  test('--sts-endpoint flag and 3600 s default duration', async () => {
    const r = await kms([
      '--mode', 'RamRoleArn',
      '--access-key-id', SOURCE.access_key_id,
      '--access-key-secret', SOURCE.access_key_secret,
      '--ram-role-arn', 'acs:ram::123:role/x',
      '--role-session-name', 's',
      '--region', 'cn-hangzhou',
      '--sts-endpoint', `http://${fake.endpoint}/`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(stsCalls('AssumeRole')[0].params.DurationSeconds).toBe('3600');
    expectIssuedKeysUsed();
  });

  test('STS refuses: init client failed refresh session token failed: <body>, exit 1, no KMS call', async () => {
    writeConfig([{ name: 'role', mode: 'RamRoleArn', ...SOURCE, ram_role_arn: 'acs:ram::123:role/denied', ram_session_name: 's', region_id: 'cn-hangzhou', sts_endpoint: `http://${fake.endpoint}` }]);
    const r = await kms([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: init client failed refresh session token failed: \{"RequestId":"[^"]+","Code":"NoPermission","Message":"You are not authorized to do this action\."\}\n$/);
    expect(fake.kmsRequests()).toHaveLength(0);
  });

  test('a duration under 900 s is refused', async () => {
    writeConfig([{ name: 'role', mode: 'RamRoleArn', ...SOURCE, ram_role_arn: 'acs:ram::1:role/x', ram_session_name: 's', expired_seconds: 100, region_id: 'cn-hangzhou', sts_endpoint: `http://${fake.endpoint}` }]);
    const r = await kms([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: init client failed .*session duration/);
    expect(fake.requests).toHaveLength(0);
  });

  test('STS unreachable: transport error with the STS URL redacted', async () => {
    writeConfig([{ name: 'role', mode: 'RamRoleArn', ...SOURCE, ram_role_arn: 'acs:ram::1:role/x', ram_session_name: 's', region_id: 'cn-hangzhou', sts_endpoint: 'http://127.0.0.1:1' }]);
    const r = await kms([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: init client failed Post "http:\/\/127\.0\.0\.1:1\/\?AccessKeyId=\*\*\*&Action=AssumeRole&.*Signature=\*\*\*.*": dial tcp 127\.0\.0\.1:1: connect: connection refused\n$/);
    expect(r.stderr).not.toContain(SOURCE.access_key_id);
  });
});

describe('ChainableRamRoleArn', () => {
  test('the source profile (itself StsToken) signs AssumeRole with its token', async () => {
    writeConfig([
      { name: 'chain', mode: 'ChainableRamRoleArn', source_profile: 'base', ram_role_arn: 'acs:ram::1:role/y', ram_session_name: 'chained', region_id: 'cn-hangzhou', sts_endpoint: `http://${fake.endpoint}` },
      { name: 'base', mode: 'StsToken', access_key_id: fake.sts.id, access_key_secret: fake.sts.secret, sts_token: fake.sts.token, region_id: 'cn-hangzhou' },
    ]);
    const r = await kms([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [assume] = stsCalls('AssumeRole');
    expect(assume.signatureOk).toBe(true);
    expect(assume.params.SecurityToken).toBe(fake.sts.token);
    expect(assume.params.RoleSessionName).toBe('chained');
    expectIssuedKeysUsed();
  });

  test('missing source profile', async () => {
    writeConfig([{ name: 'chain', mode: 'ChainableRamRoleArn', source_profile: 'ghost', ram_role_arn: 'r', ram_session_name: 's', region_id: 'cn-hangzhou' }]);
    const r = await kms([]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'ERROR: init client failed can not load the source profile: ghost\n' });
  });
});

describe('EcsRamRole', () => {
  const imdsEnv = () => ({ ALIYUN_KMS_IMDS_ENDPOINT: `http://${fake.endpoint}` });

  test('IMDSv2 token, role discovered, keys used', async () => {
    writeConfig([{ name: 'ecs', mode: 'EcsRamRole', region_id: 'cn-hangzhou' }]);
    const r = await kms([], imdsEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const paths = fake.requests.map((q) => `${q.method} ${q.path}`);
    expect(paths.slice(0, 3)).toEqual([
      'PUT /latest/api/token',
      'GET /latest/meta-data/ram/security-credentials/',
      `GET /latest/meta-data/ram/security-credentials/${fake.imds.role}`,
    ]);
    expect(fake.requests[0].headers['x-aliyun-ecs-metadata-token-ttl-seconds']).toBe('21600');
    expect(fake.requests[2].headers['x-aliyun-ecs-metadata-token']).toBe(fake.imds.token);
    expectIssuedKeysUsed();
  });

  test('configured role name skips discovery; unknown role is an init error', async () => {
    writeConfig([{ name: 'ecs', mode: 'EcsRamRole', ram_role_name: fake.imds.role, region_id: 'cn-hangzhou' }]);
    expect((await kms([], imdsEnv())).code).toBe(0);
    expect(fake.requests.some((q) => q.path === '/latest/meta-data/ram/security-credentials/')).toBe(false);

    writeConfig([{ name: 'ecs', mode: 'EcsRamRole', ram_role_name: 'Other', region_id: 'cn-hangzhou' }]);
    const r = await kms([], imdsEnv());
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ERROR: init client failed refresh Ecs sts token err, httpStatus: 404, message = role not found\n');
  });

  test('IMDSv1 fall-back when the token endpoint fails, unless ALIBABA_CLOUD_IMDSV1_DISABLED=true', async () => {
    writeConfig([{ name: 'ecs', mode: 'EcsRamRole', region_id: 'cn-hangzhou' }]);
    fake.imds.tokenStatus = 404;
    fake.imds.requireToken = false;
    const r = await kms([], imdsEnv());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fake.requests.filter((q) => q.path.startsWith('/latest/meta-data')).every((q) => q.headers['x-aliyun-ecs-metadata-token'] === undefined)).toBe(true);
    expectIssuedKeysUsed();

    const v2only = await kms([], { ...imdsEnv(), ALIBABA_CLOUD_IMDSV1_DISABLED: 'true' });
    expect(v2only).toEqual({ code: 1, stdout: '', stderr: 'ERROR: init client failed failed to get token from ECS Metadata Service: httpStatus: 404\n' });
  });

  test('ALIBABA_CLOUD_ECS_METADATA_DISABLED=true', async () => {
    writeConfig([{ name: 'ecs', mode: 'EcsRamRole', region_id: 'cn-hangzhou' }]);
    const r = await kms([], { ...imdsEnv(), ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true' });
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'ERROR: init client failed IMDS credentials is disabled\n' });
  });
});

describe('External', () => {
  test('process_command output (a profile JSON) gives the keys; quotes are honoured', async () => {
    const script = join(home, 'creds helper.sh');
    writeFileSync(
      script,
      `#!/bin/sh\necho '{"mode":"StsToken","access_key_id":"${fake.sts.id}","access_key_secret":"${fake.sts.secret}","sts_token":"${fake.sts.token}"}'\n`,
    );
    chmodSync(script, 0o755);
    writeConfig([{ name: 'ext', mode: 'External', process_command: `"${script}" --profile x`, region_id: 'cn-hangzhou' }]);
    const r = await kms([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectIssuedKeysUsed();
  });

  test('a failing or missing command is an init error; disabled by ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS', async () => {
    writeConfig([{ name: 'ext', mode: 'External', process_command: '/bin/false', region_id: 'cn-hangzhou' }]);
    expect(await kms([])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: init client failed run external program to get credentials failed: exit status 1\n' });
    writeConfig([{ name: 'ext', mode: 'External', process_command: 'no-such-helper-xyz', region_id: 'cn-hangzhou' }]);
    expect((await kms([])).stderr).toBe('ERROR: init client failed run external program to get credentials failed: exec: "no-such-helper-xyz": executable file not found in $PATH\n');
    expect((await kms([], { ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS: 'true' })).stderr).toContain('disabled');
  });
});

describe('CredentialsURI', () => {
  test('from ALIBABA_CLOUD_CREDENTIALS_URI alone (remote chosen by the rule)', async () => {
    const r = await kms([], { ALIBABA_CLOUD_CREDENTIALS_URI: `http://${fake.endpoint}/credentials`, ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/credentials' });
    expectIssuedKeysUsed();
  });

  test('non-200 and Code other than Success', async () => {
    const uri = `http://${fake.endpoint}/credentials`;
    writeConfig([{ name: 'u', mode: 'CredentialsURI', credentials_uri: uri, region_id: 'cn-hangzhou' }]);
    fake.credentialsUriStatus = 500;
    expect(await kms([])).toEqual({ code: 1, stdout: '', stderr: `ERROR: init client failed get credentials from ${uri} failed, status code 500\n` });
    fake.credentialsUriStatus = 200;
    fake.credentialsUriCode = 'Failed';
    expect(await kms([])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: init client failed get sts token err, Code is not Success\n' });
  });
});

describe('OIDC', () => {
  test('AssumeRoleWithOIDC (unsigned) with the token file content', async () => {
    const tokenFile = join(home, 'token');
    writeFileSync(tokenFile, 'oidc-token-from-file');
    writeConfig([
      { name: 'o', mode: 'OIDC', oidc_provider_arn: 'acs:ram::1:oidc-provider/p', oidc_token_file: tokenFile, ram_role_arn: 'acs:ram::1:role/o', ram_session_name: 'os', region_id: 'cn-hangzhou', sts_endpoint: `http://${fake.endpoint}` },
    ]);
    const r = await kms([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [call] = stsCalls('AssumeRoleWithOIDC');
    expect(call.params).toMatchObject({ OIDCToken: 'oidc-token-from-file', OIDCProviderArn: 'acs:ram::1:oidc-provider/p', RoleArn: 'acs:ram::1:role/o', RoleSessionName: 'os' });
    expect(call.params.Signature).toBeUndefined();
    expectIssuedKeysUsed();
  });

  test('from the environment, a missing token file is an init error', async () => {
    const r = await kms(['--role-session-name', 's', '--region', 'cn-hangzhou'], {
      ALIBABA_CLOUD_OIDC_PROVIDER_ARN: 'p',
      ALIBABA_CLOUD_OIDC_TOKEN_FILE: join(home, 'missing'),
      ALIBABA_CLOUD_ROLE_ARN: 'r',
      ALIBABA_CLOUD_STS_ENDPOINT: `http://${fake.endpoint}`,
    });
    expect(r).toEqual({ code: 1, stdout: '', stderr: `ERROR: init client failed read oidc token file failed: open ${join(home, 'missing')}: no such file or directory\n` });
  });
});
