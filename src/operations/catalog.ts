// Every API of KMS 2016-01-20 the real CLI accepts, with the parameters its metadata declares
// (kms-metadata.ts), and the ones we describe richly (secrets.ts, keys.ts: help texts, decoding,
// errors; the local service implements those).
import type { MetaType, OperationSpec } from './spec.js';
import * as secrets from './secrets.js';
import * as keys from './keys.js';
import { KMS_API_TABLE } from './kms-metadata.js';
import { API_SUMMARIES, PARAM_NOTES } from './summaries.js';

/** API names, sorted as Go's sort.Strings sorts them (the table is in that order). */
export const KMS_API_NAMES: string[] = KMS_API_TABLE.match(/^[A-Za-z]+/gm) ?? [];

/** Operations whose parameters we know: the CLI validates calls to these against the description. */
export const OPERATIONS: Record<string, OperationSpec> = Object.assign(Object.create(null), Object.fromEntries(
  ([...Object.values(secrets), ...Object.values(keys)] as unknown[])
    .filter((v): v is OperationSpec => typeof v === 'object' && v !== null && 'params' in v && 'invalidMessage' in v)
    .map((op) => [op.name, op]),
));

export const PRODUCT = { code: 'kms', name: 'Kms', longName: 'KeyManagementService', longNameZh: '密钥管理服务', version: '2016-01-20' };

/** The one-line summary `aliyun kms --help` shows (ours, never the metadata's prose). */
export function apiSummary(api: string): string {
  return OPERATIONS[api]?.summary || (Object.hasOwn(API_SUMMARIES, api) ? API_SUMMARIES[api] : '');
}

/**
 * The help text of a parameter: from our description of the API, else our note on the name. A
 * RepeatList member is looked up by its own name among the API's parameters (openapi/library.go
 * getDescription), so it usually has none.
 */
export function parameterHelp(api: string, name: string): string {
  const op = OPERATIONS[api];
  if (op) return Object.hasOwn(op.params, name) ? op.params[name].description.trim() : '';
  const key = Object.hasOwn(PARAM_NOTES, `${api}.${name}`) ? `${api}.${name}` : name;
  return Object.hasOwn(PARAM_NOTES, key) && apiMeta(api)?.params.some((p) => p.name === name) ? PARAM_NOTES[key] : '';
}

/** A parameter as the metadata declares it. */
export interface MetaParam {
  name: string;
  type: MetaType;
  required: boolean;
  /** RepeatList members (`Tag.N.Key`), each with its own type and required flag. */
  subParams?: MetaParam[];
}

export interface ApiMeta {
  name: string;
  /** The method the real CLI sends when neither --method nor --force says otherwise (meta/api.go GetMethod). */
  method: 'GET' | 'POST';
  params: MetaParam[];
}

const TYPES: Record<string, MetaType> = { '': 'String', I: 'Integer', B: 'Boolean', L: 'Long', R: 'RepeatList' };

function parseParam(token: string): MetaParam {
  const m = /^([A-Za-z0-9.]+)(!?)(?::([IBLR]))?(?:\((.*)\))?$/.exec(token);
  if (!m) throw new Error(`bad metadata entry ${token}`);
  const p: MetaParam = { name: m[1], type: TYPES[m[3] ?? ''], required: m[2] === '!' };
  if (m[4]) p.subParams = m[4].split('|').map(parseParam);
  return p;
}

const parsed = new Map<string, ApiMeta>();

/** The metadata of one API, or undefined for a name the real CLI does not know (names are case-sensitive). */
export function apiMeta(name: string): ApiMeta | undefined {
  const hit = parsed.get(name);
  if (hit) return hit;
  if (!/^[A-Za-z]+$/.test(name)) return undefined;
  const line = new RegExp(`^${name}(?= |$)(.*)$`, 'm').exec(KMS_API_TABLE);
  if (!line) return undefined;
  const tokens = line[1].trim().split(' ').filter(Boolean);
  let method: 'GET' | 'POST' = 'POST';
  if (tokens[0]?.startsWith('@')) method = tokens.shift()!.includes('POST') ? 'POST' : 'GET';
  const meta: ApiMeta = { name, method, params: tokens.map(parseParam) };
  parsed.set(name, meta);
  return meta;
}

/**
 * The parameter a `--Name` flag addresses, as the real CLI looks it up (meta/api.go
 * findParameterInner): an exact name; `Name.<anything>` for a RepeatList; `Name.<i>.<Sub>` for a
 * RepeatList with members. Go measures lengths in bytes.
 */
export function findParameter(params: readonly MetaParam[], name: string): MetaParam | undefined {
  for (const p of params) {
    if (p.name === name) return p;
    if (p.subParams?.length && name.startsWith(p.name + '.')) {
      const s = name.slice(p.name.length);
      if (Buffer.byteLength(s) >= 4 && s.split('.').length - 1 >= 2) {
        const index = name.slice(p.name.length + 1).indexOf('.') + 2;
        return findParameter(p.subParams, name.slice(p.name.length + index));
      }
      return undefined;
    }
    if (p.type === 'RepeatList' && name.startsWith(p.name)) {
      const s = name.slice(p.name.length);
      if (Buffer.byteLength(s) >= 2 && s[0] === '.') return p;
    }
  }
  return undefined;
}

/** Required parameters the client checks, in metadata order: RepeatLists are never checked (meta/api.go). */
export function requiredParameters(meta: ApiMeta): string[] {
  return meta.params.filter((p) => p.required && p.type !== 'RepeatList').map((p) => p.name);
}

/**
 * For shell completion: every API with its parameters as flags are typed (`SecretName`,
 * `ResourceId.1`, `Tag.1.Key`), as the real CLI completes them (meta/api.go ForeachParameters).
 */
export function completionParameters(api: string): string[] {
  const out: string[] = [];
  const walk = (params: readonly MetaParam[], prefix: string) => {
    for (const p of params) {
      if (p.subParams?.length) walk(p.subParams, `${prefix}${p.name}.1.`);
      else out.push(p.type === 'RepeatList' ? `${prefix}${p.name}.1` : prefix + p.name);
    }
  };
  const meta = apiMeta(api);
  if (meta) walk(meta.params, '');
  return out;
}
