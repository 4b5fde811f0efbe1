// A RAM refusal with an object-valued AccessDeniedDetail adds the Go SDK's seventh line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run } from './helpers.js';
import { FakeKms } from './fake-kms.js';

let fake: FakeKms;
let home: string;
beforeAll(async () => {
  fake = await new FakeKms().start();
  home = mkdtempSync(join(tmpdir(), 'denied-home-'));
});
afterAll(async () => {
  await fake.stop();
  rmSync(home, { recursive: true, force: true });
});

test('AccessDeniedDetail is printed after RespHeaders, keys sorted, non-strings flagged as Go does', async () => {
  fake.script.push({
    status: 403,
    body: '{"Code":"Forbidden.NoPermission","Message":"This operation is forbidden by permission system.","RequestId":"r-1","Recommend":"u","AccessDeniedDetail":{"PolicyType":"AccountLevelIdentityBasedPolicy","AuthAction":"kms:GetSecretValue","NoPermissionType":"ImplicitDeny","Count":2}}',
    headers: { 'Content-Type': 'application/json' },
  });
  const env = cleanEnv({ HOME: home, NO_COLOR: '1', ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou', ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tTestKeyId', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret-value' });
  const r = await run(['kms', 'GetSecretValue', '--SecretName', 'x', '--endpoint', fake.endpoint, '--insecure'], env);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(
    /^ERROR: SDK\.ServerError\nErrorCode: Forbidden\.NoPermission\nRecommend: u\nRequestId: r-1\nMessage: This operation is forbidden by permission system\.\nRespHeaders: map\[.*Content-Type:\[application\/json\].*\]\nAccessDeniedDetail: map\[AuthAction:kms:GetSecretValue Count:%!s\(float64=2\) NoPermissionType:ImplicitDeny PolicyType:AccountLevelIdentityBasedPolicy\]\n$/,
  );
});
