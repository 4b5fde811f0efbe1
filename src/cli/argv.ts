// The real CLI's argument grammar (aliyun-cli-behavior.md §1.2–§1.4): one pass over argv, flags and
// API parameters anywhere, `--P v` ≡ `--P=v` ≡ `--P:v`, unknown `--Name` flags are API parameters.
import { CliError } from '../core/errors.js';
import { flagByName, flagByShort, type FlagDef } from './flags.js';

export interface ParsedArgs {
  /** Root flags by canonical name; repeatable flags hold every value. */
  flags: Map<string, string | string[]>;
  /** API parameters (unknown flags) in the order given. */
  params: { name: string; value: string }[];
  positionals: string[];
}

type Pending = { kind: 'flag'; def: FlagDef } | { kind: 'param'; index: number } | undefined;

export function parseArgv(argv: string[]): ParsedArgs {
  const flags = new Map<string, string | string[]>();
  const params: ParsedArgs['params'] = [];
  const positionals: string[] = [];
  let pending: Pending;
  const err = (msg: string) => new CliError(positionals.length > 0 ? `parse failed ${msg}` : msg);

  const setFlag = (def: FlagDef, value: string | undefined) => {
    if (def.mode === 'repeatable') {
      const list = (flags.get(def.name) as string[] | undefined) ?? [];
      if (value !== undefined) list.push(value);
      flags.set(def.name, list);
      return;
    }
    if (flags.has(def.name)) throw err(`--${def.name} duplicated`);
    flags.set(def.name, value ?? '');
  };
  const addParam = (name: string, value: string | undefined): number => {
    if (params.some((p) => p.name === name)) throw err(`flag duplicated --${name}`);
    params.push({ name, value: value ?? '' });
    return params.length - 1;
  };
  /** A flag token arrived: the pending flag gets no value. */
  const closePending = () => {
    if (pending?.kind === 'flag' && pending.def.mode === 'once') throw new CliError(`--${pending.def.name} must be assigned with value`);
    pending = undefined;
  };
  const startFlag = (def: FlagDef | undefined, name: string, inline: string | undefined) => {
    closePending();
    if (!def) {
      const index = addParam(name, inline);
      if (inline === undefined) pending = { kind: 'param', index };
      return;
    }
    if (def.mode === 'switch') {
      if (inline !== undefined) throw new CliError(`flag --${def.name} can't be assiged`);
      setFlag(def, '');
      return;
    }
    setFlag(def, inline);
    if (inline === undefined) pending = { kind: 'flag', def };
  };
  const value = (v: string) => {
    if (!pending) {
      positionals.push(v);
      return;
    }
    if (pending.kind === 'param') {
      params[pending.index].value = v;
      pending = undefined;
    } else if (pending.def.mode === 'repeatable') {
      (flags.get(pending.def.name) as string[]).push(v);
    } else {
      flags.set(pending.def.name, v);
      pending = undefined;
    }
  };

  for (const token of argv) {
    const cut = token.search(/[=:]/);
    const prefix = cut < 0 ? token : token.slice(0, cut);
    // `--X=` with nothing after the splitter behaves like `--X`.
    const inline = cut < 0 || cut === token.length - 1 ? undefined : token.slice(cut + 1);
    if (prefix.startsWith('---')) value(token);
    else if (prefix === '--') throw new CliError("not support '--' in command line");
    else if (prefix.startsWith('--')) {
      const name = prefix.slice(2);
      startFlag(flagByName(name), name, inline);
    } else if (prefix.length === 2 && prefix[0] === '-') {
      const def = flagByShort(prefix[1]);
      startFlag(def, prefix[1], inline);
    } else if (prefix.startsWith('-') && prefix.length > 2) {
      // Unknown long single-dash forms are dropped; text after a splitter is still a value.
      if (inline !== undefined) value(inline);
    } else value(token);
  }
  // A flag still pending at the end of argv keeps the empty value it was given.
  return { flags, params, positionals };
}

export function flagValue(a: ParsedArgs, name: string): string | undefined {
  const v = a.flags.get(name);
  return Array.isArray(v) ? v.join(' ') : v;
}

export function flagList(a: ParsedArgs, name: string): string[] | undefined {
  const v = a.flags.get(name);
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

/** `--header K=V` values as pairs (split at the first `=`), with the real CLI's error for a bad one. */
export function headerPairs(a: ParsedArgs): [string, string][] {
  return (flagList(a, 'header') ?? []).map((h) => {
    const i = h.indexOf('=');
    if (i < 0) throw new CliError(`invalid flag --header \`${h}\` use \`--header HeaderName=Value\``);
    return [h.slice(0, i), h.slice(i + 1)];
  });
}
