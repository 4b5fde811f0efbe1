// The environment variables the real CLI reads for credentials, region and endpoints
// (aliyun-cli-behavior.md §6.1): the first non-empty name of each list wins.
const firstEnv = (...names: string[]) => {
  for (const n of names) {
    const v = process.env[n];
    if (v) return v;
  }
  return undefined;
};

export const ENV = {
  accessKeyId: () => firstEnv('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABACLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY_ID', 'ACCESS_KEY_ID'),
  accessKeySecret: () => firstEnv('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABACLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_ACCESS_KEY_SECRET', 'ACCESS_KEY_SECRET'),
  stsToken: () => firstEnv('ALIBABA_CLOUD_SECURITY_TOKEN', 'ALIBABACLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN', 'SECURITY_TOKEN'),
  region: () => firstEnv('ALIBABA_CLOUD_REGION_ID', 'ALIBABACLOUD_REGION_ID', 'ALICLOUD_REGION_ID', 'REGION_ID', 'REGION'),
  stsEndpoint: () => firstEnv('ALIBABA_CLOUD_STS_ENDPOINT'),
  endpointType: () => firstEnv('ALIBABA_CLOUD_ENDPOINT_TYPE', 'ALIBABACLOUD_ENDPOINT_TYPE', 'ALICLOUD_ENDPOINT_TYPE', 'ENDPOINT_TYPE'),
  endpoint: () => firstEnv('ALIBABA_CLOUD_ENDPOINT'),
  credentialsUri: () => firstEnv('ALIBABA_CLOUD_CREDENTIALS_URI'),
  oidcProviderArn: () => firstEnv('ALIBABACLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN'),
  oidcTokenFile: () => firstEnv('ALIBABACLOUD_OIDC_TOKEN_FILE', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE'),
  roleArn: () => firstEnv('ALIBABACLOUD_ROLE_ARN', 'ALIBABA_CLOUD_ROLE_ARN'),
  externalId: () => firstEnv('ALIBABACLOUD_EXTERNAL_ID', 'ALIBABA_CLOUD_EXTERNAL_ID'),
};

/** ALIBABA_CLOUD_IGNORE_PROFILE=TRUE: config.json is not read at all. */
export function ignoreProfile(): boolean {
  return process.env.ALIBABA_CLOUD_IGNORE_PROFILE === 'TRUE' || process.env.ALIBABACLOUD_IGNORE_PROFILE === 'TRUE';
}
