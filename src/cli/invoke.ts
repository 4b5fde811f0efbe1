// Step 13 of a call: send it through the backend. `--dryrun`, `--pager` and `--waiter` (print instead
// of sending, repeat the call and merge, or poll) live here because they work the same on both backends.
import type { Backend, Call } from '../backends/backend.js';
import { CliError } from '../core/errors.js';
import { JsonNumber, parseLossless, toPlain, type JsonValue } from '../core/json.js';
import { flagList, flagValue, type ParsedArgs } from './argv.js';
import type { Io } from './render.js';

export async function invoke(backend: Backend, call: Call, a: ParsedArgs, io: Io): Promise<JsonValue | undefined> {
  if (a.flags.has('dryrun')) {
    io.out(await dryRunText(backend, call));
    return undefined;
  }
  try {
    const pager = flagList(a, 'pager');
    if (pager !== undefined) return await pageAll(backend, call, pager);
    const waiter = flagList(a, 'waiter');
    if (waiter !== undefined) return await waitFor(backend, call, waiter);
    return await backend.call(call);
  } catch (e: any) {
    if (e?.nonJsonBody === true && typeof e.text === 'string') return notJson(e.text, a, io);
    throw e;
  }
}

/** encoding/json's complaint about `text`: json.Unmarshal's (strict) or a Decoder's. */
function jsonError(text: string, strict: boolean): string {
  try {
    parseLossless(text, strict);
    return '';
  } catch (e: any) {
    if (strict || e.message !== 'unexpected end of JSON input') return e.message;
    return text.trim() === '' ? 'EOF' : 'unexpected EOF';
  }
}

/**
 * A 2xx body that is not JSON (openapi/commando.go processInvoke): printed as it came, unless a
 * step that must decode it comes first: the pager (pager.go FeedResponse), the waiter
 * (response_utils.go evaluateExpr), --quiet (prints nothing), --cli-query, --output.
 */
function notJson(text: string, a: ParsedArgs, io: Io): undefined {
  if (flagList(a, 'pager') !== undefined) throw new CliError(`call failed unmarshal ${jsonError(text, true)}`);
  if (flagList(a, 'waiter') !== undefined) throw new CliError(`unmarshal failed ${jsonError(text, true)}`);
  if (a.flags.has('quiet')) return undefined;
  if (flagValue(a, 'cli-query')) throw new CliError(`failed to parse JSON response: ${jsonError(text, false)}`);
  if (flagList(a, 'output') !== undefined) throw new CliError(`unmarshal output failed ${jsonError(`{"RootFilter":[${text}]}`, false)}`);
  io.out(text + '\n');
  return undefined;
}

async function dryRunText(backend: Backend, call: Call): Promise<string> {
  // The local backend's --dryrun is answered in main.ts (it validates and signs nothing).
  const remote = backend as Backend & { dryRun?: (c: Call) => Promise<string> };
  if (!remote.dryRun) throw new CliError('--dryrun is not supported by this backend');
  return remote.dryRun(call);
}

/** `k=v` tokens of a repeatable flag → map; a token without `=` is ignored. */
function fieldsOf(flag: string, tokens: string[], allowed: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const t of tokens) {
    const i = t.indexOf('=');
    if (i < 0) continue;
    const k = t.slice(0, i);
    if (!allowed.includes(k)) throw new CliError(`bad flag format --${flag} with field ${k}= is not supported`);
    m.set(k, t.slice(i + 1));
  }
  return m;
}

const isObject = (v: unknown): v is Record<string, JsonValue> => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);

function numberOf(v: JsonValue | undefined): number | undefined {
  if (v instanceof JsonNumber) return Number(v.text);
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** The collection path the real CLI detects: the first member of the body holding an array. */
function detectPath(body: JsonValue): string {
  if (isObject(body))
    for (const [k, v] of Object.entries(body)) {
      if (!isObject(v)) continue;
      const inner = Object.entries(v).find(([, x]) => Array.isArray(x));
      if (inner) return `${k}.${inner[0]}[]`;
    }
  throw new CliError("call failed can't auto recognize collections path: you need add `--pager path=[jmespath]` to assign manually");
}

/**
 * `--pager`: every page merged (the real CLI stops after the first page of page-number APIs because
 * NextToken is its default; we follow NextToken when the response has one, page numbers otherwise).
 */
async function pageAll(backend: Backend, call: Call, tokens: string[]): Promise<JsonValue> {
  const f = fieldsOf('pager', tokens, ['path', 'PageNumber', 'PageSize', 'TotalCount', 'NextToken']);
  // openapi/pager.go GetPager: each field is a JMESPath into the response; the request parameter is
  // its last dotted part (`PageNumber=Data.PageNumber` reads Data.PageNumber, sends PageNumber).
  // A field given empty is an empty expression (an error when read), except NextToken= which turns
  // next-token mode off.
  const field = (k: string) => (f.has(k) ? f.get(k)! : k);
  const pageNumberExpr = field('PageNumber');
  const pageSizeExpr = field('PageSize');
  const totalExpr = field('TotalCount');
  const nextTokenExpr = field('NextToken');
  const lastPart = (expr: string) => expr.split('.').pop()!;
  const params = { ...call.params };
  const items: JsonValue[] = [];
  const { search } = await import('../core/jmespath.js');
  const read = (expr: string, body: JsonValue): unknown => {
    try {
      return search(expr, body);
    } catch (e: any) {
      throw new CliError(`call failed jmespath: '${expr}' failed ${e.message}`);
    }
  };
  let path = f.get('path') || undefined;
  for (let pages = 0; ; pages++) {
    if (pages > 10000) throw new CliError('call failed the pager did not reach the last page after 10000 pages');
    const body = await backend.call({ ...call, params });
    // FeedResponse's order: the next token, then (without one) the page fields, then the collection.
    const next = nextTokenExpr ? read(nextTokenExpr, body) : undefined;
    const more = typeof next === 'string' && next !== '';
    const total = more ? undefined : numberOf(read(totalExpr, body) as JsonValue);
    const number = more ? undefined : numberOf(read(pageNumberExpr, body) as JsonValue);
    const size = more ? undefined : numberOf(read(pageSizeExpr, body) as JsonValue);
    path ??= detectPath(body);
    // openapi/pager.go mergeCollections: the path is a JMESPath; its errors and non-arrays merge nothing.
    let list: unknown;
    try {
      list = search(path, body);
    } catch {
      list = undefined;
    }
    // Deliberate deviation: the real CLI's pager (openapi/pager.go) decodes pages into float64s, so
    // 1.50 prints 1.5 and a 23-digit integer is rounded; ours keeps every literal as the server sent it.
    if (Array.isArray(list)) items.push(...(list as JsonValue[]));
    if (more) {
      params[lastPart(nextTokenExpr)] = next;
      continue;
    }
    if (total === undefined || number === undefined || !size || number >= Math.ceil(total / size)) break;
    params[lastPart(pageNumberExpr)] = String(number + 1);
  }
  // GetResponseCollection: the result is keyed by the path's last two dotted parts, `[]` trimmed.
  const parts = path!.split('.');
  const inner = parts[parts.length - 1].replace(/\[\]$/, '');
  const out: Record<string, JsonValue> = Object.create(null);
  // Go appends every page to a nil slice: with no item at all it marshals as null.
  const merged = items.length ? items : null;
  if (parts.length >= 2) out[parts[parts.length - 2]] = Object.assign(Object.create(null), { [inner]: merged });
  else out[inner] = merged;
  return out;
}

function intField(f: Map<string, string>, k: string, def: number, min: number, max: number): number {
  const raw = f.get(k);
  if (raw === undefined) return def;
  if (!/^[+-]?\d+$/.test(raw)) throw new CliError(`--waiter ${k}=${raw} must be integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new CliError(`--waiter ${k}=${raw} must between ${min}-${max} (seconds)`);
  return n;
}

/** `--waiter expr=… to=…`: repeat the call until the expression yields `to`. */
async function waitFor(backend: Backend, call: Call, tokens: string[]): Promise<JsonValue> {
  const f = fieldsOf('waiter', tokens, ['expr', 'to', 'timeout', 'interval']);
  for (const k of ['expr', 'to']) if (!f.get(k)) throw new CliError(`bad flag format --waiter with field ${k}= required`);
  const expr = f.get('expr')!;
  const to = f.get('to')!;
  const timeout = intField(f, 'timeout', 180, 1, 600);
  const interval = intField(f, 'interval', 5, 2, 10);
  const { search, goValue } = await import('../core/jmespath.js');
  const start = Date.now();
  for (;;) {
    const body = await backend.call(call);
    // openapi/response_utils.go evaluateExpr: json.Unmarshal (numbers are float64s), then go-jmespath.
    let v: unknown;
    try {
      v = search(expr, toPlain(body));
    } catch (e: any) {
      throw new CliError(`jmes search failed ${e.message}`);
    }
    if (typeof v !== 'string') throw new CliError(`object ${goValue(v)} isn't string`);
    if (v === to) return body;
    if (Date.now() - start > timeout * 1000) throw new CliError(`wait '${expr}' to '${to}' timeout(${timeout}seconds), last='${v}'`);
    await new Promise((r) => setTimeout(r, interval * 1000));
  }
}
