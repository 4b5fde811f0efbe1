// Versions and stage labels of generic secrets (kms-secrets-api.md §3, §9, §10): PutSecretValue,
// UpdateSecretVersionStage, ListSecretVersionIds, UpdateSecret. Tags, rotation and random
// passwords live in their own modules, registered from here (their modules have no side effects,
// so service.ts can import managed.ts without an import cycle running a registration early).
import { ServiceError } from '../../core/errors.js';
import { invalidParameter } from '../../operations/spec.js';
import * as S from '../../operations/secrets.js';
import { ACS_CURRENT, E, handler, page, registerHandlers } from './service.js';
import { passwordHandlers } from './random-password.js';
import { rotationHandlers } from './rotation.js';
import { tagHandlers } from './tags.js';
import { addVersion, checkStageLimit, detachStage, findVersion, holderOf, isBuiltInStage, moveStage, paramMismatch, requireWritable } from './stages.js';

registerHandlers({
  ...passwordHandlers,
  ...tagHandlers,
  ...rotationHandlers,

  ...handler(S.PutSecretValue, true, (req, s, op) => {
    const rec = requireWritable(s, req.SecretName);
    if (rec.type !== 'Generic') throw invalidParameter(op);
    const existing = findVersion(rec, req.VersionId);
    if (existing) {
      // Same id and same value: a replay, answered with the version as it is now (§3.4).
      if (s.openValue(rec, existing.id, existing.value) !== req.SecretData) throw E.exists('The request was rejected becasue key already exsit');
      return { SecretName: rec.name, VersionId: existing.id, VersionStages: { VersionStage: [...existing.stages] } } satisfies Omit<S.PutSecretValueResponse, 'RequestId'>;
    }
    const version = {
      id: req.VersionId,
      createTime: s.isoNow(),
      stages: [] as string[],
      dataType: req.SecretDataType,
      value: s.sealValue(s.dataKey(rec), rec.name, req.VersionId, req.SecretData),
    };
    addVersion(rec, version, req.VersionStages ?? [ACS_CURRENT]);
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return { SecretName: rec.name, VersionId: version.id, VersionStages: { VersionStage: [...version.stages] } } satisfies Omit<S.PutSecretValueResponse, 'RequestId'>;
  }),

  ...handler(S.UpdateSecretVersionStage, true, (req, s, op) => {
    if (req.MoveToVersion === undefined && req.RemoveFromVersion === undefined)
      throw new ServiceError(400, 'MissingParameter', 'The parameter "MoveToVersion" is needed but not provided.');
    const rec = requireWritable(s, req.SecretName);
    if (rec.type !== 'Generic') throw invalidParameter(op);
    const label = req.VersionStage;
    const to = req.MoveToVersion === undefined ? undefined : findVersion(rec, req.MoveToVersion);
    const from = req.RemoveFromVersion === undefined ? undefined : findVersion(rec, req.RemoveFromVersion);
    if ((req.MoveToVersion !== undefined && !to) || (req.RemoveFromVersion !== undefined && !from)) throw E.notFound();
    // ACSCurrent and ACSPrevious can only be moved, never simply removed.
    if (isBuiltInStage(label) && !to) throw paramMismatch();
    if (from && !from.stages.includes(label)) throw paramMismatch();
    if (to) {
      moveStage(rec, label, to);
      checkStageLimit(rec);
    } else detachStage(rec, label);
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return { SecretName: rec.name } satisfies Omit<S.SecretNameResponse, 'RequestId'>;
  }),

  ...handler(S.ListSecretVersionIds, false, (req, s) => {
    // A read: allowed while the secret is pending deletion (§3.3 recommendation).
    const rec = s.find(req.SecretName);
    if (!rec) throw E.notFound();
    const versions = rec.versions.filter((v) => req.IncludeDeprecated === 'true' || v.stages.length > 0).reverse();
    return {
      SecretName: rec.name,
      PageNumber: req.PageNumber,
      PageSize: req.PageSize,
      TotalCount: versions.length,
      VersionIds: {
        VersionId: page(versions, req.PageNumber, req.PageSize).map((v) => ({
          VersionId: v.id,
          CreateTime: v.createTime,
          VersionStages: v.stages.length ? { VersionStage: [...v.stages] } : undefined,
        })),
      },
    } satisfies Omit<S.ListSecretVersionIdsResponse, 'RequestId'>;
  }),

  ...handler(S.UpdateSecret, true, (req, s, op) => {
    const rec = requireWritable(s, req.SecretName);
    const customData = req['ExtendedConfig.CustomData'];
    if (customData !== undefined) {
      // Custom data belongs to a managed secret's extended configuration; generic ones have none.
      if (rec.type === 'Generic') throw invalidParameter(op);
      const config = rec.extendedConfig ? JSON.parse(rec.extendedConfig) : {};
      rec.extendedConfig = JSON.stringify({ ...config, CustomData: customData });
    }
    if (req.Description !== undefined) rec.description = req.Description;
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return { SecretName: rec.name } satisfies Omit<S.SecretNameResponse, 'RequestId'>;
  }),
});
