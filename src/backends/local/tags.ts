// Tags of secrets and keys (kms-secrets-api.md §11.4, §11.5): TagResource / UntagResource for one
// resource, TagResources / UntagResources / ListTagResources in batches (`ResourceId.N`, `Tag.N.Key`).
import { ServiceError } from '../../core/errors.js';
import { InvalidParam, invalidParameter, type OperationSpec } from '../../operations/spec.js';
import * as S from '../../operations/secrets.js';
import { checkTagKey, checkTagValue, MAX_TAGS, type Tag } from '../../operations/validators.js';
import { E, handler, type HandlerTable, type Session } from './service.js';
import { requireWritable } from './stages.js';
import type { KeyRecord, SecretRecord } from './store.js';

const BATCH_RESOURCES = 50;
const LIST_PAGE = 200;
const NOT_VALID = 'The specified parameter is not valid.';

const TE = {
  tagKey: () => new ServiceError(400, 'InvalidParameter.TagKey', NOT_VALID),
  tagValue: () => new ServiceError(400, 'InvalidParameter.TagValue', NOT_VALID),
  duplicate: () => new ServiceError(400, 'Duplicate.TagKey', 'The specified tagKey is duplicate.'),
  resourceNotFound: () => new ServiceError(404, 'InvalidResourceId.NotFound', 'The specified ResourceId is not found.'),
};

/** A taggable record and how to save it. */
interface Taggable {
  id: string;
  tags: Tag[];
  save(tags: Tag[]): void;
}

function secretTaggable(s: Session, rec: SecretRecord): Taggable {
  return {
    id: rec.name,
    tags: rec.tags,
    save: (tags) => {
      rec.tags = tags;
      rec.updateTime = s.isoNow();
      s.rs.writeSecret(rec);
    },
  };
}

function keyTaggable(s: Session, rec: KeyRecord): Taggable {
  return {
    id: rec.keyId,
    tags: rec.tags,
    save: (tags) => {
      rec.tags = tags;
      s.rs.writeKey(rec);
    },
  };
}

/** A secret to tag: tag writes are refused while it is pending deletion (§3.3, our choice). */
const writableSecret = (s: Session, ref: string, notFound: ServiceError): Taggable => secretTaggable(s, requireWritable(s, ref, notFound));

/** Customer keys only: the service default key is derived and keeps no record to tag. */
function customerKey(s: Session, ref: string, notFound: ServiceError): Taggable {
  const key = s.resolveKey(ref);
  if (!key || key.keyId === s.defaultKeyId()) throw notFound;
  return keyTaggable(s, key);
}

/** Adds or overwrites tags; a resource carries at most 20. */
function upsert(existing: Tag[], add: Tag[], tooMany: () => ServiceError): Tag[] {
  const out = existing.map((t) => ({ ...t }));
  for (const t of add) {
    const have = out.find((x) => x.TagKey === t.TagKey);
    if (have) have.TagValue = t.TagValue;
    else out.push({ TagKey: t.TagKey, TagValue: t.TagValue });
  }
  if (out.length > MAX_TAGS) throw tooMany();
  return out;
}

/** The one resource named by exactly one of KeyId / SecretName / CertificateId. */
function singleResource(req: { KeyId?: string; SecretName?: string; CertificateId?: string }, s: Session, op: OperationSpec): Taggable {
  const given = [req.KeyId, req.SecretName, req.CertificateId].filter((x) => x !== undefined);
  if (given.length !== 1) throw invalidParameter(op);
  if (req.SecretName !== undefined) return writableSecret(s, req.SecretName, E.notFound());
  if (req.KeyId !== undefined) return customerKey(s, req.KeyId, E.keyNotFound());
  // The local store keeps no certificates.
  throw E.notFound();
}

/** Runs a validator from validators.ts, turning its refusal into `error`. */
function check<T>(fn: () => T, error: () => ServiceError): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InvalidParam) throw error();
    throw e;
  }
}

function resourceType(raw: string, op: OperationSpec): 'secret' | 'key' {
  if (raw !== 'secret' && raw !== 'key') throw invalidParameter(op);
  return raw;
}

function batchIds(ids: string[], op: OperationSpec): string[] {
  if (ids.length < 1 || ids.length > BATCH_RESOURCES || ids.some((id) => !id)) throw invalidParameter(op);
  return ids;
}

/** `Tag.N.Key` / `Tag.N.Value` pairs: keys valid and unique, at most 20; a missing value is empty. */
function batchTags(items: { Key?: string; Value?: string }[], op: OperationSpec): Tag[] {
  if (items.length > MAX_TAGS) throw invalidParameter(op);
  const seen = new Set<string>();
  return items.map((t) => {
    const key = check(() => checkTagKey(t.Key), TE.tagKey);
    if (seen.has(key)) throw TE.duplicate();
    seen.add(key);
    return { TagKey: key, TagValue: check(() => checkTagValue(t.Value ?? ''), TE.tagValue) };
  });
}

/** Every named resource first, so that a batch with one unknown id changes nothing. */
function batchResources(s: Session, type: 'secret' | 'key', ids: string[]): Taggable[] {
  return ids.map((id) => (type === 'secret' ? writableSecret(s, id, TE.resourceNotFound()) : customerKey(s, id, TE.resourceNotFound())));
}

/** The resources a listing reads: pending-deletion secrets included (it is a read). */
function listedResources(s: Session, type: 'secret' | 'key', ids: string[]): { id: string; tags: Tag[] }[] {
  if (type === 'secret') {
    if (!ids.length) return s.rs.listSecrets().filter((r) => !s.expired(r)).map((r) => ({ id: r.name, tags: r.tags })).sort(byId);
    return ids.map((id) => {
      const rec = s.find(id);
      if (!rec) throw TE.resourceNotFound();
      return { id: rec.name, tags: rec.tags };
    });
  }
  if (!ids.length) return s.rs.listKeys().map((k) => ({ id: k.keyId, tags: k.tags })).sort(byId);
  return ids.map((id) => {
    const key = s.resolveKey(id);
    if (!key) throw TE.resourceNotFound();
    return { id: key.keyId, tags: key.tags };
  });
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** NextToken: the offset of the next row, opaque to callers. */
const tokenOf = (offset: number) => Buffer.from(`tags:${offset}`).toString('base64url');
function offsetOf(token: string | undefined, op: OperationSpec): number {
  if (token === undefined) return 0;
  const m = /^tags:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!m || tokenOf(Number(m[1])) !== token) throw invalidParameter(op);
  return Number(m[1]);
}

export const tagHandlers: HandlerTable = {
  ...handler(S.TagResource, true, (req, s, op) => {
    if (req.Tags.length === 0) throw invalidParameter(op);
    const r = singleResource(req, s, op);
    r.save(upsert(r.tags, req.Tags, () => invalidParameter(op)));
    return {};
  }),

  ...handler(S.UntagResource, true, (req, s, op) => {
    const r = singleResource(req, s, op);
    // Keys the resource does not carry are ignored.
    r.save(r.tags.filter((t) => !req.TagKeys.includes(t.TagKey)));
    return {};
  }),

  ...handler(S.TagResources, true, (req, s, op) => {
    const type = resourceType(req.ResourceType, op);
    const ids = batchIds(req.ResourceId, op);
    const tags = batchTags(req.Tag, op);
    if (!tags.length) throw invalidParameter(op);
    const resources = batchResources(s, type, ids);
    const updated = resources.map((r) => upsert(r.tags, tags, () => invalidParameter(op)));
    resources.forEach((r, i) => r.save(updated[i]));
    return {};
  }),

  ...handler(S.UntagResources, true, (req, s, op) => {
    const type = resourceType(req.ResourceType, op);
    const ids = batchIds(req.ResourceId, op);
    const keys: string[] = req.TagKey;
    if (keys.length > MAX_TAGS) throw invalidParameter(op);
    keys.forEach((k) => check(() => checkTagKey(k), TE.tagKey));
    const resources = batchResources(s, type, ids);
    // `All` only counts when no TagKey is given; with neither, nothing is removed.
    for (const r of resources) {
      if (keys.length) r.save(r.tags.filter((t) => !keys.includes(t.TagKey)));
      else if (req.All) r.save([]);
    }
    return {};
  }),

  ...handler(S.ListTagResources, false, (req, s, op) => {
    const type = resourceType(req.ResourceType, op);
    const ids: string[] = req.ResourceId;
    if (ids.length > BATCH_RESOURCES) throw invalidParameter(op);
    const wanted = batchTags(req.Tag, op);
    const valueGiven = new Set((req.Tag as { Key?: string; Value?: string }[]).filter((t) => t.Value !== undefined).map((t) => t.Key));
    // A resource is listed when it carries every tag asked for (the value too, when one is given).
    const matches = (tags: Tag[]) => wanted.every((w) => tags.some((t) => t.TagKey === w.TagKey && (!valueGiven.has(w.TagKey) || t.TagValue === w.TagValue)));
    const rows: S.TagResourceRow[] = listedResources(s, type, ids)
      .filter((r) => matches(r.tags))
      .flatMap((r) => r.tags.map((t) => ({ ResourceId: r.id, ResourceType: type, TagKey: t.TagKey, TagValue: t.TagValue })));
    const from = offsetOf(req.NextToken, op);
    const next = from + LIST_PAGE < rows.length ? tokenOf(from + LIST_PAGE) : '';
    return { NextToken: next, TagResources: { TagResource: rows.slice(from, from + LIST_PAGE) } } satisfies Omit<S.ListTagResourcesResponse, 'RequestId'>;
  }),
};
