// The service's refusals on the local backend: codes, messages and exit codes as kms-secrets-api.md says.
import { Sandbox, type RunResult } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = new Sandbox();
  await sb.json('kms', 'CreateSecret', '--SecretName', 'app', '--SecretData', 'v', '--VersionId', 'v1');
});
afterAll(() => sb.cleanup());

function serviceError(r: RunResult, code: string, message: string): void {
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
  expect(r.stderr).toMatch(/^ERROR: SDK\.ServerError\n/);
  expect(/ErrorCode: (.*)\n/.exec(r.stderr)![1]).toBe(code);
  expect(/\nMessage: (.*)\n/.exec(r.stderr)![1]).toBe(message);
}

const NOT_VALID = 'The specified parameter is not valid.';
const SOME_NOT_VALID = 'some of the specified parameters "\\" is not valid';

describe('CreateSecret', () => {
  test('an existing name', async () => serviceError(await sb.run('kms', 'CreateSecret', '--SecretName', 'app', '--SecretData', 'x', '--VersionId', 'v1'), 'Rejected.ResourceExist', 'The resource already exists.'));

  test('a name pending deletion', async () => {
    await sb.json('kms', 'CreateSecret', '--SecretName', 'gone', '--SecretData', 'x', '--VersionId', 'v1');
    await sb.json('kms', 'DeleteSecret', '--SecretName', 'gone');
    serviceError(await sb.run('kms', 'CreateSecret', '--SecretName', 'gone', '--SecretData', 'x', '--VersionId', 'v1'), 'Rejected.ResourceInDeleteWindow', 'The secret is planned to be deleted.');
  });

  test.each([
    ['a name with a space', ['--SecretName', 'bad name']],
    ['a name of 193 characters', ['--SecretName', 'n'.repeat(193)]],
    ['a name in the acs/ namespace', ['--SecretName', 'acs/mine']],
    ['a bad SecretDataType', ['--SecretName', 'ok1', '--SecretDataType', 'blob']],
    ['a value over 30720 bytes', ['--SecretName', 'ok2', '--SecretData', 'x'.repeat(30721)]],
    ['Tags that are not JSON', ['--SecretName', 'ok3', '--Tags', 'env=prod']],
    ['a reserved tag key', ['--SecretName', 'ok4', '--Tags', '[{"TagKey":"acs:x","TagValue":"v"}]']],
    ['a rotation interval out of range', ['--SecretName', 'ok5', '--RotationInterval', '1h']],
  ])('refuses %s', async (_what, args) => {
    const base: Record<string, string> = { '--SecretName': 'ok', '--SecretData': 'x', '--VersionId': 'v1' };
    for (let i = 0; i < args.length; i += 2) base[args[i]] = args[i + 1];
    serviceError(await sb.run('kms', 'CreateSecret', ...Object.entries(base).flat()), 'InvalidParameter', NOT_VALID);
  });

  test('the largest value and a 192-character name with Chinese characters are kept exactly', async () => {
    const name = '凭据/' + 'a'.repeat(189);
    const value = 'é'.repeat(15360);
    await sb.json('kms', 'CreateSecret', '--SecretName', name, '--SecretData', value, '--VersionId', 'v1');
    expect((await sb.json('kms', 'GetSecretValue', '--SecretName', name)).SecretData).toBe(value);
  });

  test('an unknown EncryptionKeyId', async () =>
    serviceError(await sb.run('kms', 'CreateSecret', '--SecretName', 'k1', '--SecretData', 'x', '--VersionId', 'v1', '--EncryptionKeyId', 'key-nope'), 'Forbidden.ResourceNotFound', 'The resource is not found.'));

  test('an empty required parameter is missing for the service', async () =>
    serviceError(await sb.run('kms', 'CreateSecret', '--SecretName', '', '--SecretData', 'x', '--VersionId', 'v1'), 'MissingParameter', 'The parameter "SecretName" is needed but not provided.'));
});

describe('GetSecretValue', () => {
  test('an unknown version', async () => serviceError(await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--VersionId', 'v9'), 'Forbidden.ResourceNotFound', 'Resource not found.'));
  test('an unknown stage', async () => serviceError(await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--VersionStage', 'ACSPrevious'), 'Forbidden.ResourceNotFound', 'Resource not found.'));
  test('version and stage must both match', async () => {
    serviceError(await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--VersionId', 'v1', '--VersionStage', 'ACSPrevious'), 'InvalidParameter', NOT_VALID);
    expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'app', '--VersionId', 'v1', '--VersionStage', 'ACSCurrent')).VersionId).toBe('v1');
  });
  test('by ARN', async () => {
    const arn = (await sb.json('kms', 'DescribeSecret', '--SecretName', 'app')).Arn;
    const got = await sb.json('kms', 'GetSecretValue', '--SecretName', arn);
    expect([got.SecretName, got.SecretData]).toEqual(['app', 'v']);
    serviceError(await sb.run('kms', 'GetSecretValue', '--SecretName', arn.replace(/:\d{16}:/, ':1111111111111111:')), 'Forbidden.ResourceNotFound', 'Resource not found.');
  });
  test('a secret pending deletion', async () => {
    await sb.json('kms', 'CreateSecret', '--SecretName', 'pending', '--SecretData', 'x', '--VersionId', 'v1');
    await sb.json('kms', 'DeleteSecret', '--SecretName', 'pending');
    serviceError(await sb.run('kms', 'GetSecretValue', '--SecretName', 'pending'), 'Rejected.ResourceInDeleteWindow', 'secret in delete peroid');
    expect((await sb.json('kms', 'DescribeSecret', '--SecretName', 'pending')).PlannedDeleteTime).toMatch(/Z$/);
  });
  test('secrets live per region', async () => {
    serviceError(await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--region', 'cn-shanghai'), 'Forbidden.ResourceNotFound', 'Resource not found.');
    const c = await sb.json('kms', 'CreateSecret', '--SecretName', 'app', '--SecretData', 'sh', '--VersionId', 'v1', '--region', 'cn-shanghai');
    expect(c.Arn).toMatch(/^acs:kms:cn-shanghai:\d{16}:secret\/app$/);
    expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'app', '--region', 'cn-shanghai')).SecretData).toBe('sh');
    expect((await sb.runWith({ ALIBABA_CLOUD_REGION_ID: 'cn-shanghai' }, 'kms', 'GetSecretValue', '--SecretName', 'app')).stdout).toContain('"SecretData": "sh"');
  });
});

describe('DeleteSecret and RestoreSecret', () => {
  test.each([['6'], ['31'], ['seven']])('a recovery window of %s days', async (days) =>
    serviceError(await sb.run('kms', 'DeleteSecret', '--SecretName', 'app', '--RecoveryWindowInDays', days), 'InvalidParameter', NOT_VALID));
  test('force together with a window', async () =>
    serviceError(await sb.run('kms', 'DeleteSecret', '--SecretName', 'app', '--ForceDeleteWithoutRecovery', 'true', '--RecoveryWindowInDays', '7'), 'InvalidParameter', NOT_VALID));
  test('a missing secret', async () => serviceError(await sb.run('kms', 'DeleteSecret', '--SecretName', 'nope'), 'Forbidden.ResourceNotFound', 'Resource not found'));
  test('twice', async () => {
    await sb.json('kms', 'CreateSecret', '--SecretName', 'twice', '--SecretData', 'x', '--VersionId', 'v1');
    await sb.json('kms', 'DeleteSecret', '--SecretName', 'twice');
    serviceError(await sb.run('kms', 'DeleteSecret', '--SecretName', 'twice'), 'Rejected.ResourceInDeleteWindow', 'secret in delete peroid');
    // Forcing a pending deletion purges it at once.
    await sb.json('kms', 'DeleteSecret', '--SecretName', 'twice', '--ForceDeleteWithoutRecovery', 'true');
    serviceError(await sb.run('kms', 'RestoreSecret', '--SecretName', 'twice'), 'Forbidden.ResourceNotFound', 'Resource not found');
  });
  test('restoring a secret that is not deleted', async () => serviceError(await sb.run('kms', 'RestoreSecret', '--SecretName', 'app'), 'Rejected.ResourceInUse', 'restore normal secret'));
  test('a deletion whose window has passed is purged, and the name is free again', async () => {
    await sb.json('kms', 'CreateSecret', '--SecretName', 'old', '--SecretData', 'x', '--VersionId', 'v1');
    await sb.json('kms', 'DeleteSecret', '--SecretName', 'old', '--RecoveryWindowInDays', '7');
    const later = { ALIYUN_KMS_LOCAL_TIME_OFFSET: String(8 * 86400) };
    serviceError(await sb.runWith(later, 'kms', 'DescribeSecret', '--SecretName', 'old'), 'Forbidden.ResourceNotFound', 'Resource not found');
    serviceError(await sb.runWith(later, 'kms', 'RestoreSecret', '--SecretName', 'old'), 'Forbidden.ResourceNotFound', 'Resource not found');
    const names = (await sb.json('kms', 'ListSecrets', '--PageSize', '100')).SecretList.Secret.map((s: any) => s.SecretName);
    expect(names).not.toContain('old');
    const again = await sb.runWith(later, 'kms', 'CreateSecret', '--SecretName', 'old', '--SecretData', 'new', '--VersionId', 'v1');
    expect(again.code).toBe(0);
  });
});

describe('ListSecrets', () => {
  let s2: Sandbox;
  beforeAll(async () => {
    s2 = new Sandbox();
    for (const [n, tags] of [
      ['a1', '[{"TagKey":"env","TagValue":"prod"}]'],
      ['a2', '[{"TagKey":"env","TagValue":"dev"}]'],
      ['a3', '[]'],
    ])
      await s2.json('kms', 'CreateSecret', '--SecretName', n, '--SecretData', 'x', '--VersionId', 'v1', '--Tags', tags, '--Description', `d-${n}`);
  });
  afterAll(() => s2.cleanup());

  test('paging keeps the total', async () => {
    const p2 = await s2.json('kms', 'ListSecrets', '--PageSize', '2', '--PageNumber', '2');
    expect([p2.PageNumber, p2.PageSize, p2.TotalCount, p2.SecretList.Secret.map((s: any) => s.SecretName)]).toEqual([2, 2, 3, ['a3']]);
    const p9 = await s2.json('kms', 'ListSecrets', '--PageNumber', '9');
    expect(p9.SecretList).toEqual({ Secret: [] });
  });
  test('filters: OR within a key, AND across keys, exact values', async () => {
    const names = async (f: string) => (await s2.json('kms', 'ListSecrets', '--Filters', f)).SecretList.Secret.map((s: any) => s.SecretName);
    expect(await names('[{"Key":"SecretName","Values":["a1","a3"]}]')).toEqual(['a1', 'a3']);
    expect(await names('[{"Key":"TagValue","Values":["prod","dev"]},{"Key":"Description","Values":["d-a2"]}]')).toEqual(['a2']);
    expect(await names('[{"Key":"SecretName","Values":["a"]}]')).toEqual([]);
  });
  test('FetchTags', async () => {
    const l = await s2.json('kms', 'ListSecrets', '--FetchTags', 'true');
    expect(l.SecretList.Secret.map((s: any) => s.Tags)).toEqual([{ Tag: [{ TagKey: 'env', TagValue: 'prod' }] }, { Tag: [{ TagKey: 'env', TagValue: 'dev' }] }, undefined]);
    const d = await s2.json('kms', 'DescribeSecret', '--SecretName', 'a1', '--FetchTags', 'true');
    expect(d.Tags).toEqual({ Tag: [{ TagKey: 'env', TagValue: 'prod' }] });
  });
  test.each([['--PageSize', '101'], ['--PageSize', '0'], ['--PageNumber', 'x'], ['--Filters', '[{"Key":"Colour","Values":["x"]}]'], ['--Filters', '{']])('refuses %s %s', async (flag, v) =>
    serviceError(await s2.run('kms', 'ListSecrets', flag, v), 'InvalidParameter', SOME_NOT_VALID));
});

describe('keys', () => {
  test('a default key exists without asking, and DescribeKey knows it', async () => {
    const s3 = new Sandbox();
    const l = await s3.json('kms', 'ListKeys');
    expect([l.TotalCount, l.Keys.Key.length]).toEqual([1, 1]);
    const d = await s3.json('kms', 'DescribeKey', '--KeyId', l.Keys.Key[0].KeyId);
    expect([d.KeyMetadata.KeyState, d.KeyMetadata.KeyId, d.KeyMetadata.DeletionProtection]).toEqual(['Enabled', l.Keys.Key[0].KeyId, 'Disabled']);
    s3.cleanup();
  });
  test('an unknown key', async () => serviceError(await sb.run('kms', 'DescribeKey', '--KeyId', 'key-nope'), 'Forbidden.KeyNotFound', 'The specified Key is not found.'));
  test('an asymmetric key is not something the local store makes', async () =>
    serviceError(await sb.run('kms', 'CreateKey', '--KeySpec', 'RSA_2048'), 'UnsupportedOperation', 'This action is not supported.'));
});

test('an API the local service does not implement', async () =>
  serviceError(await sb.run('kms', 'Encrypt', '--KeyId', 'k', '--Plaintext', 'x'), 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'));
