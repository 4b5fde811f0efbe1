// Secret operations of KMS 2016-01-20 (kms-secrets-api.md §4–§11). Parameter lists follow the
// real CLI's metadata (aliyun-cli-behavior.md §1.5.1), in metadata (alphabetical) order.
import { bool, int, jsonText, repeatList, required, str, type OperationSpec, type RequestOf } from './spec.js';
import { checkExcludeCharacters, checkNewSecretName, checkVersionId, parseCustomData, parseFilters, parseTags, type Tag, parseTagKeys } from './validators.js';
import { invalid } from './spec.js';

const NOT_VALID = 'The specified parameter is not valid.';
const SOME_NOT_VALID = 'some of the specified parameters "\\" is not valid';

const secretName = (what = 'The name or ARN of the secret.') => required(str(what));
const fetchTags = str('Specifies whether to return the tags of the secret: true or false. Default: false.', { oneOf: ['true', 'false'], default: 'false' });
const dataType = str('The type of the secret value: text or binary. Default: text.', { oneOf: ['text', 'binary'], default: 'text' });

/** `["ACSCurrent","MyLabel"]`; the 2020 form `{"VersionStage":[…]}` is accepted too (§9). */
function parseStages(v: unknown): string[] {
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && 'VersionStage' in v) v = (v as { VersionStage: unknown }).VersionStage;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.length < 1 || s.length > 64)) return invalid('stages');
  return [...new Set(v as string[])];
}

export const CreateSecret = {
  name: 'CreateSecret',
  summary: 'Creates a secret and stores the initial version of the secret.',
  invalidMessage: NOT_VALID,
  params: {
    DKMSInstanceId: str('The ID of the KMS instance (kst-…) to which the secret belongs.'),
    Description: str('The description of the secret.', { maxLength: 8192 }),
    EnableAutomaticRotation: bool('Specifies whether to enable automatic rotation (managed secrets only).', { metaType: 'Boolean' }),
    EncryptionKeyId: str('The ID of the symmetric key used to encrypt the secret value. Default: the service default key.'),
    ExtendedConfig: str('The extended configuration of a managed secret, as a JSON object.', { maxLength: 1024 }),
    Policy: str('The secret policy, as JSON text.', { maxBytes: 32768 }),
    RotationInterval: str('The interval of automatic rotation, such as 7d or 604800s.'),
    SecretData: required(str('The value of the secret (at most 30720 bytes).', { maxBytes: 30720 })),
    SecretDataType: dataType,
    SecretName: required({ ...str('The name of the secret (at most 192 characters of letters, digits and _/+=.@-).'), decode: checkNewSecretName }),
    SecretType: str('The type of the secret: Generic, Rds, Redis, RAMCredentials, ECS or PolarDB. Default: Generic.', {
      oneOf: ['Generic', 'Rds', 'Redis', 'RAMCredentials', 'ECS', 'PolarDB'],
      default: 'Generic',
    }),
    Tags: jsonText('The tags, as `[{"TagKey":"k","TagValue":"v"}]`.', parseTags),
    VersionId: required({ ...str('The version number of the initial version (at most 64 characters).'), decode: checkVersionId }),
  },
} as const satisfies OperationSpec;

export const ListSecrets = {
  name: 'ListSecrets',
  summary: 'Queries all secrets created by the current Alibaba Cloud account in the current region.',
  invalidMessage: SOME_NOT_VALID,
  params: {
    FetchTags: fetchTags,
    Filters: jsonText(
      'Filters, as `[{"Key":"SecretName","Values":["v1"]}]`. Keys: SecretName, Description, TagKey, TagValue, DKMSInstanceId, SecretType, Creator.',
      parseFilters(['SecretName', 'Description', 'TagKey', 'TagValue', 'DKMSInstanceId', 'SecretType', 'Creator']),
    ),
    PageNumber: int('The page number. Default: 1.', { min: 1, default: 1 }),
    PageSize: int('The number of entries per page, 1 to 100. Default: 10.', { min: 1, max: 100, default: 10 }),
  },
} as const satisfies OperationSpec;

export const GetSecretValue = {
  name: 'GetSecretValue',
  summary: 'Queries a secret value.',
  invalidMessage: NOT_VALID,
  params: {
    DryRun: str('Specifies whether to perform a dry run: true or false.', { oneOf: ['true', 'false'], default: 'false' }),
    FetchExtendedConfig: bool('Specifies whether to return the extended configuration of a managed secret.', { metaType: 'Boolean', default: false }),
    SecretName: secretName(),
    VersionId: str('The version of the secret value to return.'),
    VersionStage: str('The stage label of the version to return. Default: ACSCurrent.'),
  },
} as const satisfies OperationSpec;

export const DescribeSecret = {
  name: 'DescribeSecret',
  summary: 'Queries the metadata of a secret.',
  invalidMessage: NOT_VALID,
  params: { FetchTags: fetchTags, SecretName: secretName() },
} as const satisfies OperationSpec;

export const DeleteSecret = {
  name: 'DeleteSecret',
  summary: 'Deletes a secret.',
  invalidMessage: NOT_VALID,
  params: {
    ForceDeleteWithoutRecovery: str('Specifies whether to delete the secret at once, without a recovery window: true or false.', { oneOf: ['true', 'false'], default: 'false' }),
    RecoveryWindowInDays: int('The recovery window in days, 7 to 30. Default: 30.', { min: 7, max: 30, metaType: 'String' }),
    SecretName: secretName(),
  },
} as const satisfies OperationSpec;

export const RestoreSecret = {
  name: 'RestoreSecret',
  summary: 'Restores a deleted secret.',
  invalidMessage: SOME_NOT_VALID,
  params: { SecretName: secretName() },
} as const satisfies OperationSpec;

export const PutSecretValue = {
  name: 'PutSecretValue',
  summary: 'Stores the secret value of a new version into a secret.',
  invalidMessage: SOME_NOT_VALID,
  params: {
    SecretData: required(str('The value of the new version (at most 30720 bytes).', { maxBytes: 30720 })),
    SecretDataType: dataType,
    SecretName: secretName(),
    VersionId: required({ ...str('The version number of the new version.'), decode: checkVersionId }),
    VersionStages: jsonText('The stage labels of the new version, as a JSON array. Default: ["ACSCurrent"].', parseStages),
  },
} as const satisfies OperationSpec;

export const UpdateSecret = {
  name: 'UpdateSecret',
  summary: 'Updates the metadata of a secret.',
  invalidMessage: NOT_VALID,
  params: {
    Description: str('The new description of the secret (an empty value clears it).', { maxLength: 8192, allowEmpty: true }),
    'ExtendedConfig.CustomData': jsonText('The custom data of a managed secret, as a JSON object of at most 10 pairs.', parseCustomData),
    SecretName: secretName(),
  },
} as const satisfies OperationSpec;

export const UpdateSecretVersionStage = {
  name: 'UpdateSecretVersionStage',
  summary: 'Updates the stage label that marks a secret version.',
  invalidMessage: SOME_NOT_VALID,
  params: {
    MoveToVersion: str('The version to which the stage label is moved.'),
    RemoveFromVersion: str('The version from which the stage label is removed.'),
    SecretName: secretName(),
    VersionStage: required(str('The stage label: ACSCurrent, ACSPrevious or a custom label.', { maxLength: 64 })),
  },
} as const satisfies OperationSpec;

export const ListSecretVersionIds = {
  name: 'ListSecretVersionIds',
  summary: 'Queries all versions of a secret.',
  invalidMessage: NOT_VALID,
  params: {
    IncludeDeprecated: str('Specifies whether to return versions without stage labels: true or false. Default: false.', { oneOf: ['true', 'false'], default: 'false' }),
    PageNumber: int('The page number. Default: 1.', { min: 1, default: 1 }),
    PageSize: int('The number of entries per page, 1 to 100. Default: 20.', { min: 1, max: 100, default: 20 }),
    SecretName: secretName(),
  },
} as const satisfies OperationSpec;

export const RotateSecret = {
  name: 'RotateSecret',
  summary: 'Manually rotates a secret.',
  invalidMessage: NOT_VALID,
  params: { SecretName: secretName(), VersionId: required({ ...str('The version number of the new version.'), decode: checkVersionId }) },
} as const satisfies OperationSpec;

export const UpdateSecretRotationPolicy = {
  name: 'UpdateSecretRotationPolicy',
  summary: 'Updates the rotation policy of a secret.',
  invalidMessage: NOT_VALID,
  params: {
    EnableAutomaticRotation: required(bool('Specifies whether to enable automatic rotation.', { metaType: 'Boolean' })),
    RotationInterval: str('The interval of automatic rotation, such as 7d or 604800s.'),
    SecretName: secretName(),
  },
} as const satisfies OperationSpec;

export const GetSecretPolicy = {
  name: 'GetSecretPolicy',
  summary: '',
  invalidMessage: NOT_VALID,
  params: { PolicyName: str('The name of the policy. Only default is allowed.'), SecretName: secretName() },
} as const satisfies OperationSpec;

export const SetSecretPolicy = {
  name: 'SetSecretPolicy',
  summary: 'Configures a policy for a secret in a Key Management Service (KMS) instance.',
  invalidMessage: NOT_VALID,
  params: {
    Policy: required(str('The secret policy, as JSON text.', { maxBytes: 32768 })),
    PolicyName: str('The name of the policy. Only default is allowed.'),
    SecretName: secretName(),
  },
} as const satisfies OperationSpec;

export const GetRandomPassword = {
  name: 'GetRandomPassword',
  summary: 'Obtains a random password string.',
  invalidMessage: SOME_NOT_VALID,
  params: {
    ExcludeCharacters: { ...str('Characters that must not appear in the password (letters, digits and punctuation).'), decode: checkExcludeCharacters },
    ExcludeLowercase: str('Exclude lower-case letters: true or false.', { oneOf: ['true', 'false'], default: 'false' }),
    ExcludeNumbers: str('Exclude digits: true or false.', { oneOf: ['true', 'false'], default: 'false' }),
    ExcludePunctuation: str('Exclude punctuation: true or false.', { oneOf: ['true', 'false'], default: 'false' }),
    ExcludeUppercase: str('Exclude upper-case letters: true or false.', { oneOf: ['true', 'false'], default: 'false' }),
    PasswordLength: int('The length of the password, 8 to 128. Default: 32.', { min: 8, max: 128, default: 32, metaType: 'String' }),
    RequireEachIncludedType: str('Require at least one character of each included type: true or false. Default: true.', { oneOf: ['true', 'false'], default: 'true' }),
  },
} as const satisfies OperationSpec;

export const TagResource = {
  name: 'TagResource',
  summary: 'Adds tags to a key, secret or certificate.',
  invalidMessage: NOT_VALID,
  params: {
    CertificateId: str('The ID of the certificate.'),
    KeyId: str('The ID of the key.'),
    SecretName: str('The name of the secret.'),
    Tags: required(jsonText('The tags, as `[{"TagKey":"k","TagValue":"v"}]`.', parseTags)),
  },
} as const satisfies OperationSpec;

export const UntagResource = {
  name: 'UntagResource',
  summary: 'Removes tags from a key, secret or certificate.',
  invalidMessage: NOT_VALID,
  params: {
    CertificateId: str('The ID of the certificate.'),
    KeyId: str('The ID of the key.'),
    SecretName: str('The name of the secret.'),
    TagKeys: required(jsonText('The tag keys, as `["k1","k2"]`.', parseTagKeys)),
  },
} as const satisfies OperationSpec;

export const TagResources = {
  name: 'TagResources',
  summary: 'Adds tags to keys or secrets.',
  invalidMessage: NOT_VALID,
  params: {
    RegionId: required(str('The region of the resources.')),
    ResourceId: repeatList('The IDs of the resources (key IDs or secret names), at most 50.', undefined, { required: true }),
    ResourceType: required(str('The type of the resources: key or secret.')),
    Tag: repeatList('The tags, at most 20.', ['Key', 'Value'], { required: true }),
  },
} as const satisfies OperationSpec;

export const UntagResources = {
  name: 'UntagResources',
  summary: 'Removes tags from keys or secrets.',
  invalidMessage: NOT_VALID,
  params: {
    All: bool('Remove every tag when no TagKey is given. Default: false.', { metaType: 'Boolean', default: false }),
    RegionId: required(str('The region of the resources.')),
    ResourceId: repeatList('The IDs of the resources, at most 50.', undefined, { required: true }),
    ResourceType: required(str('The type of the resources: key or secret.')),
    TagKey: repeatList('The tag keys to remove, at most 20.'),
  },
} as const satisfies OperationSpec;

export const ListTagResources = {
  name: 'ListTagResources',
  summary: 'Queries the tags of keys or secrets.',
  invalidMessage: NOT_VALID,
  params: {
    NextToken: str('The token of the next page.'),
    RegionId: required(str('The region of the resources.')),
    ResourceId: repeatList('The IDs of the resources, at most 50.'),
    ResourceType: required(str('The type of the resources: key or secret.')),
    Tag: repeatList('The tags to match, at most 20.', ['Key', 'Value']),
  },
} as const satisfies OperationSpec;

export const DescribeRegions = {
  name: 'DescribeRegions',
  summary: 'Queries available regions for the current account.',
  invalidMessage: NOT_VALID,
  params: {},
} as const satisfies OperationSpec;

// ---- responses ------------------------------------------------------------------------------

export interface TagList {
  Tag: Tag[];
}

export interface CreateSecretResponse {
  RequestId: string;
  Arn: string;
  SecretName: string;
  VersionId: string;
  SecretType: string;
  DKMSInstanceId?: string;
  AutomaticRotation?: string;
  RotationInterval?: string;
  NextRotationDate?: string;
  ExtendedConfig?: string;
}

export interface SecretListItem {
  SecretName: string;
  SecretType: string;
  CreateTime: string;
  UpdateTime: string;
  PlannedDeleteTime?: string;
  Tags?: TagList;
}

export interface ListSecretsResponse {
  RequestId: string;
  PageNumber: number;
  PageSize: number;
  TotalCount: number;
  SecretList: { Secret: SecretListItem[] };
}

export interface GetSecretValueResponse {
  RequestId: string;
  SecretName: string;
  SecretType: string;
  SecretData: string;
  SecretDataType: string;
  VersionId: string;
  VersionStages: { VersionStage: string[] };
  CreateTime: string;
  AutomaticRotation?: string;
  RotationInterval?: string;
  NextRotationDate?: string;
  LastRotationDate?: string;
  ExtendedConfig?: string;
}

export interface DescribeSecretResponse {
  RequestId: string;
  Arn: string;
  SecretName: string;
  SecretType: string;
  Description: string;
  CreateTime: string;
  UpdateTime: string;
  EncryptionKeyId?: string;
  DKMSInstanceId?: string;
  PlannedDeleteTime?: string;
  Tags?: TagList;
  AutomaticRotation?: string;
  ExtendedConfig?: string;
  RotationInterval?: string;
  NextRotationDate?: string;
  LastRotationDate?: string;
}

export interface DeleteSecretResponse {
  RequestId: string;
  SecretName: string;
  PlannedDeleteTime: string;
}

export interface SecretNameResponse {
  RequestId: string;
  SecretName: string;
}

export type CreateSecretRequest = RequestOf<typeof CreateSecret>;

export interface VersionStageList {
  VersionStage: string[];
}

export interface PutSecretValueResponse {
  RequestId: string;
  SecretName: string;
  VersionId: string;
  VersionStages: VersionStageList;
}

export interface SecretVersionItem {
  VersionId: string;
  CreateTime: string;
  /** Omitted for a version without labels (IncludeDeprecated=true). */
  VersionStages?: VersionStageList;
}

export interface ListSecretVersionIdsResponse {
  RequestId: string;
  SecretName: string;
  PageNumber: number;
  PageSize: number;
  TotalCount: number;
  VersionIds: { VersionId: SecretVersionItem[] };
}

export interface RotateSecretResponse {
  RequestId: string;
  Arn: string;
  SecretName: string;
  VersionId: string;
}

export interface GetRandomPasswordResponse {
  RequestId: string;
  RandomPassword: string;
}

export interface TagResourceRow {
  ResourceId: string;
  ResourceType: string;
  TagKey: string;
  TagValue: string;
}

export interface ListTagResourcesResponse {
  RequestId: string;
  NextToken: string;
  TagResources: { TagResource: TagResourceRow[] };
}
