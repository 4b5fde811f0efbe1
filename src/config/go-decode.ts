// Reading config.json as the real CLI's Go code does (config/configuration.go NewConfigFromBytes,
// config/profile.go Profile.UnmarshalJSON): encoding/json into a Configuration pre-filled by
// NewConfiguration(). So: object keys match field names case-insensitively (an exact match wins),
// a missing "current" stays "default", missing "profiles" stays the one default profile, null leaves
// a field as it was, a value of the wrong JSON type fails the load with Go's UnmarshalTypeError
// text, and `retry_timeout` stands in for an absent `read_timeout`. Keys Go does not know are kept
// as they are (ours: so that writing the file back loses nothing).
import { JsonNumber, type JsonValue } from '../core/json.js';
import { INT_KEYS, PROFILE_KEYS } from './config-file.js';
import type { ConfigFile, Profile } from './profile.js';

const INT64_KEYS = new Set(['cloud_sso_access_token_expire', 'sts_expiration', 'oauth_access_token_expire', 'oauth_refresh_token_expire']);
const BOOL_KEYS = new Set(['auto_plugin_install', 'auto_plugin_install_enable_pre']);

export class GoDecodeError extends Error {}

/** Go's case folding for JSON keys (strings.EqualFold plus the two non-ASCII folds that reach ASCII). */
const fold = (s: string) => s.replace(/\u017f/g, 's').replace(/\u212a/g, 'k').toLowerCase();

function kindOf(v: JsonValue): string {
  if (v instanceof JsonNumber) return 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

const isObject = (v: JsonValue | undefined): v is Record<string, JsonValue> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);

/** Maps each key of `obj` to the Go field it sets (exact name first, else a case-insensitive match). */
function matchFields(obj: Record<string, JsonValue>, fields: readonly string[]): [field: string | undefined, key: string][] {
  return Object.keys(obj).map((k) => [fields.includes(k) ? k : fields.find((f) => fold(f) === fold(k)), k]);
}

function typeError(value: string, path: string, type: string): GoDecodeError {
  return new GoDecodeError(`json: cannot unmarshal ${value} into Go struct field ${path} of type ${type}`);
}

const INT_RANGE = { int: [-(2n ** 63n), 2n ** 63n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n] } as const;

/** One field's value as Go stores it; undefined for null (the field keeps what it had). */
function decodeField(key: string, v: JsonValue, path: string): unknown {
  if (v === null) return undefined;
  if (INT_KEYS.has(key) || key === 'retry_timeout') {
    const type = INT64_KEYS.has(key) ? 'int64' : 'int';
    if (!(v instanceof JsonNumber)) throw typeError(kindOf(v), path, type);
    const [lo, hi] = INT_RANGE[type];
    if (!/^-?\d+$/.test(v.text) || BigInt(v.text) < lo || BigInt(v.text) > hi) throw typeError(`number ${v.text}`, path, type);
    return Number(v.text);
  }
  if (BOOL_KEYS.has(key)) {
    if (typeof v !== 'boolean') throw typeError(kindOf(v), path, 'bool');
    return v;
  }
  if (typeof v !== 'string') throw typeError(kindOf(v), path, key === 'mode' ? 'config.AuthenticateMode' : 'string');
  return v;
}

/** The profile Go builds from one element of "profiles". */
function decodeProfile(v: JsonValue): Profile {
  const p: Profile = { name: '', mode: '' };
  if (v === null) return p;
  if (!isObject(v)) throw typeError(kindOf(v), 'Configuration.profiles', 'config.Profile');
  let retryTimeout: number | undefined;
  for (const [field, key] of matchFields(v, [...PROFILE_KEYS, 'retry_timeout'])) {
    if (!field) {
      if (!(key in p)) p[key] = v[key];
      continue;
    }
    const value = decodeField(field, v[key] as JsonValue, `Configuration.profiles.${field}`);
    if (value === undefined) continue;
    if (field === 'retry_timeout') retryTimeout = value as number;
    else p[field] = value;
  }
  // Profile.UnmarshalJSON: the legacy key is read when read_timeout is zero.
  if (!p.read_timeout && retryTimeout !== undefined) p.read_timeout = retryTimeout;
  return p;
}

/** The configuration Go holds after json.Unmarshal(bytes, NewConfiguration()). */
export function decodeConfiguration(doc: JsonValue, newProfile: (name: string) => Profile): ConfigFile {
  const cfg: ConfigFile = { current: 'default', profiles: [newProfile('default')], meta_path: '' };
  if (doc === null) return cfg;
  if (!isObject(doc)) throw new GoDecodeError(`json: cannot unmarshal ${kindOf(doc)} into Go value of type config.Configuration`);
  for (const [field, key] of matchFields(doc, ['current', 'profiles', 'meta_path'])) {
    const v = doc[key] as JsonValue;
    if (!field) {
      if (!(key in cfg)) cfg[key] = v;
      continue;
    }
    if (field === 'profiles') {
      if (v === null) cfg.profiles = [];
      else if (!Array.isArray(v)) throw typeError(kindOf(v), 'Configuration.profiles', '[]config.Profile');
      else cfg.profiles = v.map(decodeProfile);
      continue;
    }
    const s = decodeField(field, v, `Configuration.${field}`);
    if (s !== undefined) cfg[field] = s;
  }
  return cfg;
}
