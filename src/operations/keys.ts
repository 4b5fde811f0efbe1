// Key operations a secret depends on (kms-secrets-api.md §13).
import { bool, int, jsonText, required, str, type OperationSpec } from './spec.js';
import { parseFilters, parseTags } from './validators.js';

const NOT_VALID = 'The specified parameter is not valid.';

export const CreateKey = {
  name: 'CreateKey',
  summary: 'Creates a customer master key (CMK).',
  invalidMessage: NOT_VALID,
  params: {
    DKMSInstanceId: str('The ID of the KMS instance (kst-…).'),
    Description: str('The description of the key (at most 8192 characters).', { maxLength: 8192 }),
    EnableAutomaticRotation: bool('Specifies whether to enable automatic key rotation.', { metaType: 'Boolean', default: false }),
    KeySpec: str('The type of the key. Default: Aliyun_AES_256.', { default: 'Aliyun_AES_256' }),
    KeyStorageMechanism: str('The storage mechanism of the key.'),
    KeyUsage: str('The usage of the key: ENCRYPT/DECRYPT or SIGN/VERIFY. Default: ENCRYPT/DECRYPT.', { oneOf: ['ENCRYPT/DECRYPT', 'SIGN/VERIFY'], default: 'ENCRYPT/DECRYPT' }),
    Origin: str('The source of the key material: Aliyun_KMS or EXTERNAL. Default: Aliyun_KMS.', { oneOf: ['Aliyun_KMS', 'EXTERNAL'], default: 'Aliyun_KMS' }),
    Policy: str('The key policy, as JSON text.'),
    ProtectionLevel: str('The protection level: SOFTWARE or HSM. Default: SOFTWARE.', { oneOf: ['SOFTWARE', 'HSM'], default: 'SOFTWARE' }),
    RotationInterval: str('The interval of automatic rotation, such as 365d.'),
    Tags: jsonText('The tags, as `[{"TagKey":"k","TagValue":"v"}]`.', parseTags),
  },
} as const satisfies OperationSpec;

export const DescribeKey = {
  name: 'DescribeKey',
  summary: 'Queries the information about a customer master key (CMK).',
  invalidMessage: NOT_VALID,
  params: { KeyId: required(str('The ID, alias or ARN of the key.')) },
} as const satisfies OperationSpec;

export const ListKeys = {
  name: 'ListKeys',
  summary: 'Queries all the customer master keys (CMKs) of the current Alibaba Cloud account in the current region.',
  invalidMessage: NOT_VALID,
  params: {
    Filters: jsonText(
      'Filters, as `[{"Key":"KeyState","Values":["Enabled"]}]`. Keys: KeyState, KeySpec, KeyUsage, ProtectionLevel, CreatorType, DKMSInstanceId.',
      parseFilters(['KeyState', 'KeySpec', 'KeyUsage', 'ProtectionLevel', 'CreatorType', 'DKMSInstanceId']),
    ),
    PageNumber: int('The page number. Default: 1.', { min: 1, default: 1 }),
    PageSize: int('The number of entries per page, 1 to 100. Default: 10.', { min: 1, max: 100, default: 10 }),
  },
} as const satisfies OperationSpec;

export interface KeyMetadata {
  Arn: string;
  AutomaticRotation: string;
  CreationDate: string;
  Creator: string;
  DeleteDate: string;
  Description: string;
  KeyId: string;
  KeySpec: string;
  KeyState: string;
  KeyUsage: string;
  LastRotationDate: string;
  MaterialExpireTime: string;
  NextRotationDate?: string;
  Origin: string;
  PrimaryKeyVersion: string;
  ProtectionLevel: string;
  RotationInterval?: string;
  DeletionProtection?: string;
  DeletionProtectionDescription?: string;
}
