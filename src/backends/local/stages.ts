// Stage labels and the version list of a secret (kms-secrets-api.md §3.2): a label marks at most one
// version, ACSCurrent moving away leaves ACSPrevious behind, at most 8 labels and 10 versions, the
// oldest unlabelled version rolls off first.
import { ServiceError } from '../../core/errors.js';
import { ACS_CURRENT, ACS_PREVIOUS, E, type Session } from './service.js';
import type { SecretRecord, VersionRecord } from './store.js';

export const MAX_VERSIONS = 10;
export const MAX_STAGES = 8;

export const isBuiltInStage = (label: string): boolean => label === ACS_CURRENT || label === ACS_PREVIOUS;

export const limitExceeded = () => new ServiceError(400, 'Rejected.LimitExceeded', 'exceed secret limits error');
export const paramMismatch = () => new ServiceError(400, 'Rejected.InvalidRequest', 'param mismatch');

/** Built-in labels first (ACSCurrent, ACSPrevious), then custom ones in the order they were attached. */
const rank = (label: string) => (label === ACS_CURRENT ? 0 : label === ACS_PREVIOUS ? 1 : 2);
export const orderStages = (labels: string[]): string[] => [...labels].sort((a, b) => rank(a) - rank(b));

export function holderOf(rec: SecretRecord, label: string): VersionRecord | undefined {
  return rec.versions.find((v) => v.stages.includes(label));
}

export function stagesInUse(rec: SecretRecord): Set<string> {
  return new Set(rec.versions.flatMap((v) => v.stages));
}

/**
 * Refuses a change that left the secret with more than 8 distinct labels. Called after the labels
 * moved, so the ACSPrevious that a moving ACSCurrent leaves behind is counted too; the handler then
 * throws before anything is written.
 */
export function checkStageLimit(rec: SecretRecord): void {
  if (stagesInUse(rec).size > MAX_STAGES) throw limitExceeded();
}

export function detachStage(rec: SecretRecord, label: string): void {
  for (const v of rec.versions) v.stages = v.stages.filter((l) => l !== label);
}

/**
 * Puts `label` on `target`, taking it from the version that held it. When ACSCurrent moves, the
 * version that held it becomes ACSPrevious (and the former ACSPrevious holder loses that label).
 */
export function moveStage(rec: SecretRecord, label: string, target: VersionRecord): void {
  const from = holderOf(rec, label);
  if (from === target) return;
  detachStage(rec, label);
  target.stages = orderStages([...target.stages, label]);
  if (label === ACS_CURRENT && from) moveStage(rec, ACS_PREVIOUS, from);
}

/**
 * Gives `target` exactly the labels `labels` (each moved from wherever it was). ACSCurrent goes
 * first, so a list naming both built-ins keeps both on the new version.
 */
export function applyStages(rec: SecretRecord, target: VersionRecord, labels: string[]): void {
  for (const l of orderStages(labels)) moveStage(rec, l, target);
}

/**
 * Appends a version carrying `labels`; past 10 versions the oldest unlabelled ones are deleted
 * ("rolling deletion"), after the labels moved. Returns the ids of the deleted versions.
 */
export function addVersion(rec: SecretRecord, version: VersionRecord, labels: string[]): string[] {
  rec.versions.push(version);
  applyStages(rec, version, labels);
  checkStageLimit(rec);
  const evicted: string[] = [];
  while (rec.versions.length > MAX_VERSIONS) {
    const i = rec.versions.findIndex((v) => v !== version && v.stages.length === 0);
    // Cannot happen: 8 labels mark at most 8 of 11 versions.
    if (i < 0) throw limitExceeded();
    evicted.push(rec.versions.splice(i, 1)[0].id);
  }
  return evicted;
}

export function findVersion(rec: SecretRecord, id: string): VersionRecord | undefined {
  return rec.versions.find((v) => v.id === id);
}

/** The secret for a write: it must exist and not be pending deletion (§3.3). */
export function requireWritable(s: Session, ref: string, notFound = E.notFound()): SecretRecord {
  const rec = s.require(ref, notFound);
  if (rec.plannedDeleteTime) throw E.inDeleteWindow();
  return rec;
}
