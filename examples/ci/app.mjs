// The application under test: reads its configuration from KMS with the official SDK.
import Kms from '@alicloud/kms20160120';

export function kmsClient() {
  return new Kms.default({
    accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    regionId: process.env.ALIBABA_CLOUD_REGION_ID ?? 'cn-hangzhou',
    // In production: kms.<region>.aliyuncs.com over HTTPS. In CI: the emulator.
    endpoint: process.env.KMS_ENDPOINT ?? `kms.${process.env.ALIBABA_CLOUD_REGION_ID ?? 'cn-hangzhou'}.aliyuncs.com`,
    protocol: process.env.KMS_ENDPOINT ? 'http' : 'https',
  });
}

export async function databaseUrl(client = kmsClient()) {
  const { secretData } = await client.getSecretValue(new Kms.GetSecretValueRequest({ secretName: 'app/db-password' }));
  return `postgres://app:${encodeURIComponent(secretData)}@db:5432/app`;
}

export async function apiToken(client = kmsClient()) {
  const { secretData } = await client.getSecretValue(new Kms.GetSecretValueRequest({ secretName: 'app/api-token' }));
  return JSON.parse(secretData).token;
}
