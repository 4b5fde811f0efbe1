// RotateSecret and UpdateSecretRotationPolicy through the built binary (kms-secrets-api.md §11.1, §11.2).
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

const createRds = (name: string, subType = 'SingleUser', ...extra: string[]) =>
  sb.run('kms', 'CreateSecret', '--SecretName', name, '--SecretType', 'Rds', '--VersionId', 'v1',
    '--SecretData', '{"Accounts":[{"AccountName":"app","AccountPassword":"pw-1"}]}', '--ExtendedConfig', `{"SecretSubType":"${subType}","DBInstanceId":"rm-bp1"}`, ...extra);

const value = async (name: string, ...args: string[]) => {
  const v = await sb.json('kms', 'GetSecretValue', '--SecretName', name, ...args);
  return { id: v.VersionId, stages: v.VersionStages.VersionStage, data: JSON.parse(v.SecretData) };
};

test('RotateSecret makes a new ACSCurrent version with a new password; the old one becomes ACSPrevious', async () => {
  await sb.runWith({ ALIYUN_KMS_LOCAL_TIME_OFFSET: '-7200' }, ...['kms', 'CreateSecret', '--SecretName', 'db', '--SecretType', 'Rds', '--VersionId', 'v1',
    '--SecretData', '{"Accounts":[{"AccountName":"app","AccountPassword":"pw-1"}]}', '--ExtendedConfig', '{"SecretSubType":"SingleUser","DBInstanceId":"rm-bp1"}',
    '--EnableAutomaticRotation', 'true', '--RotationInterval', '1d']);
  expect(await kms('RotateSecret', '--SecretName', 'db', '--VersionId', 'v2')).toEqual({
    code: 0,
    stdout: '{\n\t"Arn": "acs:kms:cn-hangzhou:<uid>:secret/db",\n\t"RequestId": "<uuid>",\n\t"SecretName": "db",\n\t"VersionId": "v2"\n}\n',
    stderr: '',
  });
  const current = await value('db');
  expect([current.id, current.stages, current.data.AccountName]).toEqual(['v2', ['ACSCurrent'], 'app']);
  expect(current.data.AccountPassword).toHaveLength(32);
  expect(current.data.AccountPassword).not.toBe('pw-1');
  expect(await value('db', '--VersionStage', 'ACSPrevious')).toEqual({ id: 'v1', stages: ['ACSPrevious'], data: { AccountName: 'app', AccountPassword: 'pw-1' } });
  // Rotation dates: last = now, next = last + interval.
  const d = await sb.json('kms', 'DescribeSecret', '--SecretName', 'db');
  expect(d.LastRotationDate).toBe(d.UpdateTime);
  expect(Date.parse(d.NextRotationDate) - Date.parse(d.LastRotationDate)).toBe(86400_000);
  expect(Date.parse(d.LastRotationDate) - Date.parse(d.CreateTime)).toBeGreaterThanOrEqual(7200_000);

  // The same VersionId again: ignored, success, nothing changes.
  expect(await kms('RotateSecret', '--SecretName', 'db', '--VersionId', 'v2')).toEqual({
    code: 0,
    stdout: '{\n\t"Arn": "acs:kms:cn-hangzhou:<uid>:secret/db",\n\t"RequestId": "<uuid>",\n\t"SecretName": "db",\n\t"VersionId": "v2"\n}\n',
    stderr: '',
  });
  expect(await value('db')).toEqual(current);
  // Also for an older version id: nothing moves back.
  expect((await kms('RotateSecret', '--SecretName', 'db', '--VersionId', 'v1')).code).toBe(0);
  expect((await value('db')).id).toBe('v2');
});

test('DoubleUsers rotation alternates between the account and its clone', async () => {
  await sb.run('kms', 'CreateSecret', '--SecretName', 'cache', '--SecretType', 'Redis', '--VersionId', 'v1', '--SecretData', '$Auto',
    '--ExtendedConfig', '{"SecretSubType":"DoubleUsers","InstanceId":"r-1","RegionId":"cn-hangzhou","AccountName":"app"}');
  const names = [(await value('cache')).data.AccountName];
  for (const id of ['v2', 'v3', 'v4']) {
    await kms('RotateSecret', '--SecretName', 'cache', '--VersionId', id);
    names.push((await value('cache')).data.AccountName);
  }
  expect(names).toEqual(['app', 'app_clone', 'app', 'app_clone']);
  expect((await value('cache', '--VersionStage', 'ACSPrevious')).data.AccountName).toBe('app');
  await createRds('rds', 'DoubleUsers');
  await kms('RotateSecret', '--SecretName', 'rds', '--VersionId', 'v2');
  expect((await value('rds')).data.AccountName).toBe('app_clone');
});

test('RAM and ECS rotations produce a new access key, password or key pair', async () => {
  await sb.run('kms', 'CreateSecret', '--SecretName', '$Auto', '--SecretType', 'RAMCredentials', '--VersionId', 'v1',
    '--SecretData', '{"AccessKeys":[{"AccessKeyId":"LTAI0001","AccessKeySecret":"s3cr3t"}]}', '--ExtendedConfig', '{"SecretSubType":"RamUserAccessKey","UserName":"bob"}');
  await kms('RotateSecret', '--SecretName', 'acs/ram/user/bob', '--VersionId', 'v2');
  const ram = (await value('acs/ram/user/bob')).data;
  expect(Object.keys(ram)).toEqual(['AccessKeyId', 'AccessKeySecret', 'GenerateTimestamp']);
  expect(ram.AccessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
  expect(ram.AccessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);

  await sb.run('kms', 'CreateSecret', '--SecretName', 'acs/ecs/i-1/root', '--SecretType', 'ECS', '--VersionId', 'v1', '--SecretData', '{"UserName":"root","PublicKey":"ssh-ed25519 AAAA","PrivateKey":"k"}',
    '--ExtendedConfig', '{"SecretSubType":"SSHKey","RegionId":"cn-hangzhou","InstanceId":"i-1"}');
  await kms('RotateSecret', '--SecretName', 'acs/ecs/i-1/root', '--VersionId', 'v2');
  const ssh = (await value('acs/ecs/i-1/root')).data;
  expect(ssh.UserName).toBe('root');
  expect(ssh.PublicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/);
  expect(ssh.PrivateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);

  await sb.run('kms', 'CreateSecret', '--SecretName', 'acs/ecs/i-1/admin', '--SecretType', 'ECS', '--VersionId', 'v1', '--SecretData', '{"UserName":"admin","Password":"pw"}',
    '--ExtendedConfig', '{"SecretSubType":"Password","RegionId":"cn-hangzhou","InstanceId":"i-1"}');
  await kms('RotateSecret', '--SecretName', 'acs/ecs/i-1/admin', '--VersionId', 'v2');
  const ecs = (await value('acs/ecs/i-1/admin')).data;
  expect([ecs.UserName, ecs.Password.length]).toEqual(['admin', 32]);
});

test('UpdateSecretRotationPolicy: enable (first rotation due from the last one, at once if past), disable, refuse bad intervals', async () => {
  await sb.runWith({ ALIYUN_KMS_LOCAL_TIME_OFFSET: String(-3 * 86400) }, ...['kms', 'CreateSecret', '--SecretName', 'old', '--SecretType', 'Rds', '--VersionId', 'v1',
    '--SecretData', '{"Accounts":[{"AccountName":"app","AccountPassword":"pw-1"}]}', '--ExtendedConfig', '{"SecretSubType":"SingleUser","DBInstanceId":"rm-bp1"}']);
  expect(await kms('UpdateSecretRotationPolicy', '--SecretName', 'old', '--EnableAutomaticRotation', 'true', '--RotationInterval', '1d')).toEqual({
    code: 0,
    stdout: '{\n\t"RequestId": "<uuid>",\n\t"SecretName": "old"\n}\n',
    stderr: '',
  });
  let d = await sb.json('kms', 'DescribeSecret', '--SecretName', 'old');
  // Created three days ago with a one-day interval: due now.
  expect([d.AutomaticRotation, d.RotationInterval, d.NextRotationDate]).toEqual(['Enabled', '86400s', d.UpdateTime]);
  expect(await kms('UpdateSecretRotationPolicy', '--SecretName', 'old', '--EnableAutomaticRotation', 'true', '--RotationInterval', '30d')).toEqual({
    code: 0,
    stdout: '{\n\t"RequestId": "<uuid>",\n\t"SecretName": "old"\n}\n',
    stderr: '',
  });
  d = await sb.json('kms', 'DescribeSecret', '--SecretName', 'old');
  expect([d.RotationInterval, Date.parse(d.NextRotationDate) - Date.parse(d.CreateTime)]).toEqual(['2592000s', 30 * 86400_000]);
  await kms('UpdateSecretRotationPolicy', '--SecretName', 'old', '--EnableAutomaticRotation', 'false', '--RotationInterval', '1x');
  d = await sb.json('kms', 'DescribeSecret', '--SecretName', 'old');
  expect([d.AutomaticRotation, d.RotationInterval, d.NextRotationDate]).toEqual(['Disabled', undefined, undefined]);

  for (const bad of [[], ['--RotationInterval', '5h'], ['--RotationInterval', '8761h'], ['--RotationInterval', 'week']])
    expect(await kms('UpdateSecretRotationPolicy', '--SecretName', 'old', '--EnableAutomaticRotation', 'true', ...bad)).toEqual(INVALID);
  expect(await kms('UpdateSecretRotationPolicy', '--SecretName', 'old', '--EnableAutomaticRotation', 'yes')).toEqual(INVALID);
  expect((await kms('UpdateSecretRotationPolicy', '--SecretName', 'old', '--EnableAutomaticRotation', 'true', '--RotationInterval', '6h')).code).toBe(0);
  expect((await sb.json('kms', 'DescribeSecret', '--SecretName', 'old')).RotationInterval).toBe('21600s');
});

test('generic secrets cannot rotate; unknown and pending-deletion secrets are refused', async () => {
  await sb.run('kms', 'CreateSecret', '--SecretName', 'g', '--VersionId', 'v1', '--SecretData', 'x');
  expect(await kms('RotateSecret', '--SecretName', 'g', '--VersionId', 'v2')).toEqual(INVALID);
  expect(await kms('UpdateSecretRotationPolicy', '--SecretName', 'g', '--EnableAutomaticRotation', 'false')).toEqual(INVALID);
  expect(await kms('RotateSecret', '--SecretName', 'nope', '--VersionId', 'v2')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found'));
  expect(await kms('UpdateSecretRotationPolicy', '--SecretName', 'nope', '--EnableAutomaticRotation', 'false')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found'));
  await createRds('db');
  await kms('DeleteSecret', '--SecretName', 'db');
  const inWindow = serverError('Rejected.ResourceInDeleteWindow', 'secret in delete peroid');
  expect(await kms('RotateSecret', '--SecretName', 'db', '--VersionId', 'v2')).toEqual(inWindow);
  expect(await kms('UpdateSecretRotationPolicy', '--SecretName', 'db', '--EnableAutomaticRotation', 'false')).toEqual(inWindow);
});

test('rotations share the version cap: the eleventh rotation evicts the oldest unlabelled version', async () => {
  await createRds('db');
  for (let i = 2; i <= 11; i++) expect((await kms('RotateSecret', '--SecretName', 'db', '--VersionId', `v${i}`)).code).toBe(0);
  const list = await sb.json('kms', 'ListSecretVersionIds', '--SecretName', 'db', '--IncludeDeprecated', 'true');
  expect(list.VersionIds.VersionId.map((v: any) => v.VersionId)).toEqual(['v11', 'v10', 'v9', 'v8', 'v7', 'v6', 'v5', 'v4', 'v3', 'v2']);
});
