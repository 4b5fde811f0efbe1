// `aliyun kms export` formats. Each one reads back to the exact values: dotenv through a dotenv parser,
// shell through `eval`, json through JSON.parse, github through the runner's GITHUB_ENV file.
import { randomBytes } from 'node:crypto';
import { ValueError } from './resolve.js';
import type { Variable } from './sources.js';
import { MIN_MASKED_LENGTH } from './mask.js';

export const FORMATS = ['dotenv', 'json', 'shell', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/**
 * `VAR="..."` where the double-quoted form reads back exactly (dotenv turns `\n` and `\r` into line
 * breaks and leaves everything else as written): values holding `"`, `\`, `$` or a backtick use single
 * quotes (read raw, line feeds included, but not a carriage return), or backticks when they hold a
 * single quote.
 */
export function dotenvLine(v: Variable): string {
  const s = v.value;
  if (!/["\\$`]/.test(s)) return `${v.name}="${s.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
  // dotenv reads the file with every CR LF and lone CR turned into LF first: a raw CR inside quotes is lost.
  if (s.includes('\r'))
    throw new ValueError(`the value of ${v.name} holds a carriage return together with ", \\, $ or \`, which the dotenv format cannot write exactly; use --format json or --format shell`);
  if (!s.includes("'")) return `${v.name}='${s}'`;
  if (!s.includes('`')) return `${v.name}=\`${s}\``;
  throw new ValueError(`the value of ${v.name} holds ", ', \` and a backslash or $ together, which the dotenv format cannot quote exactly; use --format json or --format shell`);
}

/** POSIX single quotes: everything literal, `'` written as `'\''`. */
export const shellLine = (v: Variable) => `export ${v.name}='${v.value.replace(/'/g, `'\\''`)}'`;

export function formatVariables(format: Exclude<Format, 'github'>, vars: Variable[]): string {
  if (format === 'json') return JSON.stringify(Object.fromEntries(vars.map((v) => [v.name, v.value]))) + '\n';
  const line = format === 'dotenv' ? dotenvLine : shellLine;
  return vars.map((v) => line(v) + '\n').join('');
}

/** GitHub's workflow-command escaping of a command's data (`::add-mask::DATA`). */
const commandData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/**
 * `::add-mask::` for each line of each secret value: the runner masks line by line. As for `run`,
 * lines shorter than MIN_MASKED_LENGTH are left out: `::add-mask::{` (a line of a pretty-printed
 * JSON secret) would hide every brace in the rest of the job's log. A whole value that short is
 * reported by `warn` (the variable's name, never the value).
 */
export function githubMasks(vars: Variable[], warn: (name: string) => void = () => {}): string {
  const lines = new Set<string>();
  for (const v of vars) {
    if (!v.secret) continue;
    if (v.value.trim() !== '' && [...v.value.trim()].length < MIN_MASKED_LENGTH) warn(v.name);
    for (const line of v.value.split(/\r?\n|\r/)) if ([...line.trim()].length >= MIN_MASKED_LENGTH) lines.add(line);
  }
  return [...lines].map((l) => `::add-mask::${commandData(l)}\n`).join('');
}

/** `NAME<<DELIMITER⏎value⏎DELIMITER⏎` with a random delimiter that the value cannot contain. */
export function githubEnvEntries(vars: Variable[]): string {
  return vars
    .map((v) => {
      let delimiter: string;
      do delimiter = `ghadelimiter_${randomBytes(16).toString('hex')}`;
      while (v.value.includes(delimiter));
      return `${v.name}<<${delimiter}\n${v.value}\n${delimiter}\n`;
    })
    .join('');
}
