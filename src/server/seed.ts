// `aliyun kms serve --seed FILE`: secrets applied to the store before the server answers, in the
// API's own names (docs/server.md):
//
//   {"Secrets": [{"SecretName": "db", "Description": "…", "Tags": [{"TagKey": "k", "TagValue": "v"}],
//                 "EncryptionKeyId": "…", "Versions": [{"VersionId": "v1", "SecretData": "…",
//                 "SecretDataType": "text", "VersionStages": ["ACSPrevious"]}, {"VersionId": "v2", …}]}]}
//
// Every field is checked by the same operation descriptions as CreateSecret/PutSecretValue. The last
// version takes ACSCurrent unless a version's VersionStages names it. Idempotent: a secret already
// in the store with the seed's versions (same ids, values and data types) and key is left as it is
// (its description, tags and stages may have been changed since); any other difference is a
// conflict that names the secret and changes nothing. All seeded secrets are written under one hold
// of the store lock, each write durable, before the server starts listening.
import { readFileSync, statSync } from 'node:fs';
import { ServiceError } from '../core/errors.js';
import { decodeRequest, type OperationSpec } from '../operations/spec.js';
import * as S from '../operations/secrets.js';
import { ACS_CURRENT, Session } from '../backends/local/service.js';
import { MAX_STAGES, MAX_VERSIONS, orderStages } from '../backends/local/stages.js';
import type { LocalStore, SecretRecord } from '../backends/local/store.js';
import { writeFilesAtomic } from '../backends/local/batch-write.js';
import type { Tag } from '../operations/validators.js';

export class SeedError extends Error {}

export interface SeedVersion {
  versionId: string;
  secretData: string;
  dataType: string;
  stages: string[];
}

export interface SeedSecret {
  name: string;
  description: string;
  tags: Tag[];
  encryptionKeyId?: string;
  versions: SeedVersion[];
}

export interface SeedResult {
  created: number;
  unchanged: number;
}

const SECRET_FIELDS = new Set(['SecretName', 'Description', 'Tags', 'EncryptionKeyId', 'SecretType', 'Versions']);
const VERSION_FIELDS = new Set(['VersionId', 'SecretData', 'SecretDataType', 'VersionStages']);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Reads and checks a seed file; every error names the file and the secret (never a value). */
export function readSeed(file: string): SeedSecret[] {
  let text: string;
  try {
    // A file or a pipe (`--seed <(…)`); a device such as /dev/zero would be read forever.
    const st = statSync(file);
    if (!st.isFile() && !st.isFIFO() && !st.isDirectory()) throw new SeedError(`the seed file ${file} is not a file`);
    text = readFileSync(file, 'utf8');
  } catch (e: any) {
    if (e instanceof SeedError) throw e;
    throw new SeedError(`cannot read the seed file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, '')); // an editor's byte-order mark is not an error
  } catch (e: any) {
    throw new SeedError(`the seed file ${file} is not JSON: ${e.message}`);
  }
  if (!isObject(doc) || !Array.isArray(doc.Secrets))
    throw new SeedError(`the seed file ${file} must be a JSON object with a "Secrets" array: {"Secrets": [{"SecretName": "db", "Versions": [{"VersionId": "v1", "SecretData": "…"}]}]}`);
  const extra = Object.keys(doc).filter((k) => k !== 'Secrets');
  if (extra.length) throw new SeedError(`the seed file ${file} has an unknown field "${extra[0]}" (only "Secrets" is read)`);
  const seen = new Set<string>();
  return doc.Secrets.map((raw, i) => {
    const where = isObject(raw) && typeof raw.SecretName === 'string' ? `secret "${raw.SecretName}"` : `Secrets[${i}]`;
    const fail = (msg: string): never => {
      throw new SeedError(`seed file ${file}, ${where}: ${msg}`);
    };
    const secret = parseSecret(raw, fail);
    if (seen.has(secret.name)) fail('the secret is listed twice');
    seen.add(secret.name);
    return secret;
  });
}

function parseSecret(raw: unknown, fail: (msg: string) => never): SeedSecret {
  if (!isObject(raw)) return fail('must be an object with SecretName and Versions');
  for (const k of Object.keys(raw)) if (!SECRET_FIELDS.has(k)) fail(`unknown field "${k}" (known: ${[...SECRET_FIELDS].join(', ')})`);
  if (typeof raw.SecretName !== 'string') fail('"SecretName" must be a string');
  if (raw.SecretType !== undefined && raw.SecretType !== 'Generic') fail('only "SecretType": "Generic" secrets can be seeded');
  for (const k of ['Description', 'EncryptionKeyId'] as const) if (raw[k] !== undefined && typeof raw[k] !== 'string') fail(`"${k}" must be a string`);
  if (raw.Tags !== undefined && !Array.isArray(raw.Tags)) fail('"Tags" must be an array of {"TagKey": "…", "TagValue": "…"}');
  if (!Array.isArray(raw.Versions) || raw.Versions.length === 0) fail('"Versions" must be a non-empty array of {"VersionId": "…", "SecretData": "…"}');
  const versions = raw.Versions as unknown[];
  if (versions.length > MAX_VERSIONS) fail(`at most ${MAX_VERSIONS} versions, as in the service`);

  // The secret's own fields, checked as CreateSecret checks them.
  const create: Record<string, string> = { SecretName: raw.SecretName as string, SecretData: 'x', VersionId: 'v' };
  if (raw.Description !== undefined) create.Description = raw.Description as string;
  if (raw.Tags !== undefined) create.Tags = JSON.stringify(raw.Tags);
  if (raw.EncryptionKeyId !== undefined) create.EncryptionKeyId = raw.EncryptionKeyId as string;
  const decoded = decodeOr(S.CreateSecret, create, (field) => fail(`"${field}" is not valid for CreateSecret`));
  // As CreateSecret refuses them for a generic secret: names of managed secrets.
  if (decoded.SecretName.startsWith('acs/') || decoded.SecretName === '$Auto') fail('"SecretName" is reserved: acs/… and $Auto name managed secrets');

  const ids = new Set<string>();
  const parsed = versions.map((v, j): SeedVersion => {
    const vfail = (msg: string): never => fail(`Versions[${j}]${isObject(v) && typeof v.VersionId === 'string' ? ` ("${v.VersionId}")` : ''}: ${msg}`);
    if (!isObject(v)) return vfail('must be an object with VersionId and SecretData');
    for (const k of Object.keys(v)) if (!VERSION_FIELDS.has(k)) vfail(`unknown field "${k}" (known: ${[...VERSION_FIELDS].join(', ')})`);
    if (typeof v.VersionId !== 'string') vfail('"VersionId" must be a string');
    if (typeof v.SecretData !== 'string') vfail('"SecretData" must be a string');
    if (v.SecretDataType !== undefined && typeof v.SecretDataType !== 'string') vfail('"SecretDataType" must be "text" or "binary"');
    if (v.VersionStages !== undefined && (!Array.isArray(v.VersionStages) || v.VersionStages.some((s) => typeof s !== 'string')))
      vfail('"VersionStages" must be an array of stage names');
    if (ids.has(v.VersionId as string)) vfail('the VersionId is listed twice');
    ids.add(v.VersionId as string);
    const put: Record<string, string> = { SecretName: decoded.SecretName, VersionId: v.VersionId as string, SecretData: v.SecretData as string };
    if (v.SecretDataType !== undefined) put.SecretDataType = v.SecretDataType as string;
    if (v.VersionStages !== undefined) put.VersionStages = JSON.stringify(v.VersionStages);
    const req = decodeOr(S.PutSecretValue, put, (field) => vfail(field === 'SecretData' ? '"SecretData" is not valid (at most 30720 bytes)' : `"${field}" is not valid for PutSecretValue`));
    return { versionId: req.VersionId, secretData: req.SecretData, dataType: req.SecretDataType, stages: v.VersionStages === undefined ? [] : (req.VersionStages ?? []) };
  });

  // Stages: as given; ACSCurrent on the last version unless a version names it.
  const holder = new Map<string, string>();
  for (const v of parsed)
    for (const s of v.stages) {
      if (holder.has(s)) fail(`stage "${s}" is given to two versions ("${holder.get(s)}" and "${v.versionId}"); a stage marks one version`);
      holder.set(s, v.versionId);
    }
  if (!holder.has(ACS_CURRENT)) {
    const last = parsed[parsed.length - 1];
    last.stages = [ACS_CURRENT, ...last.stages];
    holder.set(ACS_CURRENT, last.versionId);
  }
  if (holder.size > MAX_STAGES) fail(`at most ${MAX_STAGES} stage labels, as in the service`);
  for (const v of parsed) v.stages = orderStages(v.stages);
  return { name: decoded.SecretName, description: decoded.Description ?? '', tags: decoded.Tags ?? [], encryptionKeyId: decoded.EncryptionKeyId, versions: parsed };
}

/** Decodes a request; on refusal, finds the field to blame by decoding each given field alone. */
function decodeOr<O extends OperationSpec>(op: O, params: Record<string, string>, blame: (field: string) => never): ReturnType<typeof decodeRequest<O>> {
  try {
    return decodeRequest(op, params);
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    const base: Record<string, string> = { SecretName: 'seed-check', SecretData: 'x', VersionId: 'v' };
    for (const [k, v] of Object.entries(params)) {
      try {
        decodeRequest(op, { ...base, [k]: v });
      } catch {
        return blame(k);
      }
    }
    return blame(Object.keys(params)[0]);
  }
}

/**
 * Applies the seed to `region` of the store under one hold of the store lock: absent secrets are
 * created, identical ones left alone; the first conflict aborts before anything is written.
 */
export async function applySeed(store: LocalStore, region: string, secrets: SeedSecret[], file: string): Promise<SeedResult> {
  return store.writeAsync(() => {
    const s = new Session(store, region);
    const toWrite: SecretRecord[] = [];
    let unchanged = 0;
    for (const seed of secrets) {
      const conflict = (msg: string): never => {
        throw new SeedError(`seed file ${file}, secret "${seed.name}": ${msg}; nothing was seeded (remove the secret from the store or the seed file, or use --ephemeral)`);
      };
      let keyId: string | null = null;
      if (seed.encryptionKeyId !== undefined) {
        const key = s.resolveKey(seed.encryptionKeyId);
        if (!key) conflict(`EncryptionKeyId "${seed.encryptionKeyId}" is not a key of region ${region} in this store`);
        keyId = key!.keyId === s.defaultKeyId() ? null : key!.keyId;
      }
      const existing = s.rs.readSecret(seed.name);
      if (existing && !s.expired(existing)) {
        if (existing.plannedDeleteTime) conflict('the store has it pending deletion');
        if (existing.type !== 'Generic') conflict(`the store has it as a ${existing.type} secret`);
        if (existing.keyId !== keyId) conflict('the store has it encrypted with another key');
        for (const v of seed.versions) {
          const have = existing.versions.find((x) => x.id === v.versionId);
          if (!have) conflict(`the store has no version "${v.versionId}"`);
          if (have!.dataType !== v.dataType || s.openValue(existing, have!.id, have!.value) !== v.secretData) conflict(`version "${v.versionId}" has another value in the store`);
        }
        unchanged++;
        continue;
      }
      const dk = s.newDataKey(seed.name, keyId);
      const now = s.isoNow();
      toWrite.push({
        name: seed.name,
        type: 'Generic',
        description: seed.description,
        keyId,
        tags: seed.tags,
        createTime: now,
        updateTime: now,
        dataKey: dk.sealed,
        versions: seed.versions.map((v) => ({ id: v.versionId, createTime: now, stages: v.stages, dataType: v.dataType, value: s.sealValue(dk.plain, seed.name, v.versionId, v.secretData) })),
      });
    }
    // Written only once every secret was checked: a conflict leaves the store as it was.
    s.rs.writeSecrets(toWrite, writeFilesAtomic);
    return { created: toWrite.length, unchanged };
  });
}
