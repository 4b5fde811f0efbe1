// The parameters of every KMS 2016-01-20 API as the real CLI's embedded API metadata declares them
// (aliyun/aliyun-openapi-meta @2563691c, metadatas/kms/*.json, the submodule of aliyun-cli v3.4.11).
// Facts only: names in metadata order, types, required flags, the HTTP method when it is not GET|POST.
// Every parameter is in the query and none is hidden. One line per API:
//   <ApiName>[ @<METHOD>] <param> <param> …
//   param = <Name>[!][:<type>][(<sub-param>|<sub-param>…)]
//   ! = required; type I = Integer, B = Boolean, L = Long, R = RepeatList, none = String.
// Kept as one string and parsed per API on demand: the common call path pays nothing for ~85 APIs.
export const KMS_API_TABLE = `
AsymmetricDecrypt Algorithm! CiphertextBlob! DryRun KeyId! KeyVersionId!
AsymmetricEncrypt Algorithm! DryRun KeyId! KeyVersionId! Plaintext!
AsymmetricSign Algorithm! Digest! DryRun KeyId! KeyVersionId!
AsymmetricVerify Algorithm! Digest! DryRun KeyId! KeyVersionId! Value!
CancelKeyDeletion KeyId!
ConnectKmsInstance @POST KMProvider! KmsInstanceId! VSwitchIds! VpcId! ZoneIds!
CreateAlias AliasName! KeyId!
CreateApplicationAccessPoint AuthenticationMethod Description Name! Policies!
CreateClientKey AapName! NotAfter NotBefore Password!
CreateKey DKMSInstanceId Description EnableAutomaticRotation:B KeySpec KeyStorageMechanism KeyUsage Origin Policy ProtectionLevel RotationInterval Tags
CreateKeyVersion KeyId!
CreateNetworkRule Description Name! SourcePrivateIp Type!
CreatePolicy AccessControlRules Description KmsInstance Name! Permissions! Resources!
CreateSecret DKMSInstanceId Description EnableAutomaticRotation:B EncryptionKeyId ExtendedConfig Policy RotationInterval SecretData! SecretDataType SecretName! SecretType Tags VersionId!
Decrypt CiphertextBlob! DryRun EncryptionContext
DeleteAlias AliasName!
DeleteApplicationAccessPoint Name!
DeleteClientKey ClientKeyId!
DeleteKeyMaterial KeyId!
DeleteNetworkRule Name!
DeletePolicy Name!
DeleteSecret ForceDeleteWithoutRecovery RecoveryWindowInDays SecretName!
DescribeAccountKmsStatus
DescribeApplicationAccessPoint Name!
DescribeKey KeyId!
DescribeKeyVersion KeyId! KeyVersionId!
DescribeNetworkRule Name!
DescribePolicy Name!
DescribeRegions
DescribeSecret FetchTags SecretName!
DisableKey KeyId!
EnableKey KeyId!
Encrypt DryRun EncryptionContext KeyId! Plaintext!
ExportDataKey CiphertextBlob! DryRun EncryptionContext PublicKeyBlob! WrappingAlgorithm! WrappingKeySpec!
GenerateAndExportDataKey DryRun EncryptionContext KeyId! KeySpec NumberOfBytes:I PublicKeyBlob! WrappingAlgorithm! WrappingKeySpec!
GenerateDataKey DryRun EncryptionContext KeyId! KeySpec NumberOfBytes:I
GenerateDataKeyWithoutPlaintext DryRun EncryptionContext KeyId! KeySpec NumberOfBytes:I
GetClientKey @GET ClientKeyId!
GetDefaultKmsInstance
GetKeyPolicy KeyId! PolicyName
GetKmsInstance KmsInstanceId!
GetKmsInstanceQuotaInfos KmsInstanceId ResourceType
GetParametersForImport KeyId! WrappingAlgorithm! WrappingKeySpec!
GetPublicKey DryRun KeyId! KeyVersionId!
GetRandomPassword ExcludeCharacters ExcludeLowercase ExcludeNumbers ExcludePunctuation ExcludeUppercase PasswordLength RequireEachIncludedType
GetSecretPolicy PolicyName SecretName!
GetSecretValue DryRun FetchExtendedConfig:B SecretName! VersionId VersionStage
ImportKeyMaterial EncryptedKeyMaterial! ImportToken! KeyId! KeyMaterialExpireUnix!:L
ListAliases PageNumber:I PageSize:I
ListAliasesByKeyId KeyId! PageNumber:I PageSize:I
ListApplicationAccessPoints PageNumber:I PageSize:I
ListClientKeys @GET AapName
ListKeyVersions KeyId! PageNumber:I PageSize:I
ListKeys Filters PageNumber:I PageSize:I
ListKmsInstances PageNumber:I PageSize:I
ListNetworkRules PageNumber:I PageSize:I
ListPolicies PageNumber:I PageSize:I
ListResourceTags KeyId!
ListSecretVersionIds IncludeDeprecated PageNumber:I PageSize:I SecretName!
ListSecrets FetchTags Filters PageNumber:I PageSize:I
ListTagResources NextToken RegionId! ResourceId:R ResourceType! Tag:R(Key|Value)
OpenKmsService
PutSecretValue SecretData! SecretDataType SecretName! VersionId! VersionStages
ReEncrypt CiphertextBlob! DestinationEncryptionContext DestinationKeyId! DryRun SourceEncryptionAlgorithm SourceEncryptionContext SourceKeyId SourceKeyVersionId
ReleaseKmsInstance ForceDeleteWithoutBackup KmsInstanceId!
RestoreSecret SecretName!
RotateSecret SecretName! VersionId!
ScheduleKeyDeletion KeyId! PendingWindowInDays!:I
SetDeletionProtection DeletionProtectionDescription EnableDeletionProtection!:B KeyId ProtectedResourceArn
SetKeyPolicy KeyId! Policy! PolicyName
SetSecretPolicy @POST Policy! PolicyName SecretName!
TagResource CertificateId KeyId SecretName Tags!
TagResources RegionId! ResourceId!:R ResourceType! Tag!:R(Key|Value)
UntagResource CertificateId KeyId SecretName TagKeys!
UntagResources All:B RegionId! ResourceId!:R ResourceType! TagKey:R
UpdateAlias AliasName! KeyId!
UpdateApplicationAccessPoint Description Name! Policies
UpdateKeyDescription Description! KeyId!
UpdateKmsInstanceBindVpc BindVpcs! KmsInstanceId!
UpdateNetworkRule Description Name! SourcePrivateIp
UpdatePolicy AccessControlRules Description Name! Permissions Resources
UpdateRotationPolicy EnableAutomaticRotation!:B KeyId! RotationInterval
UpdateSecret Description ExtendedConfig.CustomData SecretName!
UpdateSecretRotationPolicy EnableAutomaticRotation!:B RotationInterval SecretName!
UpdateSecretVersionStage MoveToVersion RemoveFromVersion SecretName! VersionStage!
`;
