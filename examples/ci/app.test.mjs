// The application's tests, run with `node --test` against the emulator started by the CI job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Kms from '@alicloud/kms20160120';
import { apiToken, databaseUrl, kmsClient } from './app.mjs';

test('the database URL carries the current password', async () => {
  assert.equal(await databaseUrl(), 'postgres://app:ci-password@db:5432/app');
});

test('the API token is read from its JSON secret', async () => {
  assert.equal(await apiToken(), 'ci-token');
});

test('the seeded ARN is stable (--account-id)', async () => {
  const d = await kmsClient().describeSecret(new Kms.DescribeSecretRequest({ secretName: 'app/db-password' }));
  assert.equal(d.arn, 'acs:kms:cn-hangzhou:1234567890123456:secret/app/db-password');
});
