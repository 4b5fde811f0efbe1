// Resolving references through the Backend interface (never the store or the transport): each
// distinct secret version is fetched once, all of them at the same time, so twenty references on the
// remote backend cost about one round trip.
import type { Backend } from '../backends/backend.js';
import { JsonNumber, parseLossless, type JsonValue } from '../core/json.js';
import { ServiceError } from '../core/errors.js';
import type { SecretRef } from './reference.js';

/** A reference that names nothing: a secret, version or field that does not exist (exit 4). */
export class NotFoundError extends Error {}

/** A value that cannot go where it was asked to (e.g. binary bytes into an environment variable). */
export class ValueError extends Error {}

export interface Fetched {
  /** The secret's bytes: text as UTF-8, a binary secret decoded from Base64. */
  bytes: Buffer;
  binary: boolean;
}

/** One secret value, or a field of it, in the forms the commands need. */
export interface Resolved {
  ref: SecretRef;
  bytes: Buffer;
  /** The parsed JSON object the reference points at (for `PREFIX_*`), when it is one. */
  object?: Record<string, JsonValue | undefined>;
}

const isObject = (v: unknown): v is Record<string, JsonValue | undefined> => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);

/** Compact JSON, number literals as the secret wrote them. */
export function compactJson(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof JsonNumber) return v.text;
  if (typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(compactJson).join(',') + ']';
  return '{' + Object.keys(v).filter((k) => v[k] !== undefined).map((k) => JSON.stringify(k) + ':' + compactJson(v[k])).join(',') + '}';
}

/** A field's text: a string raw, anything else its compact JSON. */
export const fieldText = (v: JsonValue | undefined) => (typeof v === 'string' ? v : compactJson(v));

function describe(ref: SecretRef): string {
  const version = ref.versionId !== undefined ? ` version ${ref.versionId}` : ref.versionStage !== undefined ? ` stage ${ref.versionStage}` : '';
  return `${ref.text}: secret ${ref.secretName}${version}`;
}

async function fetchValue(backend: Backend, ref: SecretRef, region: string): Promise<Fetched> {
  const params: Record<string, string> = { SecretName: ref.secretName };
  if (ref.versionStage !== undefined) params.VersionStage = ref.versionStage;
  if (ref.versionId !== undefined) params.VersionId = ref.versionId;
  let body: JsonValue;
  try {
    body = await backend.call({ action: 'GetSecretValue', params, region: ref.region ?? region });
  } catch (e) {
    if (e instanceof ServiceError && (e.code === 'Forbidden.ResourceNotFound' || e.httpStatus === 404))
      throw new NotFoundError(`${describe(ref)} does not exist (${e.code})`);
    throw e;
  }
  if (!isObject(body) || typeof body.SecretData !== 'string') throw new Error(`${ref.text}: the answer to GetSecretValue has no SecretData`);
  // An answer is used only for the secret it names: a value must never land in another variable,
  // whatever an endpoint (or a connection carrying a stray answer) sends. An ARN may come back as the name.
  const named = body.SecretName;
  if (typeof named === 'string' && named !== ref.secretName && named !== ref.arnName)
    throw new Error(`${ref.text}: the answer to GetSecretValue is for another secret (${JSON.stringify(named)}); nothing was used`);
  if (ref.versionId !== undefined && typeof body.VersionId === 'string' && body.VersionId !== ref.versionId)
    throw new Error(`${ref.text}: the answer to GetSecretValue is for another version (${JSON.stringify(body.VersionId)}); nothing was used`);
  const binary = body.SecretDataType === 'binary';
  return { bytes: Buffer.from(body.SecretData, binary ? 'base64' : 'utf8'), binary };
}

function pick(ref: SecretRef, fetched: Fetched): Resolved {
  if (!ref.field) {
    const out: Resolved = { ref, bytes: fetched.bytes };
    // Only an object is kept (for `PREFIX_*`): a text that does not start with `{` is not parsed at all.
    if (!fetched.binary && startsWithBrace(fetched.bytes)) {
      const v = parseJson(fetched.bytes.toString('utf8'));
      if (isObject(v)) out.object = v;
    }
    return out;
  }
  const where = `${describe(ref)}`;
  if (fetched.binary) throw new NotFoundError(`${where} is binary, so it has no field ${ref.field.join('.')}`);
  let v: JsonValue | undefined = parseJson(fetched.bytes.toString('utf8'));
  if (v === undefined) throw new NotFoundError(`${where} is not a JSON object, so it has no field ${ref.field.join('.')}`);
  const walked: string[] = [];
  for (const [at, key] of ref.field.entries()) {
    walked.push(key);
    if (!isObject(v) || !Object.hasOwn(v, key) || v[key] === undefined) {
      // `#a.b` walks into `a`: a key that itself holds the dot is written with %2E.
      const dotted = ref.field.slice(at).join('.');
      const hint = isObject(v) && at < ref.field.length - 1 && Object.hasOwn(v, dotted) ? ` (the key '${dotted}' holds a dot: write #${[...ref.field.slice(0, at), dotted.replace(/\./g, '%2E')].join('.')})` : '';
      throw new NotFoundError(`${where} has no field ${walked.join('.')}${hint}`);
    }
    v = v[key];
  }
  return { ref, bytes: Buffer.from(fieldText(v), 'utf8'), object: isObject(v) ? v : undefined };
}

/** The first byte that is not JSON whitespace is `{`. */
function startsWithBrace(b: Buffer): boolean {
  for (const c of b) if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c === 0x7b;
  return false;
}

/** The JSON value of a secret's text, or undefined when it is not (exactly) JSON. */
function parseJson(text: string): JsonValue | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  return parseLossless(text);
}

/**
 * Resolves every reference, concurrently, fetching each distinct secret version once. Fails (with
 * the error of the first failing reference in the order given) only after every fetch has settled.
 */
/** At most this many requests in flight: twenty references cost one round trip, two hundred do not flood the endpoint. */
export const MAX_CONCURRENT_FETCHES = 32;

export async function resolveAll(refs: SecretRef[], backend: Backend, region: string): Promise<Resolved[]> {
  const fetches = new Map<string, Promise<Fetched>>();
  let active = 0;
  const waiting: (() => void)[] = [];
  const limited = async (ref: SecretRef): Promise<Fetched> => {
    if (active >= MAX_CONCURRENT_FETCHES) await new Promise<void>((res) => waiting.push(res));
    active++;
    try {
      return await fetchValue(backend, ref, region);
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  const pending = refs.map((ref) => {
    const key = JSON.stringify([ref.region ?? region, ref.secretName, ref.versionStage ?? null, ref.versionId ?? null]);
    let f = fetches.get(key);
    if (!f) {
      f = limited(ref);
      fetches.set(key, f);
    }
    return f.then((fetched) => pick(ref, fetched));
  });
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<Resolved>).value);
}
