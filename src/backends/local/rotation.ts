// RotateSecret and UpdateSecretRotationPolicy (kms-secrets-api.md §11.1, §11.2): managed secrets only.
import { invalidParameter, type OperationSpec } from '../../operations/spec.js';
import * as S from '../../operations/secrets.js';
import { rotatedValue } from './managed.js';
import { ACS_CURRENT, ACS_PREVIOUS, checkRotationInterval, handler, type HandlerTable, type Session } from './service.js';
import { addVersion, findVersion, holderOf, requireWritable } from './stages.js';
import { isoSeconds, type SecretRecord } from './store.js';

/** A managed secret to rotate or re-schedule; generic secrets cannot rotate themselves. */
function managedSecret(s: Session, ref: string, op: OperationSpec): SecretRecord {
  const rec = requireWritable(s, ref);
  if (rec.type === 'Generic') throw invalidParameter(op);
  return rec;
}

export const rotationHandlers: HandlerTable = {
  ...handler(S.RotateSecret, true, (req, s, op) => {
    const rec = managedSecret(s, req.SecretName, op);
    const answer = { Arn: s.secretArn(rec.name), SecretName: rec.name, VersionId: req.VersionId } satisfies Omit<S.RotateSecretResponse, 'RequestId'>;
    // An existing version id makes the call a no-op (§3.4).
    if (findVersion(rec, req.VersionId)) return answer;
    const current = holderOf(rec, ACS_CURRENT)!;
    const previous = holderOf(rec, ACS_PREVIOUS);
    const read = (v: typeof current) => JSON.parse(s.openValue(rec, v.id, v.value));
    const value = rotatedValue(rec, read(current), previous && read(previous), s, op);
    const dataKey = s.dataKey(rec);
    addVersion(rec, { id: req.VersionId, createTime: s.isoNow(), stages: [], dataType: 'text', value: s.sealValue(dataKey, rec.name, req.VersionId, JSON.stringify(value)) }, [ACS_CURRENT]);
    const rotation = (rec.rotation ??= { enabled: false });
    rotation.lastRotationDate = s.isoNow();
    if (rotation.enabled && rotation.intervalSeconds !== undefined) rotation.nextRotationDate = isoSeconds(s.now + rotation.intervalSeconds * 1000);
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return answer;
  }),

  ...handler(S.UpdateSecretRotationPolicy, true, (req, s, op) => {
    const rec = managedSecret(s, req.SecretName, op);
    const rotation = (rec.rotation ??= { enabled: false });
    if (req.EnableAutomaticRotation) {
      if (req.RotationInterval === undefined) throw invalidParameter(op);
      rotation.intervalSeconds = checkRotationInterval(req.RotationInterval, op);
      // The first automatic rotation: last rotation (or creation) + interval, at once if that has passed.
      const due = Date.parse(rotation.lastRotationDate ?? rec.createTime) + rotation.intervalSeconds * 1000;
      rotation.nextRotationDate = isoSeconds(Math.max(due, s.now));
      rotation.enabled = true;
    } else {
      // The interval, if given, is ignored when disabling.
      rotation.enabled = false;
      delete rotation.nextRotationDate;
    }
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return { SecretName: rec.name } satisfies Omit<S.SecretNameResponse, 'RequestId'>;
  }),
};
