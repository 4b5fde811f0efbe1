// The real CLI's argument grammar (aliyun-cli-behavior.md §1.2–§1.4): one pass over argv, flags and
// API parameters anywhere, `--P v` ≡ `--P=v` ≡ `--P:v`, unknown `--Name` flags are API parameters.
import { CliError } from '../core/errors.js';
import { flagByName, flagByShort, type FlagDef } from './flags.js';
import { suggest } from './suggest.js';

export interface ParsedArgs {
  /** Root flags by canonical name; repeatable flags hold every value. */
  flags: Map<string, string | string[]>;
  /** API parameters (unknown flags) in the order given. */
  params: { name: string; value: string }[];
  positionals: string[];
  /** The argv index of each positional. */
  positionalAt: number[];
}

/**
 * The flags a command accepts. The root accepts unknown `--Name` flags as API parameters; a
 * sub-command such as `version` refuses them (cli/context.go detectFlag, cli/parser.go).
 */
export interface Grammar {
  flag: (name: string) => FlagDef | undefined;
  short: (letter: string) => FlagDef | undefined;
  /** Unknown long flags, for the "invalid flag" error; absent: they are API parameters. */
  known?: readonly FlagDef[];
  /** Sub-commands by name: each reads the words after it with a parser of its own. */
  commands?: CommandTree;
}

export interface CommandTree {
  [word: string]: CommandTree;
}

/** The real CLI's sub-commands we answer (main/main.go, config/configure*.go). */
const ROOT_COMMANDS: CommandTree = {
  version: {},
  configure: {
    get: {},
    set: {},
    list: {},
    delete: {},
    switch: {},
    'safety-policy': { show: {}, enable: {}, disable: {}, add: {}, remove: {}, list: {} },
    'ai-mode': { show: {}, enable: {}, disable: {}, 'set-user-agent': {}, 'reset-user-agent': {}, 'set-ossutil': {}, 'reset-ossutil': {} },
    'plugin-settings': { show: {}, set: {}, clear: {} },
  },
};

const ROOT: Grammar = { flag: flagByName, short: flagByShort, commands: ROOT_COMMANDS };

/**
 * cli/command.go executeInner: each command reads its first word on its own (a `help` word or a
 * sub-command starts a fresh read) and wraps errors in reading the rest as `parse failed …`. So an
 * error is wrapped when some word follows the command path.
 */
function afterFirstWord(positionals: readonly string[], commands: CommandTree = {}): boolean {
  let node = commands;
  for (const w of positionals) {
    if (w === 'help') continue;
    if (!Object.hasOwn(node, w)) return true;
    node = node[w];
  }
  return false;
}

type Pending = { kind: 'flag'; def: FlagDef } | { kind: 'param'; index: number } | undefined;

/**
 * One pass over argv. `subCommands`: words that, as the first word, end the root's part of argv
 * (cli/command.go: a sub-command parses what follows with its own flags); the rest is left unread.
 */
export function parseArgv(argv: string[], grammar: Grammar = ROOT, subCommands: readonly string[] = []): ParsedArgs {
  const flags = new Map<string, string | string[]>();
  const params: ParsedArgs['params'] = [];
  const positionals: string[] = [];
  const positionalAt: number[] = [];
  let pending: Pending;
  let at = 0;
  let stop = false;
  // Wrapping as `parse failed …` also drops an error's own exit code to 1.
  const err = (msg: string, e?: CliError) => (afterFirstWord(positionals, grammar.commands) ? new CliError(`parse failed ${msg}`) : (e ?? new CliError(msg)));

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
    if (pending?.kind === 'flag' && pending.def.mode === 'once') throw err(`--${pending.def.name} must be assigned with value`);
    pending = undefined;
  };
  const startFlag = (def: FlagDef | undefined, name: string, inline: string | undefined) => {
    closePending();
    if (!def) {
      if (grammar.known) throw err(invalidFlagMessage(name, grammar.known), new CliError(invalidFlagMessage(name, grammar.known), 2));
      const index = addParam(name, inline);
      if (inline === undefined) pending = { kind: 'param', index };
      return;
    }
    if (def.mode === 'switch') {
      if (inline !== undefined) throw err(`flag --${def.name} can't be assiged`);
      setFlag(def, '');
      return;
    }
    setFlag(def, inline);
    if (inline === undefined) pending = { kind: 'flag', def };
  };
  const value = (v: string) => {
    if (!pending) {
      // An empty word is no word (cli/parser.go ReadNextArg/ReadAll skip it), though a flag takes it as its value.
      if (v === '') return;
      positionals.push(v);
      positionalAt.push(at);
      if (subCommands.includes(v) && positionals.every((p, i) => p === 'help' || i === positionals.length - 1)) stop = true;
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

  for (; at < argv.length && !stop; at++) {
    const token = argv[at];
    const cut = token.search(/[=:]/);
    const prefix = cut < 0 ? token : token.slice(0, cut);
    // `--X=` with nothing after the splitter behaves like `--X`.
    const inline = cut < 0 || cut === token.length - 1 ? undefined : token.slice(cut + 1);
    if (prefix.startsWith('---')) value(token);
    else if (prefix === '--') throw err("not support '--' in command line");
    else if (prefix.startsWith('--')) {
      const name = prefix.slice(2);
      startFlag(grammar.flag(name), name, inline);
    } else if (prefix.length === 2 && prefix[0] === '-') {
      const def = grammar.short(prefix[1]);
      if (!def && grammar.known) throw err(`unknown flag -${prefix[1]}`);
      startFlag(def, prefix[1], inline);
    } else if (prefix.startsWith('-')) {
      // `-` alone or `-abc`: cli/parser.go parseCommandArg.
      if (grammar.known) throw err(`not support flag form ${prefix}`);
      // Unknown long single-dash forms are dropped; text after a splitter is still a value.
      if (inline !== undefined) value(inline);
    } else value(token);
  }
  // A flag still pending at the end of argv keeps the empty value it was given.
  return { flags, params, positionals, positionalAt };
}

/** cli/errors.go InvalidFlagError: close names (letters and digits compared, any case), else every accepted form. */
function invalidFlagMessage(name: string, known: readonly FlagDef[]): string {
  const display = name.startsWith('-') ? name : `--${name}`;
  const forms = known.flatMap((f) => [`--${f.name}`, ...(f.aliases ?? []).map((a) => `--${a}`), ...(f.short ? [`-${f.short}`] : [])]);
  const unify = (s: string) => [...s].filter((c) => /[\p{L}\p{N}]/u.test(c)).join('').toLowerCase();
  const byUnified = new Map<string, string[]>();
  for (const f of forms) byUnified.set(unify(f), [...(byUnified.get(unify(f)) ?? []), f]);
  const close = suggest(unify(name), byUnified.keys()).flatMap((u) => byUnified.get(u)!).sort();
  if (close.length) return `invalid flag ${display}, did you mean ${close.join(' or ')}?`;
  const available = known.filter((f) => !f.hidden).flatMap((f) => [`--${f.name}`, ...(f.aliases ?? []).map((a) => `--${a}`), ...(f.short ? [`-${f.short}`] : [])]);
  return `invalid flag ${display}; available flags: ${available.sort().join(', ')}`;
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
