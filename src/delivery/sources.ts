// Where `run` and `export` get their variables: inherited variables whose whole value is a reference,
// `--env-file` files (dotenv syntax; values are references or literals), `--env VAR=REF` flags. A
// later source overrides an earlier one for the same variable.
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { Backend } from '../backends/backend.js';
import { isReference, parseReference, MalformedReference, type SecretRef } from './reference.js';
import { fieldText, NotFoundError, resolveAll, ValueError } from './resolve.js';

export const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface Source {
  /** The variable, or for `PREFIX_*` the prefix. */
  name: string;
  prefix: boolean;
  ref?: SecretRef;
  literal?: string;
  /** Where it was given, for errors: `--env`, a file and line, or `environment`. */
  origin: string;
}

export interface Variable {
  name: string;
  value: string;
  /** Resolved from a secret (masked, exported as secret); literals are not. */
  secret: boolean;
}

/** Parses dotenv text (the npm `dotenv` grammar: `export`, quotes of three kinds, multi-line quotes, `#` comments). */
export function parseDotenv(text: string, file: string): { name: string; value: string; line: number }[] {
  const out: { name: string; value: string; line: number }[] = [];
  const src = text.replace(/\r\n?/g, '\n');
  // Unquoted values end at ` #` (a comment), so `DB=kms://db#password` keeps its field.
  const LINE = /^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*=[ \t]*(?:('(?:\\'|[^'])*'|"(?:\\"|[^"])*"|`(?:\\`|[^`])*`)[ \t]*(?:#[^\n]*)?|([^\n]*))$/gm;
  let lineNo: number;
  let pos = 0;
  const lines = src.split('\n');
  // Walk line by line so that a bad line is reported; a quoted value may span lines.
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    lineNo = i + 1;
    const start = pos;
    pos += line.length + 1;
    if (/^\s*(#.*)?$/.test(line)) continue;
    LINE.lastIndex = start;
    const m = LINE.exec(src);
    if (!m || m.index !== start) throw new MalformedReference(`${file}:${lineNo}: not a dotenv line (expected NAME=VALUE)`);
    const raw = m[2] ?? m[3].replace(/[ \t]#.*$/, '');
    // The match may have taken following lines (a multi-line quoted value): skip them.
    const taken = m[0].split('\n').length - 1;
    for (let k = 0; k < taken; k++) pos += lines[++i].length + 1;
    let value = raw.trim();
    const q = value[0];
    if ((q === '"' || q === "'" || q === '`') && value.length >= 2 && value.endsWith(q)) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    }
    if (!VAR_NAME.test(m[1])) throw new MalformedReference(`${file}:${lineNo}: '${m[1]}' is not a valid variable name (letters, digits and _, not starting with a digit)`);
    out.push({ name: m[1], value, line: lineNo });
  }
  return out;
}

/** `--env VAR=REF` or `--env 'PREFIX_*=REF'`. */
export function parseEnvFlag(spec: string): Source {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new MalformedReference(`--env '${spec}': expected VAR=REF (e.g. --env DB_PASSWORD=kms://db#password)`);
  const target = spec.slice(0, eq);
  const refText = spec.slice(eq + 1);
  const prefix = target.endsWith('*');
  const name = prefix ? target.slice(0, -1) : target;
  // An empty prefix would let the secret's keys name any variable, PATH or LD_PRELOAD included.
  if (prefix && name === '')
    throw new MalformedReference(`--env '*=…': give a prefix (e.g. --env 'DB_*=kms://db'); without one the secret's keys would name any variable, PATH and LD_PRELOAD included`);
  if (!VAR_NAME.test(name))
    throw new MalformedReference(`--env '${target}=…': '${target}' is not a variable name (letters, digits and _, or PREFIX_* for every key of a JSON secret)`);
  // Not echoed: `--env DB_PASSWORD=hunter2` is a literal secret typed where a reference belongs.
  if (!isReference(refText))
    throw new MalformedReference(`--env ${target}: the value is not a reference (kms://NAME[#FIELD] or a secret ARN); a literal value belongs in an --env-file`);
  return { name, prefix, ref: parseReference(refText), origin: '--env' };
}

export function collectSources(envFlags: string[], envFiles: string[], environment: NodeJS.ProcessEnv): Source[] {
  const sources: Source[] = [];
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined || !value.startsWith('kms://') || !VAR_NAME.test(name)) continue;
    try {
      sources.push({ name, prefix: false, ref: parseReference(value), origin: 'environment' });
    } catch (e) {
      throw e instanceof MalformedReference ? new MalformedReference(`the variable ${name}: ${e.message}`) : e;
    }
  }
  for (const file of envFiles) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e: any) {
      throw new MalformedReference(`--env-file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message}`);
    }
    for (const { name, value, line } of parseDotenv(text, file)) {
      const origin = `${file}:${line}`;
      if (isReference(value)) {
        try {
          sources.push({ name, prefix: false, ref: parseReference(value), origin });
        } catch (e) {
          throw e instanceof MalformedReference ? new MalformedReference(`${origin}: ${e.message}`) : e;
        }
      } else sources.push({ name, prefix: false, literal: value, origin });
    }
  }
  for (const spec of envFlags) sources.push(parseEnvFlag(spec));
  // A variable given again later is not resolved twice: only its last source counts. (This also keeps
  // Node 20, which loads an `--env-file` argument into the environment itself, from adding fetches.)
  const last = new Map<string, Source>();
  for (const s of sources) if (!s.prefix) last.set(s.name, s);
  return sources.filter((s) => s.prefix || last.get(s.name) === s);
}

/** Text that an environment variable can hold: valid UTF-8 without NUL. */
function asEnvText(name: string, bytes: Buffer): string {
  if (!isUtf8(bytes))
    throw new ValueError(`the value of ${name} is binary (not UTF-8 text) and cannot be a variable; use \`aliyun kms get\` or \`aliyun kms inject\` for it`);
  const text = bytes.toString('utf8');
  if (text.includes('\0')) throw new ValueError(`the value of ${name} contains a NUL byte, which a variable cannot hold`);
  return text;
}

/** Resolves every source (all references at once) into variables, later sources overriding earlier ones. */
export async function resolveSources(sources: Source[], backend: Backend, region: string): Promise<Variable[]> {
  const withRefs = sources.filter((s) => s.ref);
  const resolved = withRefs.length ? await resolveAll(withRefs.map((s) => s.ref!), backend, region) : [];
  const byRef = new Map(withRefs.map((s, i) => [s, resolved[i]]));
  const vars = new Map<string, Variable>();
  for (const s of sources) {
    if (s.literal !== undefined) {
      vars.set(s.name, { name: s.name, value: s.literal, secret: false });
      continue;
    }
    const r = byRef.get(s)!;
    if (!s.prefix) {
      vars.set(s.name, { name: s.name, value: asEnvText(s.name, r.bytes), secret: true });
      continue;
    }
    if (!r.object) throw new NotFoundError(`${s.ref!.text}: the value is not a JSON object, so ${s.name}* has no keys to take`);
    const mine = new Map<string, string>();
    for (const [key, v] of Object.entries(r.object)) {
      if (v === undefined) continue;
      const name = s.name + key.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
      if (mine.has(name)) throw new ValueError(`${s.name}*=${s.ref!.text}: the keys '${mine.get(name)}' and '${key}' both map to the variable ${name}`);
      if (!VAR_NAME.test(name)) throw new ValueError(`${s.name}*=${s.ref!.text}: the key '${key}' gives '${name}', which is not a variable name (give a prefix such as APP_*)`);
      mine.set(name, key);
      vars.set(name, { name, value: asEnvText(name, Buffer.from(fieldText(v), 'utf8')), secret: true });
    }
  }
  return [...vars.values()];
}
