// Managed secret types (Rds, Redis, PolarDB, RAMCredentials, ECS; kms-secrets-api.md §4, §12): what
// CreateSecret checks and stores for them, the rotation fields they print, and the value a rotation
// produces. The local store cannot change a database password or a RAM access key; it keeps the
// policy and produces new values the way the service does for the value it holds.
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { invalidParameter, type OperationSpec } from '../../operations/spec.js';
import type { CreateSecretRequest } from '../../operations/secrets.js';
import { checkNewSecretName } from '../../operations/validators.js';
import { randomPassword } from './random-password.js';
import { checkRotationInterval, type Session } from './service.js';
import { isoSeconds, type RotationRecord, type SecretRecord } from './store.js';

type Json = Record<string, unknown>;

interface TypeRule {
  subTypes: readonly string[];
  /** ExtendedConfig fields that must be non-empty strings. */
  required: readonly string[];
  /** Extra checks of the configuration. */
  check?: (config: Json) => boolean;
}

const TYPES: Record<string, TypeRule> = {
  Rds: { subTypes: ['SingleUser', 'DoubleUsers'], required: ['DBInstanceId'] },
  Redis: { subTypes: ['DoubleUsers'], required: ['InstanceId', 'RegionId', 'AccountName'] },
  PolarDB: { subTypes: ['DoubleUsers'], required: ['RegionId', 'DBClusterId', 'DBType', 'AccountName'], check: (c) => c.DBType === 'MySQL' || c.DBType === 'PostgreSQL' },
  RAMCredentials: { subTypes: ['RamUserAccessKey'], required: ['UserName'] },
  ECS: { subTypes: ['Password', 'SSHKey'], required: ['RegionId', 'InstanceId'] },
};

/** What CreateSecret stores for a managed secret instead of the request's name and data. */
export interface ManagedSecret {
  name: string;
  /** The value of the initial version, as GetSecretValue returns it. */
  secretData: string;
  extendedConfig: string;
  rotation: RotationRecord;
}

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function parseObject(raw: string | undefined): Json | undefined {
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The default password of a generated account: GetRandomPassword's defaults. */
const newPassword = (op: OperationSpec) =>
  randomPassword({ length: 32, exclude: '', excludeLowercase: false, excludeUppercase: false, excludeNumbers: false, excludePunctuation: false, requireEachIncludedType: true }, op);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (n: number, chars = ALNUM) => Array.from({ length: n }, () => chars[randomInt(chars.length)]).join('');

/** Checks a managed CreateSecret (type, name, ExtendedConfig, SecretData, rotation) and prepares what to store. */
export function prepareManagedSecret(req: CreateSecretRequest, s: Session, op: OperationSpec): ManagedSecret {
  const rule = TYPES[req.SecretType];
  const config = parseObject(req.ExtendedConfig);
  if (!rule || !config || req.SecretDataType !== 'text') throw invalidParameter(op);
  if (!rule.subTypes.includes(config.SecretSubType as string) || rule.required.some((f) => !isText(config[f])) || (rule.check && !rule.check(config))) throw invalidParameter(op);
  if (config.CustomData !== undefined && (!isObject(config.CustomData) || Object.keys(config.CustomData).length > 10)) throw invalidParameter(op);

  let name = req.SecretName;
  if (req.SecretType === 'RAMCredentials') {
    // KMS names RAM secrets itself.
    if (name !== '$Auto') throw invalidParameter(op);
    name = `acs/ram/user/${config.UserName}`;
    try {
      checkNewSecretName(name);
    } catch {
      throw invalidParameter(op);
    }
  } else if (req.SecretType === 'ECS' ? !name.startsWith('acs/ecs/') : name.startsWith('acs/') || name === '$Auto') throw invalidParameter(op);

  const data = req.SecretData === '$Auto' ? undefined : parseObject(req.SecretData);
  let value: Json;
  switch (req.SecretType) {
    case 'Rds': {
      const accounts = data?.Accounts;
      const max = config.SecretSubType === 'DoubleUsers' ? 2 : 1;
      if (!Array.isArray(accounts) || accounts.length < 1 || accounts.length > max || !accounts.every((a) => isObject(a) && isText(a.AccountName) && isText(a.AccountPassword))) throw invalidParameter(op);
      value = { AccountName: accounts[0].AccountName, AccountPassword: accounts[0].AccountPassword };
      break;
    }
    case 'Redis':
    case 'PolarDB':
      // KMS creates the account and its password.
      if (req.SecretData !== '$Auto') throw invalidParameter(op);
      value = { AccountName: config.AccountName, AccountPassword: newPassword(op) };
      break;
    case 'RAMCredentials': {
      const keys = data?.AccessKeys;
      if (!Array.isArray(keys) || keys.length < 1 || !keys.every((k) => isObject(k) && isText(k.AccessKeyId) && isText(k.AccessKeySecret))) throw invalidParameter(op);
      value = { AccessKeyId: keys[0].AccessKeyId, AccessKeySecret: keys[0].AccessKeySecret, GenerateTimestamp: s.isoNow() };
      break;
    }
    default: {
      const fields = config.SecretSubType === 'Password' ? ['UserName', 'Password'] : ['UserName', 'PublicKey', 'PrivateKey'];
      if (!data || !fields.every((f) => isText(data[f]))) throw invalidParameter(op);
      value = Object.fromEntries(fields.map((f) => [f, data[f]]));
    }
  }

  const rotation: RotationRecord = { enabled: req.EnableAutomaticRotation === true };
  if (rotation.enabled && req.RotationInterval === undefined) throw invalidParameter(op);
  if (req.RotationInterval !== undefined) rotation.intervalSeconds = checkRotationInterval(req.RotationInterval, op);
  if (rotation.enabled) rotation.nextRotationDate = isoSeconds(s.now + rotation.intervalSeconds! * 1000);
  return { name, secretData: JSON.stringify(value), extendedConfig: req.ExtendedConfig!, rotation };
}

/** Rotation and configuration fields of a managed secret's DescribeSecret / GetSecretValue / CreateSecret answer. */
export function managedFields(rec: SecretRecord, withExtendedConfig: boolean) {
  if (rec.type === 'Generic') return {};
  const r = rec.rotation ?? { enabled: false };
  return {
    AutomaticRotation: r.enabled ? 'Enabled' : 'Disabled',
    RotationInterval: r.enabled && r.intervalSeconds !== undefined ? `${r.intervalSeconds}s` : undefined,
    NextRotationDate: r.enabled ? r.nextRotationDate : undefined,
    LastRotationDate: r.lastRotationDate,
    ExtendedConfig: withExtendedConfig ? rec.extendedConfig : undefined,
  };
}

/**
 * The value of the version a rotation creates, from the current one: a new password (for
 * DoubleUsers, on the other account of the pair), a new access key, a new ECS password or key pair.
 */
export function rotatedValue(rec: SecretRecord, current: Json, previous: Json | undefined, s: Session, op: OperationSpec): Json {
  const config = parseObject(rec.extendedConfig) ?? {};
  switch (rec.type) {
    case 'Rds':
    case 'Redis':
    case 'PolarDB': {
      let account = current.AccountName as string;
      if (config.SecretSubType === 'DoubleUsers') {
        // The pair alternates: the previous version's account, else the clone account.
        const other = previous?.AccountName;
        account = isText(other) && other !== account ? other : isText(config.CloneAccountName) ? config.CloneAccountName : `${account}_clone`;
      }
      return { AccountName: account, AccountPassword: newPassword(op) };
    }
    case 'RAMCredentials':
      return { AccessKeyId: 'LTAI' + randomText(20), AccessKeySecret: randomText(30), GenerateTimestamp: s.isoNow() };
    default:
      if (config.SecretSubType === 'Password') return { UserName: current.UserName, Password: newPassword(op) };
      return { UserName: current.UserName, ...newSshKeyPair() };
  }
}

/** An Ed25519 key pair: the public key in OpenSSH form, the private key as PKCS#8 PEM. */
function newSshKeyPair(): { PublicKey: string; PrivateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const field = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return { PublicKey: `ssh-ed25519 ${blob.toString('base64')}`, PrivateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}
