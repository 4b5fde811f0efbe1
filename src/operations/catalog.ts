// Every API name the real CLI accepts for `kms` (metadata @2563691c) and the ones we describe.
import type { OperationSpec } from './spec.js';
import * as secrets from './secrets.js';
import * as keys from './keys.js';

export const KMS_API_NAMES = `AsymmetricDecrypt AsymmetricEncrypt AsymmetricSign AsymmetricVerify CancelKeyDeletion ConnectKmsInstance
CreateAlias CreateApplicationAccessPoint CreateClientKey CreateKey CreateKeyVersion CreateNetworkRule CreatePolicy
CreateSecret Decrypt DeleteAlias DeleteApplicationAccessPoint DeleteClientKey DeleteKeyMaterial DeleteNetworkRule
DeletePolicy DeleteSecret DescribeAccountKmsStatus DescribeApplicationAccessPoint DescribeKey DescribeKeyVersion
DescribeNetworkRule DescribePolicy DescribeRegions DescribeSecret DisableKey EnableKey Encrypt ExportDataKey
GenerateAndExportDataKey GenerateDataKey GenerateDataKeyWithoutPlaintext GetClientKey GetDefaultKmsInstance
GetKeyPolicy GetKmsInstance GetKmsInstanceQuotaInfos GetParametersForImport GetPublicKey GetRandomPassword
GetSecretPolicy GetSecretValue ImportKeyMaterial ListAliases ListAliasesByKeyId ListApplicationAccessPoints
ListClientKeys ListKeyVersions ListKeys ListKmsInstances ListNetworkRules ListPolicies ListResourceTags
ListSecretVersionIds ListSecrets ListTagResources OpenKmsService PutSecretValue ReEncrypt ReleaseKmsInstance
RestoreSecret RotateSecret ScheduleKeyDeletion SetDeletionProtection SetKeyPolicy SetSecretPolicy TagResource
TagResources UntagResource UntagResources UpdateAlias UpdateApplicationAccessPoint UpdateKeyDescription
UpdateKmsInstanceBindVpc UpdateNetworkRule UpdatePolicy UpdateRotationPolicy UpdateSecret
UpdateSecretRotationPolicy UpdateSecretVersionStage`.split(/\s+/);

/** Operations whose parameters we know: the CLI validates calls to these against the description. */
export const OPERATIONS: Record<string, OperationSpec> = Object.assign(Object.create(null), Object.fromEntries(
  ([...Object.values(secrets), ...Object.values(keys)] as unknown[])
    .filter((v): v is OperationSpec => typeof v === 'object' && v !== null && 'params' in v && 'invalidMessage' in v)
    .map((op) => [op.name, op]),
));

export const PRODUCT = { code: 'kms', name: 'Kms', longName: 'KeyManagementService', version: '2016-01-20' };
