// The KMS "Manage generic secrets" walk-through on the local backend, through the built binary,
// with exact stdout, stderr and exit codes.
import { Sandbox, normalize } from './helpers.js';

let sb: Sandbox;
beforeAll(() => {
  sb = new Sandbox();
});
afterAll(() => sb.cleanup());

const ACCOUNT = /acs:kms:cn-hangzhou:(\d{16}):/;

test('the guide, command by command', async () => {
  let r = await sb.run('kms', 'CreateSecret', '--SecretName', 'db_cred', '--SecretData', '{"uname": "alice", "pwd": "12****"}', '--VersionId', 'v1');
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const account = ACCOUNT.exec(r.stdout)![1];
  expect(normalize(r.stdout)).toBe(
    `{\n\t"Arn": "acs:kms:cn-hangzhou:${account}:secret/db_cred",\n\t"RequestId": "<uuid>",\n\t"SecretName": "db_cred",\n\t"SecretType": "Generic",\n\t"VersionId": "v1"\n}\n`,
  );

  r = await sb.run('kms', 'CreateKey');
  expect(r.code).toBe(0);
  const key = JSON.parse(r.stdout).KeyMetadata;
  expect(key.KeyId).toMatch(/^key-[a-z]{3}[a-z0-9]{18}$/);
  expect(normalize(r.stdout)).toBe(
    [
      '{',
      '\t"KeyMetadata": {',
      `\t\t"Arn": "acs:kms:cn-hangzhou:${account}:key/${key.KeyId}",`,
      '\t\t"AutomaticRotation": "Disabled",',
      '\t\t"CreationDate": "<time>",',
      `\t\t"Creator": "${account}",`,
      '\t\t"DeleteDate": "",',
      '\t\t"Description": "",',
      `\t\t"KeyId": "${key.KeyId}",`,
      '\t\t"KeySpec": "Aliyun_AES_256",',
      '\t\t"KeyState": "Enabled",',
      '\t\t"KeyUsage": "ENCRYPT/DECRYPT",',
      '\t\t"LastRotationDate": "<time>",',
      '\t\t"MaterialExpireTime": "",',
      '\t\t"Origin": "Aliyun_KMS",',
      '\t\t"PrimaryKeyVersion": "<uuid>",',
      '\t\t"ProtectionLevel": "SOFTWARE"',
      '\t},',
      '\t"RequestId": "<uuid>"',
      '}',
      '',
    ].join('\n'),
  );

  r = await sb.run('kms', 'CreateSecret', '--SecretName', 'ssh_key', '--SecretData', 'ssh-key-blob', '--VersionId', 'v1', '--EncryptionKeyId', key.KeyId);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).Arn).toBe(`acs:kms:cn-hangzhou:${account}:secret/ssh_key`);

  r = await sb.run('kms', 'ListSecrets');
  expect(r.code).toBe(0);
  expect(normalize(r.stdout)).toBe(
    [
      '{',
      '\t"PageNumber": 1,',
      '\t"PageSize": 10,',
      '\t"RequestId": "<uuid>",',
      '\t"SecretList": {',
      '\t\t"Secret": [',
      '\t\t\t{',
      '\t\t\t\t"CreateTime": "<time>",',
      '\t\t\t\t"SecretName": "db_cred",',
      '\t\t\t\t"SecretType": "Generic",',
      '\t\t\t\t"UpdateTime": "<time>"',
      '\t\t\t},',
      '\t\t\t{',
      '\t\t\t\t"CreateTime": "<time>",',
      '\t\t\t\t"SecretName": "ssh_key",',
      '\t\t\t\t"SecretType": "Generic",',
      '\t\t\t\t"UpdateTime": "<time>"',
      '\t\t\t}',
      '\t\t]',
      '\t},',
      '\t"TotalCount": 2',
      '}',
      '',
    ].join('\n'),
  );

  r = await sb.run('kms', 'GetSecretValue', '--SecretName', 'ssh_key');
  expect(r.code).toBe(0);
  expect(normalize(r.stdout)).toBe(
    '{\n\t"CreateTime": "<time>",\n\t"RequestId": "<uuid>",\n\t"SecretData": "ssh-key-blob",\n\t"SecretDataType": "text",\n\t"SecretName": "ssh_key",\n\t"SecretType": "Generic",\n\t"VersionId": "v1",\n\t"VersionStages": {\n\t\t"VersionStage": [\n\t\t\t"ACSCurrent"\n\t\t]\n\t}\n}\n',
  );

  r = await sb.run('kms', 'GetSecretValue', '--SecretName', 'db_cred');
  expect(JSON.parse(r.stdout).SecretData).toBe('{"uname": "alice", "pwd": "12****"}');
  expect(r.stdout).toContain('"SecretData": "{\\"uname\\": \\"alice\\", \\"pwd\\": \\"12****\\"}"');

  r = await sb.run('kms', 'DescribeSecret', '--SecretName', 'ssh_key');
  expect(r.code).toBe(0);
  expect(normalize(r.stdout)).toBe(
    `{\n\t"Arn": "acs:kms:cn-hangzhou:${account}:secret/ssh_key",\n\t"CreateTime": "<time>",\n\t"Description": "",\n\t"EncryptionKeyId": "${key.KeyId}",\n\t"RequestId": "<uuid>",\n\t"SecretName": "ssh_key",\n\t"SecretType": "Generic",\n\t"UpdateTime": "<time>"\n}\n`,
  );
  // The service default key is not named in DescribeSecret.
  expect((await sb.json('kms', 'DescribeSecret', '--SecretName', 'db_cred')).EncryptionKeyId).toBeUndefined();

  const before = Date.now();
  r = await sb.run('kms', 'DeleteSecret', '--SecretName', 'ssh_key');
  expect(r.code).toBe(0);
  expect(normalize(r.stdout)).toBe('{\n\t"PlannedDeleteTime": "<time>",\n\t"RequestId": "<uuid>",\n\t"SecretName": "ssh_key"\n}\n');
  const planned = Date.parse(JSON.parse(r.stdout).PlannedDeleteTime);
  expect(Math.abs(planned - before - 30 * 86400_000)).toBeLessThan(5000);

  r = await sb.run('kms', 'DeleteSecret', '--SecretName', 'db_cred', '--RecoveryWindowInDays', '7');
  expect(r.code).toBe(0);
  expect(Math.abs(Date.parse(JSON.parse(r.stdout).PlannedDeleteTime) - before - 7 * 86400_000)).toBeLessThan(5000);

  // Pending deletion: listed with PlannedDeleteTime, described, but values refused.
  const list = await sb.json('kms', 'ListSecrets');
  expect(list.SecretList.Secret.map((s: any) => [s.SecretName, typeof s.PlannedDeleteTime])).toEqual([
    ['db_cred', 'string'],
    ['ssh_key', 'string'],
  ]);

  r = await sb.run('kms', 'RestoreSecret', '--SecretName', 'ssh_key');
  expect(r.code).toBe(0);
  expect(normalize(r.stdout)).toBe('{\n\t"RequestId": "<uuid>",\n\t"SecretName": "ssh_key"\n}\n');
  expect((await sb.json('kms', 'DescribeSecret', '--SecretName', 'ssh_key')).PlannedDeleteTime).toBeUndefined();
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'ssh_key')).SecretData).toBe('ssh-key-blob');

  r = await sb.run('kms', 'DeleteSecret', '--SecretName', 'db_cred', '--ForceDeleteWithoutRecovery', 'true');
  expect(r.code).toBe(0);
  expect(Math.abs(Date.parse(JSON.parse(r.stdout).PlannedDeleteTime) - Date.now())).toBeLessThan(5000);
  r = await sb.run('kms', 'DescribeSecret', '--SecretName', 'db_cred');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^ERROR: SDK\.ServerError\nErrorCode: Forbidden\.ResourceNotFound\n/);
});

test('errors answered by the service print the SDK.ServerError block, exit 1', async () => {
  const r = await sb.run('kms', 'GetSecretValue', '--SecretName', 'nope');
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const id = /RequestId: (\S+)/.exec(r.stderr)![1];
  expect(r.stderr).toBe(
    'ERROR: SDK.ServerError\n' +
      'ErrorCode: Forbidden.ResourceNotFound\n' +
      `Recommend: https://api.aliyun.com/troubleshoot?q=Forbidden.ResourceNotFound&product=Kms&requestId=${id}\n` +
      `RequestId: ${id}\n` +
      'Message: Resource not found.\n' +
      `RespHeaders: map[Content-Type:[application/json;charset=utf-8] X-Acs-Request-Id:[${id}]]\n`,
  );
});

test('DescribeSecret of a missing secret: "Resource not found" without a period', async () => {
  const r = await sb.run('kms', 'DescribeSecret', '--SecretName', 'nope');
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('\nMessage: Resource not found\n');
});

test('colour only on request: FORCE_COLOR wraps the block, NO_COLOR wins', async () => {
  let r = await sb.runWith({ FORCE_COLOR: '1' }, 'kms', 'DescribeSecret', '--SecretName', 'nope');
  expect(r.stderr.startsWith('\x1b[1;31mERROR: SDK.ServerError\n')).toBe(true);
  expect(r.stderr.endsWith(']]\n\x1b[0m')).toBe(true);
  r = await sb.runWith({ FORCE_COLOR: '1', NO_COLOR: '1' }, 'kms', 'DescribeSecret', '--SecretName', 'nope');
  expect(r.stderr.startsWith('ERROR: SDK.ServerError\n')).toBe(true);
});
