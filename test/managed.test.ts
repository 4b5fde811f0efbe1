// Managed secret types on the local store through the built binary (kms-secrets-api.md §4, §12).
import { normalize, Sandbox, type RunResult, serverError } from './helpers.js';

let sb: Sandbox;
beforeEach(() => (sb = new Sandbox()));
afterEach(() => sb.cleanup());

const norm = (s: string) => normalize(s).replace(/acs:kms:cn-hangzhou:\d{16}:/g, 'acs:kms:cn-hangzhou:<uid>:');

async function kms(...args: string[]): Promise<RunResult> {
  const r = await sb.run('kms', ...args);
  return { code: r.code, stdout: norm(r.stdout), stderr: norm(r.stderr) };
}

const INVALID = serverError('InvalidParameter', 'The specified parameter is not valid.');

const RDS_CONFIG = '{"SecretSubType":"SingleUser","DBInstanceId":"rm-bp1"}';
const RDS_DATA = '{"Accounts":[{"AccountName":"app","AccountPassword":"pw-1"}]}';
const createRds = (...extra: string[]) =>
  kms('CreateSecret', '--SecretName', 'rds/app', '--SecretType', 'Rds', '--VersionId', 'v1', '--SecretData', RDS_DATA, '--ExtendedConfig', RDS_CONFIG, ...extra);

test('an Rds secret with automatic rotation: CreateSecret, DescribeSecret and GetSecretValue print the policy', async () => {
  expect(await createRds('--EnableAutomaticRotation', 'true', '--RotationInterval', '7d')).toEqual({
    code: 0,
    stdout:
      '{\n\t"Arn": "acs:kms:cn-hangzhou:<uid>:secret/rds/app",\n\t"AutomaticRotation": "Enabled",\n\t"ExtendedConfig": "{\\"SecretSubType\\":\\"SingleUser\\",\\"DBInstanceId\\":\\"rm-bp1\\"}",\n' +
      '\t"NextRotationDate": "<time>",\n\t"RequestId": "<uuid>",\n\t"RotationInterval": "604800s",\n\t"SecretName": "rds/app",\n\t"SecretType": "Rds",\n\t"VersionId": "v1"\n}\n',
    stderr: '',
  });
  const d = await sb.json('kms', 'DescribeSecret', '--SecretName', 'rds/app');
  expect(Date.parse(d.NextRotationDate) - Date.parse(d.CreateTime)).toBe(7 * 86400_000);
  expect([d.AutomaticRotation, d.RotationInterval, d.ExtendedConfig, d.LastRotationDate]).toEqual(['Enabled', '604800s', RDS_CONFIG, undefined]);

  expect(await kms('GetSecretValue', '--SecretName', 'rds/app')).toEqual({
    code: 0,
    stdout:
      '{\n\t"AutomaticRotation": "Enabled",\n\t"CreateTime": "<time>",\n\t"NextRotationDate": "<time>",\n\t"RequestId": "<uuid>",\n\t"RotationInterval": "604800s",\n' +
      '\t"SecretData": "{\\"AccountName\\":\\"app\\",\\"AccountPassword\\":\\"pw-1\\"}",\n\t"SecretDataType": "text",\n\t"SecretName": "rds/app",\n\t"SecretType": "Rds",\n' +
      '\t"VersionId": "v1",\n\t"VersionStages": {\n\t\t"VersionStage": [\n\t\t\t"ACSCurrent"\n\t\t]\n\t}\n}\n',
    stderr: '',
  });
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'rds/app', '--FetchExtendedConfig', 'true')).ExtendedConfig).toBe(RDS_CONFIG);
  // Interval units: 168h is 7 days, printed in seconds.
  await kms('UpdateSecretRotationPolicy', '--SecretName', 'rds/app', '--EnableAutomaticRotation', 'true', '--RotationInterval', '168h');
  expect((await sb.json('kms', 'DescribeSecret', '--SecretName', 'rds/app')).RotationInterval).toBe('604800s');
  // Without rotation: Disabled and no interval or date.
  await sb.run('kms', 'CreateSecret', '--SecretName', 'rds2', '--SecretType', 'Rds', '--VersionId', 'v1', '--SecretData', RDS_DATA, '--ExtendedConfig', RDS_CONFIG);
  const d2 = await sb.json('kms', 'DescribeSecret', '--SecretName', 'rds2');
  expect([d2.AutomaticRotation, d2.RotationInterval, d2.NextRotationDate]).toEqual(['Disabled', undefined, undefined]);
  expect((await sb.json('kms', 'ListSecrets')).SecretList.Secret.map((x: any) => `${x.SecretName}:${x.SecretType}`)).toEqual(['rds/app:Rds', 'rds2:Rds']);
});

test('Redis and PolarDB accounts get a generated password; RAM and ECS values keep their shape', async () => {
  const redis = await sb.json('kms', 'CreateSecret', '--SecretName', 'redis', '--SecretType', 'Redis', '--VersionId', 'v1', '--SecretData', '$Auto',
    '--ExtendedConfig', '{"SecretSubType":"DoubleUsers","InstanceId":"r-1","RegionId":"cn-hangzhou","AccountName":"cache","AccountPrivilege":"RoleReadWrite"}');
  expect(redis.SecretName).toBe('redis');
  const value = JSON.parse((await sb.json('kms', 'GetSecretValue', '--SecretName', 'redis')).SecretData);
  expect(Object.keys(value)).toEqual(['AccountName', 'AccountPassword']);
  expect(value.AccountName).toBe('cache');
  expect(value.AccountPassword).toHaveLength(32);

  const polar = await kms('CreateSecret', '--SecretName', 'polar', '--SecretType', 'PolarDB', '--VersionId', 'v1', '--SecretData', '$Auto',
    '--ExtendedConfig', '{"SecretSubType":"DoubleUsers","RegionId":"cn-hangzhou","DBClusterId":"pc-1","DBType":"MySQL","AccountName":"u"}');
  expect(polar.code).toBe(0);

  const ram = await sb.json('kms', 'CreateSecret', '--SecretName', '$Auto', '--SecretType', 'RAMCredentials', '--VersionId', 'v1',
    '--SecretData', '{"AccessKeys":[{"AccessKeyId":"LTAI0001","AccessKeySecret":"s3cr3t"}]}', '--ExtendedConfig', '{"SecretSubType":"RamUserAccessKey","UserName":"bob"}');
  expect([ram.SecretName, ram.Arn.endsWith(':secret/acs/ram/user/bob')]).toEqual(['acs/ram/user/bob', true]);
  const got = await sb.json('kms', 'GetSecretValue', '--SecretName', 'acs/ram/user/bob');
  const created = (await sb.json('kms', 'DescribeSecret', '--SecretName', 'acs/ram/user/bob')).CreateTime;
  expect(JSON.parse(got.SecretData)).toEqual({ AccessKeyId: 'LTAI0001', AccessKeySecret: 's3cr3t', GenerateTimestamp: created });

  const ecs = await kms('CreateSecret', '--SecretName', 'acs/ecs/i-1/root', '--SecretType', 'ECS', '--VersionId', 'v1', '--SecretData', '{"UserName":"root","Password":"pw"}',
    '--ExtendedConfig', '{"SecretSubType":"Password","RegionId":"cn-hangzhou","InstanceId":"i-1"}');
  expect(ecs.code).toBe(0);
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'acs/ecs/i-1/root')).SecretData).toBe('{"UserName":"root","Password":"pw"}');
});

test('CreateSecret refuses what the service refuses for managed types', async () => {
  const create = (type: string, name: string, data: string, config: string | undefined, ...extra: string[]) =>
    kms('CreateSecret', '--SecretName', name, '--SecretType', type, '--VersionId', 'v1', '--SecretData', data, ...(config ? ['--ExtendedConfig', config] : []), ...extra);
  expect(await create('Rds', 'a', RDS_DATA, undefined)).toEqual(INVALID);
  expect(await create('Rds', 'a', RDS_DATA, '[1]')).toEqual(INVALID);
  expect(await create('Rds', 'a', RDS_DATA, '{"SecretSubType":"Triple","DBInstanceId":"rm-1"}')).toEqual(INVALID);
  expect(await create('Rds', 'a', RDS_DATA, '{"SecretSubType":"SingleUser"}')).toEqual(INVALID);
  expect(await create('Rds', 'acs/a', RDS_DATA, RDS_CONFIG)).toEqual(INVALID);
  expect(await create('Rds', 'a', 'pw', RDS_CONFIG)).toEqual(INVALID);
  expect(await create('Rds', 'a', '{"Accounts":[{"AccountName":"a","AccountPassword":"1"},{"AccountName":"b","AccountPassword":"2"}]}', RDS_CONFIG)).toEqual(INVALID);
  expect(await create('Rds', 'a', RDS_DATA, RDS_CONFIG, '--SecretDataType', 'binary')).toEqual(INVALID);
  expect(await create('Rds', 'a', RDS_DATA, '{"SecretSubType":"SingleUser","DBInstanceId":"rm-1","CustomData":"x"}')).toEqual(INVALID);
  expect(await create('Rds', 'a', RDS_DATA, RDS_CONFIG, '--EnableAutomaticRotation', 'true')).toEqual(INVALID);
  for (const interval of ['5h', '8761h', '7x', '366d'])
    expect(await create('Rds', 'a', RDS_DATA, RDS_CONFIG, '--EnableAutomaticRotation', 'true', '--RotationInterval', interval)).toEqual(INVALID);
  const redis = '{"SecretSubType":"DoubleUsers","InstanceId":"r-1","RegionId":"cn-hangzhou","AccountName":"cache"}';
  expect(await create('Redis', 'r', 'given-password', redis)).toEqual(INVALID);
  expect(await create('PolarDB', 'p', '$Auto', '{"SecretSubType":"DoubleUsers","RegionId":"x","DBClusterId":"pc","DBType":"Oracle","AccountName":"u"}')).toEqual(INVALID);
  const ram = '{"SecretSubType":"RamUserAccessKey","UserName":"bob"}';
  expect(await create('RAMCredentials', 'bob', '{"AccessKeys":[{"AccessKeyId":"a","AccessKeySecret":"b"}]}', ram)).toEqual(INVALID);
  expect(await create('RAMCredentials', '$Auto', '{"AccessKeys":[]}', ram)).toEqual(INVALID);
  const ecs = '{"SecretSubType":"SSHKey","RegionId":"cn-hangzhou","InstanceId":"i-1"}';
  expect(await create('ECS', 'root', '{"UserName":"root","PublicKey":"p","PrivateKey":"k"}', ecs)).toEqual(INVALID);
  expect(await create('ECS', 'acs/ecs/root', '{"UserName":"root","Password":"pw"}', ecs)).toEqual(INVALID);
  // `$Auto` names only RAM secrets; a generic secret cannot rotate itself.
  expect(await kms('CreateSecret', '--SecretName', '$Auto', '--VersionId', 'v1', '--SecretData', 'x')).toEqual(INVALID);
  expect(await kms('CreateSecret', '--SecretName', 'g', '--VersionId', 'v1', '--SecretData', 'x', '--EnableAutomaticRotation', 'true', '--RotationInterval', '7d')).toEqual(INVALID);
  expect((await sb.json('kms', 'ListSecrets')).TotalCount).toBe(0);
});

test('managed secrets: PutSecretValue and UpdateSecretVersionStage are generic-only, VersionId is ignored, CustomData is updated', async () => {
  await createRds();
  const someNotValid = serverError('InvalidParameter', 'some of the specified parameters "\\" is not valid');
  expect(await kms('PutSecretValue', '--SecretName', 'rds/app', '--VersionId', 'v2', '--SecretData', 'x')).toEqual(someNotValid);
  expect(await kms('UpdateSecretVersionStage', '--SecretName', 'rds/app', '--VersionStage', 'x', '--MoveToVersion', 'v1')).toEqual(someNotValid);
  await kms('RotateSecret', '--SecretName', 'rds/app', '--VersionId', 'v2');
  const byId = await sb.json('kms', 'GetSecretValue', '--SecretName', 'rds/app', '--VersionId', 'v1');
  expect(byId.VersionId).toBe('v2');
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'rds/app', '--VersionStage', 'ACSPrevious', '--VersionId', 'v2')).VersionId).toBe('v1');

  expect((await kms('UpdateSecret', '--SecretName', 'rds/app', '--ExtendedConfig.CustomData', '{"owner":"team-a"}', '--Description', 'orders db')).code).toBe(0);
  const d = await sb.json('kms', 'DescribeSecret', '--SecretName', 'rds/app');
  expect([d.Description, JSON.parse(d.ExtendedConfig)]).toEqual(['orders db', { SecretSubType: 'SingleUser', DBInstanceId: 'rm-bp1', CustomData: { owner: 'team-a' } }]);
  const eleven = JSON.stringify(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])));
  for (const bad of [eleven, '[1]', '"x"', '{'])
    expect(await kms('UpdateSecret', '--SecretName', 'rds/app', '--ExtendedConfig.CustomData', bad)).toEqual(INVALID);
});
