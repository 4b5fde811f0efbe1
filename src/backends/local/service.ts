// The local KMS service: answers each described operation from the file store exactly as the real
// service does (kms-secrets-api.md). Used by the CLI's local backend and by `aliyun kms serve`.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { ServiceError, newRequestId } from '../../core/errors.js';
import { OPERATIONS } from '../../operations/catalog.js';
import { decodeRequest, invalidParameter, type OperationSpec, type RequestOf } from '../../operations/spec.js';
import * as S from '../../operations/secrets.js';
import * as K from '../../operations/keys.js';
import type { Filter, Tag } from '../../operations/validators.js';
import { parseInterval } from '../../operations/validators.js';
import { AAD, deriveDefaultKey, newKey, open, seal } from './crypto.js';
import { LocalStore, RegionStore, StoreError, isoSeconds, nowMs, type KeyRecord, type SecretRecord } from './store.js';
import { managedFields, prepareManagedSecret } from './managed.js';
import type { SecretSummary } from './secret-index.js';

/**
 * Opened data keys and values of records, while the record object lives (the server keeps parsed
 * records in its read cache): keyed by the sealed text, so a changed record never reuses them.
 */
const opened = new WeakMap<SecretRecord, { sealedKey: string; keyId: string | null; dataKey: Buffer; values: Map<string, string> }>();

export const ACS_CURRENT = 'ACSCurrent';
export const ACS_PREVIOUS = 'ACSPrevious';

// Error texts differ between operations; these are the service's, typos included (§2.3a).
export const E = {
  notFound: (msg = 'Resource not found') => new ServiceError(404, 'Forbidden.ResourceNotFound', msg),
  inDeleteWindow: (msg = 'secret in delete peroid') => new ServiceError(409, 'Rejected.ResourceInDeleteWindow', msg),
  exists: (msg = 'The resource already exists.') => new ServiceError(409, 'Rejected.ResourceExist', msg),
  unsupported: () => new ServiceError(400, 'UnsupportedOperation', 'This action is not supported.'),
  keyNotFound: () => new ServiceError(404, 'Forbidden.KeyNotFound', 'The specified Key is not found.'),
  aliasNotFound: () => new ServiceError(404, 'Forbidden.AliasNotFound', 'The specified Alias is not found.'),
  dkmsNotFound: () => new ServiceError(403, 'Forbidden.DKMSInstanceNotFound', 'The specified DKMS Instance is not found.'),
  actionNotFound: () => new ServiceError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.'),
};

/** What a handler sees: the region's store, the account, the clock. */
export class Session {
  private clock?: number;
  readonly rs: RegionStore;

  /** The time of this call, read once (most reads never ask: the clock reads the environment). */
  get now(): number {
    return (this.clock ??= nowMs());
  }

  constructor(
    readonly store: LocalStore,
    readonly region: string,
  ) {
    this.rs = store.region(region);
  }

  get accountId(): string {
    return this.store.accountId;
  }

  isoNow(): string {
    return isoSeconds(this.now);
  }

  secretArn(name: string): string {
    return `acs:kms:${this.region}:${this.accountId}:secret/${name}`;
  }

  keyArn(keyId: string): string {
    return `acs:kms:${this.region}:${this.accountId}:key/${keyId}`;
  }

  /** A secret is gone once its recovery window has passed. */
  expired(rec: { plannedDeleteTime?: string }): boolean {
    return rec.plannedDeleteTime !== undefined && Date.parse(rec.plannedDeleteTime) <= this.now;
  }

  /** `SecretName` may be a name or this account's ARN in this region (§1.5). */
  nameOf(ref: string): string | undefined {
    if (!ref.startsWith('acs:kms:')) return ref;
    const prefix = `acs:kms:${this.region}:${this.accountId}:secret/`;
    return ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
  }

  /** The live secret (not purged), or undefined. */
  find(ref: string): SecretRecord | undefined {
    const name = this.nameOf(ref);
    if (name === undefined) return undefined;
    const rec = this.rs.readSecret(name);
    return rec && !this.expired(rec) ? rec : undefined;
  }

  /** Like find, but must exist; under the write lock it also purges an expired one. */
  require(ref: string, notFound = E.notFound()): SecretRecord {
    const name = this.nameOf(ref);
    if (name === undefined) throw notFound;
    const rec = this.rs.readSecret(name);
    if (!rec) throw notFound;
    if (this.expired(rec)) {
      this.rs.removeSecret(name);
      throw notFound;
    }
    return rec;
  }

  // ---- keys --------------------------------------------------------------------------------

  defaultKeyId(): string {
    return this.store.memo(`default key id ${this.region}`, () => {
      const h = createHmac('sha256', this.store.root).update(`default key id ${this.region}`).digest();
      return 'key-' + regionTag(this.region) + base36(h, 18);
    });
  }

  defaultKeyRecord(): KeyRecord {
    return {
      keyId: this.defaultKeyId(),
      description: 'Default key of Secrets Manager',
      keySpec: 'Aliyun_AES_256',
      keyUsage: 'ENCRYPT/DECRYPT',
      origin: 'Aliyun_KMS',
      protectionLevel: 'SOFTWARE',
      creationDate: this.store.createTime,
      primaryKeyVersion: uuidFrom(createHmac('sha256', this.store.root).update(`default key version ${this.region}`).digest()),
      automaticRotation: 'Disabled',
      tags: [],
      material: '',
    };
  }

  /** Resolves a key id or key ARN of this region; aliases are not kept by the local store. */
  resolveKey(ref: string): KeyRecord | undefined {
    let id = ref;
    if (ref.startsWith('acs:kms:')) {
      const prefix = `acs:kms:${this.region}:${this.accountId}:key/`;
      if (!ref.startsWith(prefix)) return undefined;
      id = ref.slice(prefix.length);
    }
    if (id === this.defaultKeyId()) return this.defaultKeyRecord();
    return this.rs.readKey(id);
  }

  keyMaterial(keyId: string | null): Buffer {
    if (keyId === null || keyId === this.defaultKeyId())
      return this.store.memo(`default key ${this.region}`, () => deriveDefaultKey(this.store.root, this.accountId, this.region));
    const rec = this.rs.readKey(keyId);
    if (!rec) throw E.keyNotFound();
    return open(this.store.root, rec.material, AAD.keyMaterial(this.region, keyId));
  }

  // ---- values ------------------------------------------------------------------------------

  newDataKey(name: string, keyId: string | null): { plain: Buffer; sealed: string } {
    const plain = newKey();
    return { plain, sealed: seal(this.keyMaterial(keyId), plain, AAD.dataKey(this.region, name)) };
  }

  dataKey(rec: SecretRecord): Buffer {
    return this.openedOf(rec).dataKey;
  }

  private openedOf(rec: SecretRecord) {
    let o = opened.get(rec);
    if (!o || o.sealedKey !== rec.dataKey || o.keyId !== rec.keyId) {
      const dataKey = open(this.keyMaterial(rec.keyId), rec.dataKey, AAD.dataKey(this.region, rec.name));
      o = { sealedKey: rec.dataKey, keyId: rec.keyId, dataKey, values: new Map() };
      // Only records that cannot change (the read cache's) are worth remembering.
      if (Object.isFrozen(rec)) opened.set(rec, o);
    }
    return o;
  }

  sealValue(dataKey: Buffer, name: string, versionId: string, value: string): string {
    return seal(dataKey, Buffer.from(value, 'utf8'), AAD.value(name, versionId));
  }

  openValue(rec: SecretRecord, versionId: string, sealed: string): string {
    const o = this.openedOf(rec);
    const key = versionId + '\u0000' + sealed;
    let value = o.values.get(key);
    if (value === undefined) {
      value = open(o.dataKey, sealed, AAD.value(rec.name, versionId)).toString('utf8');
      if (Object.isFrozen(rec)) o.values.set(key, value);
    }
    return value;
  }
}

function regionTag(region: string): string {
  const word = region.split('-').slice(1).join('') || region;
  return (word.replace(/[^a-z]/g, '') + 'xxx').slice(0, 2) + (word.replace(/[^a-z]/g, '').slice(-1) || 'x');
}

function base36(bytes: Buffer, len: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; s.length < len; i++) s += alphabet[bytes[i % bytes.length] % 36];
  return s;
}

function uuidFrom(b: Buffer): string {
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function tagList(tags: Tag[]): { Tag: Tag[] } | undefined {
  return tags.length ? { Tag: tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })) } : undefined;
}

/** Exact match, OR within one key's values, AND across keys (§5, recommendation). */
export function matchesFilters<T>(item: T, filters: Filter[] | undefined, fieldValues: (item: T, key: string) => string[]): boolean {
  if (!filters) return true;
  return filters.every((f) => {
    const have = fieldValues(item, f.Key);
    return f.Values.length === 0 || f.Values.some((v) => have.includes(v));
  });
}

export function page<T>(items: T[], pageNumber: number, pageSize: number): T[] {
  return items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
}

export { byCreateThenName } from './secret-index.js';

// ---- handlers ----------------------------------------------------------------------------------

type Handler<O extends OperationSpec> = (req: RequestOf<O>, s: Session, op: O) => object;
export type HandlerTable = Record<string, { op: OperationSpec; fn: Handler<any>; writes: boolean }>;

/** Registers the handler of an operation; `writes` handlers run under the store's write lock. */
export function handler<O extends OperationSpec>(op: O, writes: boolean, fn: Handler<O>) {
  return { [op.name]: { op, fn, writes } } as HandlerTable;
}

const secretHandlers: HandlerTable = {
  ...handler(S.CreateSecret, true, (req, s, op) => {
    // Managed types: name, data, ExtendedConfig and rotation policy are checked in managed.ts.
    const managed = req.SecretType === 'Generic' ? undefined : prepareManagedSecret(req, s, op);
    if (!managed) {
      if (req.SecretName.startsWith('acs/') || req.SecretName === '$Auto') throw invalidParameter(op);
      if (req.EnableAutomaticRotation) throw invalidParameter(op); // a generic secret cannot rotate itself
      if (req.RotationInterval !== undefined) checkRotationInterval(req.RotationInterval, op);
    }
    const name = managed?.name ?? req.SecretName;
    if (req.DKMSInstanceId !== undefined) throw E.dkmsNotFound();
    if (req.Policy !== undefined) parseJsonOr(req.Policy, op);
    let keyId: string | null = null;
    if (req.EncryptionKeyId !== undefined) {
      const key = s.resolveKey(req.EncryptionKeyId);
      if (!key) throw E.notFound('The resource is not found.');
      keyId = key.keyId === s.defaultKeyId() ? null : key.keyId;
    }
    const existing = s.rs.readSecret(name);
    if (existing) {
      if (!s.expired(existing)) throw existing.plannedDeleteTime ? E.inDeleteWindow('The secret is planned to be deleted.') : E.exists();
      s.rs.removeSecret(existing.name);
    }
    const dk = s.newDataKey(name, keyId);
    const now = s.isoNow();
    const rec: SecretRecord = {
      name,
      type: req.SecretType,
      description: req.Description ?? '',
      keyId,
      tags: req.Tags ?? [],
      createTime: now,
      updateTime: now,
      dataKey: dk.sealed,
      versions: [
        { id: req.VersionId, createTime: now, stages: [ACS_CURRENT], dataType: req.SecretDataType, value: s.sealValue(dk.plain, name, req.VersionId, managed?.secretData ?? req.SecretData) },
      ],
    };
    if (req.Policy !== undefined) rec.policy = req.Policy;
    if (managed) Object.assign(rec, { extendedConfig: managed.extendedConfig, rotation: managed.rotation });
    s.rs.writeSecret(rec);
    return { Arn: s.secretArn(rec.name), SecretName: rec.name, VersionId: req.VersionId, SecretType: rec.type, ...managedFields(rec, true) } satisfies Omit<S.CreateSecretResponse, 'RequestId'>;
  }),

  ...handler(S.ListSecrets, false, (req, s) => {
    // From the listing index (secret-index.ts), already in listing order; shared, so never sorted here.
    const listing = s.rs.listSecretSummaries();
    const all =
      !req.Filters && !listing.anyPlannedDelete
        ? listing.sorted
        : listing.sorted.filter((r) => !s.expired(r) && matchesFilters(r, req.Filters, (x, key) => secretFieldValues(x, key, s)));
    const withTags = req.FetchTags === 'true';
    return {
      PageNumber: req.PageNumber,
      PageSize: req.PageSize,
      TotalCount: all.length,
      SecretList: {
        Secret: page(all as SecretSummary[], req.PageNumber, req.PageSize).map((r) => ({
          SecretName: r.name,
          SecretType: r.type,
          CreateTime: r.createTime,
          UpdateTime: r.updateTime,
          PlannedDeleteTime: r.plannedDeleteTime,
          Tags: withTags ? tagList(r.tags) : undefined,
        })),
      },
    } satisfies Omit<S.ListSecretsResponse, 'RequestId'>;
  }),

  ...handler(S.GetSecretValue, false, (req, s, op) => {
    const rec = s.find(req.SecretName);
    if (!rec) throw E.notFound('Resource not found.');
    if (req.DryRun === 'true') throw new ServiceError(400, 'DryRunOperationError', 'The request would have succeeded, but the DryRun flag is set.');
    if (rec.plannedDeleteTime) throw E.inDeleteWindow();
    let version;
    // Managed secrets are read by stage only: VersionId is ignored (§12).
    if (req.VersionId !== undefined && rec.type === 'Generic') {
      version = rec.versions.find((v) => v.id === req.VersionId);
      if (version && req.VersionStage !== undefined && !version.stages.includes(req.VersionStage)) throw invalidParameter(op);
    } else {
      const stage = req.VersionStage ?? ACS_CURRENT;
      version = rec.versions.find((v) => v.stages.includes(stage));
    }
    if (!version) throw E.notFound('Resource not found.');
    return {
      SecretName: rec.name,
      SecretType: rec.type,
      SecretData: s.openValue(rec, version.id, version.value),
      SecretDataType: version.dataType,
      VersionId: version.id,
      VersionStages: { VersionStage: [...version.stages] },
      CreateTime: version.createTime,
      ...managedFields(rec, req.FetchExtendedConfig),
    } satisfies Omit<S.GetSecretValueResponse, 'RequestId'>;
  }),

  ...handler(S.DescribeSecret, false, (req, s) => {
    const rec = s.find(req.SecretName);
    if (!rec) throw E.notFound();
    return {
      Arn: s.secretArn(rec.name),
      SecretName: rec.name,
      SecretType: rec.type,
      Description: rec.description,
      CreateTime: rec.createTime,
      UpdateTime: rec.updateTime,
      EncryptionKeyId: rec.keyId ?? undefined,
      PlannedDeleteTime: rec.plannedDeleteTime,
      Tags: req.FetchTags === 'true' ? tagList(rec.tags) : undefined,
      ...managedFields(rec, true),
    } satisfies Omit<S.DescribeSecretResponse, 'RequestId'>;
  }),

  ...handler(S.DeleteSecret, true, (req, s, op) => {
    const force = req.ForceDeleteWithoutRecovery === 'true';
    if (force && req.RecoveryWindowInDays !== undefined) throw invalidParameter(op);
    let rec: SecretRecord;
    try {
      rec = s.require(req.SecretName);
    } catch (e) {
      // A damaged record can still be removed for good: the way out that needs no hand editing.
      const name = s.nameOf(req.SecretName);
      if (!force || !(e instanceof StoreError) || name === undefined) throw e;
      s.rs.removeSecret(name);
      process.stderr.write(`warning: removed the damaged file of secret ${name}: ${e.message}\n`);
      return { SecretName: name, PlannedDeleteTime: s.isoNow() };
    }
    if (force) {
      s.rs.removeSecret(rec.name);
      return { SecretName: rec.name, PlannedDeleteTime: s.isoNow() };
    }
    if (rec.plannedDeleteTime) throw E.inDeleteWindow();
    rec.plannedDeleteTime = isoSeconds(s.now + (req.RecoveryWindowInDays ?? 30) * 86400_000);
    s.rs.writeSecret(rec);
    return { SecretName: rec.name, PlannedDeleteTime: rec.plannedDeleteTime } satisfies Omit<S.DeleteSecretResponse, 'RequestId'>;
  }),

  ...handler(S.RestoreSecret, true, (req, s) => {
    const rec = s.require(req.SecretName);
    if (!rec.plannedDeleteTime) throw new ServiceError(409, 'Rejected.ResourceInUse', 'restore normal secret');
    delete rec.plannedDeleteTime;
    s.rs.writeSecret(rec);
    return { SecretName: rec.name };
  }),
};

function secretFieldValues(r: SecretSummary, key: string, s: Session): string[] {
  switch (key) {
    case 'SecretName':
      return [r.name];
    case 'Description':
      return [r.description];
    case 'TagKey':
      return r.tags.map((t) => t.TagKey);
    case 'TagValue':
      return r.tags.map((t) => t.TagValue);
    case 'DKMSInstanceId':
      return r.dkmsInstanceId ? [r.dkmsInstanceId] : [];
    case 'SecretType':
      return [r.type];
    case 'Creator':
      return [s.accountId];
    default:
      return [];
  }
}

/** 6 h to 8760 h, written `<n>d|h|m|s` (§4). */
export function checkRotationInterval(raw: string, op: OperationSpec, minSeconds = 6 * 3600): number {
  let secs: number;
  try {
    secs = parseInterval(raw);
  } catch {
    throw invalidParameter(op);
  }
  if (secs < minSeconds || secs > 8760 * 3600) throw invalidParameter(op);
  return secs;
}

export function parseJsonOr(raw: string, op: OperationSpec): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidParameter(op);
  }
}

const keyHandlers: HandlerTable = {
  ...handler(K.CreateKey, true, (req, s, op) => {
    if (req.DKMSInstanceId !== undefined) throw E.dkmsNotFound();
    if (req.KeySpec !== 'Aliyun_AES_256' || req.Origin !== 'Aliyun_KMS' || req.ProtectionLevel !== 'SOFTWARE') throw E.unsupported();
    if (req.KeyUsage !== 'ENCRYPT/DECRYPT') throw invalidParameter(op);
    let interval: number | undefined;
    if (req.EnableAutomaticRotation) {
      if (req.RotationInterval === undefined) throw invalidParameter(op);
      interval = checkRotationInterval(req.RotationInterval, op, 7 * 86400);
    }
    const keyId = 'key-' + regionTag(s.region) + base36(randomBytes(18), 18);
    const rec: KeyRecord = {
      keyId,
      description: req.Description ?? '',
      keySpec: req.KeySpec,
      keyUsage: req.KeyUsage,
      origin: req.Origin,
      protectionLevel: req.ProtectionLevel,
      creationDate: s.isoNow(),
      primaryKeyVersion: randomUUID(),
      automaticRotation: req.EnableAutomaticRotation ? 'Enabled' : 'Disabled',
      rotationInterval: interval !== undefined ? `${interval}s` : undefined,
      tags: req.Tags ?? [],
      material: seal(s.store.root, newKey(), AAD.keyMaterial(s.region, keyId)),
    };
    s.rs.writeKey(rec);
    return { KeyMetadata: keyMetadata(rec, s) };
  }),

  ...handler(K.DescribeKey, false, (req, s) => {
    if (req.KeyId.startsWith('alias/')) throw E.aliasNotFound();
    const rec = s.resolveKey(req.KeyId);
    if (!rec) throw E.keyNotFound();
    return { KeyMetadata: { ...keyMetadata(rec, s), DeletionProtection: 'Disabled', DeletionProtectionDescription: '' } };
  }),

  ...handler(K.ListKeys, false, (req, s) => {
    const keys = [s.defaultKeyRecord(), ...s.rs.listKeys().sort((a, b) => (a.creationDate < b.creationDate ? -1 : a.creationDate > b.creationDate ? 1 : a.keyId < b.keyId ? -1 : 1))].filter((k) =>
      matchesFilters(k, req.Filters, (x, key) => keyFieldValues(x, key, s)),
    );
    return {
      PageNumber: req.PageNumber,
      PageSize: req.PageSize,
      TotalCount: keys.length,
      Keys: { Key: page(keys, req.PageNumber, req.PageSize).map((k) => ({ KeyId: k.keyId, KeyArn: s.keyArn(k.keyId) })) },
    };
  }),
};

function keyFieldValues(k: KeyRecord, key: string, s: Session): string[] {
  switch (key) {
    case 'KeyState':
      return ['Enabled'];
    case 'KeySpec':
      return [k.keySpec];
    case 'KeyUsage':
      return [k.keyUsage];
    case 'ProtectionLevel':
      return [k.protectionLevel];
    case 'CreatorType':
      return [k.keyId === s.defaultKeyId() ? 'Service' : 'User'];
    default:
      return [];
  }
}

function keyMetadata(k: KeyRecord, s: Session): K.KeyMetadata {
  return {
    Arn: s.keyArn(k.keyId),
    AutomaticRotation: k.automaticRotation,
    CreationDate: k.creationDate,
    Creator: s.accountId,
    DeleteDate: '',
    Description: k.description,
    KeyId: k.keyId,
    KeySpec: k.keySpec,
    KeyState: 'Enabled',
    KeyUsage: k.keyUsage,
    LastRotationDate: k.creationDate,
    MaterialExpireTime: '',
    NextRotationDate: k.rotationInterval ? isoSeconds(Date.parse(k.creationDate) + parseInt(k.rotationInterval) * 1000) : undefined,
    Origin: k.origin,
    PrimaryKeyVersion: k.primaryKeyVersion,
    ProtectionLevel: k.protectionLevel,
    RotationInterval: k.rotationInterval,
  };
}

// No prototype: an action named `constructor` or `__proto__` is simply unknown.
const HANDLERS: HandlerTable = Object.assign(Object.create(null), secretHandlers, keyHandlers);

/** Registers more handlers (rotation, tags, … live in their own modules). */
export function registerHandlers(table: HandlerTable): void {
  Object.assign(HANDLERS, table);
}

/** Whether the operation writes (and so runs under the store's write lock). */
export function isWriteAction(action: string): boolean {
  return HANDLERS[action]?.writes === true;
}

export function implementedActions(): string[] {
  return Object.keys(HANDLERS).sort();
}

/**
 * Reads whose successful answer is a function of the store's files and the call's parameters
 * alone (not of the clock: a secret pending deletion, whose answer changes when its window ends,
 * is refused by GetSecretValue), so a long-lived process may keep it while nothing is written.
 */
const ANSWER_CACHED = new Set(['GetSecretValue']);

/**
 * Answers one call as the JSON text of its body (RequestId last), for the server. A read in
 * ANSWER_CACHED is answered from the store's answer cache while the store is unchanged
 * (LocalStore.cachedAnswer); `result` is the body without its RequestId, for the request log.
 */
export function answerText(store: LocalStore, action: string, params: Record<string, string>, region: string): { text: string; requestId: string; result: Record<string, unknown> } {
  let key: string | undefined;
  let gen = 0;
  if (ANSWER_CACHED.has(action) && store.cachesReads) {
    // Each part with its length: a value holding the separator cannot pass for other parameters.
    key = action + ' ' + region;
    for (const k in params) key += ' ' + k.length + ':' + k + params[k].length + ':' + params[k];
    const hit = store.cachedAnswer(key);
    gen = hit.gen;
    if (hit.text !== undefined) {
      const requestId = newRequestId();
      return { text: hit.text + requestId + '"}', requestId, result: hit.result as Record<string, unknown> };
    }
  }
  const body = handleCall(store, action, params, region);
  const requestId = String(body.RequestId);
  const text = JSON.stringify(body);
  const tail = requestId + '"}';
  if (key !== undefined && text.endsWith('"RequestId":"' + tail)) {
    const { RequestId: _, ...result } = body;
    store.cacheAnswer(key, gen, text.slice(0, text.length - tail.length), result);
  }
  return { text, requestId, result: body };
}

/**
 * Answers one call. Returns the response body (RequestId included) or throws a stamped
 * ServiceError. Writers hold the store lock for the whole read-modify-write.
 */
export function handleCall(store: LocalStore, action: string, params: Record<string, string>, region: string): Record<string, unknown> {
  const requestId = newRequestId();
  try {
    const h = HANDLERS[action];
    if (!h || !OPERATIONS[action]) throw E.actionNotFound();
    const req = decodeRequest(h.op, params);
    const run = () => h.fn(req, new Session(store, region), h.op);
    const body = h.writes ? store.write(run) : run();
    return { ...body, RequestId: requestId };
  } catch (e) {
    if (e instanceof ServiceError) throw e.stamp(region, requestId);
    throw e;
  }
}
