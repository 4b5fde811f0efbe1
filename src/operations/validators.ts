// Value rules shared by several operations (kms-secrets-api.md §4, §5, §11).
import { invalid } from './spec.js';

export interface Tag {
  TagKey: string;
  TagValue: string;
}

const SECRET_NAME_CHARS = /^[A-Za-z0-9_/+=.@\-\u4e00-\u9fff]+$/;
const CJK = /[\u4e00-\u9fff]/g;

/**
 * CreateSecret's SecretName: ≤192 characters of `A-Za-z0-9_/+=.@-`, Chinese allowed (≤64 of them).
 * The literal `$Auto` asks KMS to name a RAMCredentials secret (refused for other types later).
 */
export function checkNewSecretName(name: string): string {
  if (name === '$Auto') return name;
  if ([...name].length > 192 || !SECRET_NAME_CHARS.test(name)) invalid('secret name');
  if ((name.match(CJK)?.length ?? 0) > 64) invalid('too many Chinese characters');
  return name;
}

// VersionId's character set is unconfirmed [U]; we refuse only what cannot be a sensible id:
// white space and control characters. Length 1–64.
export function checkVersionId(id: string): string {
  if ([...id].length > 64 || /[\s\u0000-\u001f\u007f]/.test(id)) invalid('version id');
  return id;
}

const TAG_CHARS = /^[A-Za-z0-9/\\_\-.+=:@]*$/;

export function checkTagKey(k: unknown): string {
  if (typeof k !== 'string' || k.length < 1 || k.length > 128 || !TAG_CHARS.test(k)) return invalid('tag key');
  if (k.startsWith('aliyun') || k.startsWith('acs:')) invalid('reserved tag key');
  return k;
}

export function checkTagValue(v: unknown): string {
  if (typeof v !== 'string' || v.length > 128 || !TAG_CHARS.test(v)) return invalid('tag value');
  return v;
}

export const MAX_TAGS = 20;

/** `[{"TagKey":"k","TagValue":"v"}, …]`: at most 20, keys unique. */
export function parseTags(v: unknown): Tag[] {
  if (!Array.isArray(v) || v.length > MAX_TAGS) return invalid('tags');
  const seen = new Set<string>();
  return v.map((t) => {
    if (!t || typeof t !== 'object') return invalid('tag');
    const key = checkTagKey((t as any).TagKey);
    const value = checkTagValue((t as any).TagValue ?? '');
    if (seen.has(key)) invalid('duplicate tag key');
    seen.add(key);
    return { TagKey: key, TagValue: value };
  });
}

export interface Filter {
  Key: string;
  Values: string[];
}

/** ListSecrets / ListKeys `Filters`: 0–10 entries of {Key, Values[0–10]}, keys from `allowed`. */
export function parseFilters(allowed: readonly string[]) {
  return (v: unknown): Filter[] => {
    if (!Array.isArray(v) || v.length > 10) return invalid('filters');
    return v.map((f) => {
      if (!f || typeof f !== 'object') return invalid('filter');
      const { Key, Values } = f as any;
      if (typeof Key !== 'string' || !allowed.includes(Key)) return invalid('filter key');
      if (!Array.isArray(Values) || Values.length > 10 || Values.some((x) => typeof x !== 'string' || x.length < 1 || x.length > 256)) return invalid('filter values');
      return { Key, Values };
    });
  };
}

/** `<integer><d|h|m|s>` → seconds. */
export function parseInterval(raw: string): number {
  const m = /^(\d+)([dhms])$/.exec(raw.trim());
  if (!m) return invalid('interval');
  return Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2] as 'd' | 'h' | 'm' | 's'];
}

/** UntagResource `TagKeys`: `["k1","k2"]`, each 1–128 characters. */
export function parseTagKeys(v: unknown): string[] {
  if (!Array.isArray(v) || v.length < 1 || v.some((k) => typeof k !== 'string' || k.length < 1 || k.length > 128)) return invalid('tag keys');
  return v as string[];
}

/** Managed secrets' `CustomData`: a JSON object of at most 10 pairs (§12). */
export function parseCustomData(v: unknown): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length > 10) return invalid('custom data');
  return v as Record<string, unknown>;
}

/** GetRandomPassword's character classes (§11.3). The backtick is in none of them [U]. */
export const PASSWORD_CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  numbers: '0123456789',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_{|}~',
} as const;

/** `ExcludeCharacters`: letters, digits and punctuation only (a backtick is accepted: it never appears anyway). */
export function checkExcludeCharacters(raw: string): string {
  const allowed = Object.values(PASSWORD_CLASSES).join('') + '`';
  if ([...raw].some((c) => !allowed.includes(c))) invalid('exclude characters');
  return raw;
}
