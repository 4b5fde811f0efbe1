// Shell completion, answered the way the real CLI answers it (cli/completion.go, openapi/commando.go
// `complete`): the shell runs `aliyun` with COMP_LINE and COMP_POINT set, and we print the candidates
// for the word under the cursor, one per line, and nothing else. A Tab starts a process, so this path
// reads only what it needs (config.json for profile names, the store's record files for secret
// names, never a value), writes nothing, never calls the network and never fails on the prompt: any
// problem means no candidates and exit 0.
import { closeSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KMS_API_NAMES, OPERATIONS } from '../operations/catalog.js';
import { defaultStoreDir, STORE_FORMAT } from '../backends/local/store.js';
import type { ParsedArgs } from './argv.js';
import { flagByName, flagByShort, ROOT_FLAGS } from './flags.js';
import { SUB_COMMANDS } from './help.js';
import { defaultConfigPath, hasCredentials, readConfigFile, requestRegion, resolveProfile } from './profile.js';
import { COMMAND_FLAGS, type CommandFlag } from './completion-table.js';

/** The real CLI's condition: COMP_LINE non-empty and COMP_POINT an integer. */
export function isCompletionCall(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.COMP_LINE && /^[+-]?\d+$/.test(env.COMP_POINT ?? '');
}

/** Prints the candidates for COMP_LINE/COMP_POINT; always exit 0, nothing on stderr. */
export function answerCompletion(out: (s: string) => void = writeAll): number {
  let words: string[] = [];
  try {
    const line = process.env.COMP_LINE!;
    const point = Number(process.env.COMP_POINT);
    words = candidates(line, point);
    // bash replaces only the part of the word after its last `=` or `:` (COMP_WORDBREAKS), so the
    // candidates lose what comes before it; zsh's bashcompinit replaces the whole word. bash exports
    // COMP_TYPE to `complete -C` commands, zsh does not.
    const current = splitLine(beforeCursor(line, point)).pop()!;
    const cut = Math.max(current.lastIndexOf('='), current.lastIndexOf(':'));
    if (process.env.COMP_TYPE !== undefined && cut >= 0) words = words.map((w) => w.slice(cut + 1));
    // One candidate per line: a name with a line break (a hand-edited config.json) cannot be offered.
    words = words.filter((w) => w !== '' && !/[\r\n]/.test(w));
  } catch {
    words = [];
  }
  if (words.length) out(words.join('\n') + '\n');
  return 0;
}

/**
 * Straight to fd 1, synchronously, every error swallowed: the shell closes the pipe when the user
 * presses Ctrl-C during a Tab, and an EPIPE must not become a stack trace on their prompt.
 */
function writeAll(s: string): void {
  const buf = Buffer.from(s, 'utf8');
  let off = 0;
  let spins = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (e: any) {
      if (e?.code !== 'EAGAIN' || ++spins > 1000) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/**
 * The words before the cursor, as the real CLI splits them (parseLineForCompletion): quotes and
 * backslashes are kept in the word, blanks separate words outside quotes.
 */
export function splitLine(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote = '';
  let escaped = false;
  for (const ch of line) {
    if (escaped) {
      word = (word ?? '') + ch;
      escaped = false;
    } else if (ch === '\\') {
      word = (word ?? '') + ch;
      escaped = true;
    } else if (quote) {
      word = (word ?? '') + ch;
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') {
      word = (word ?? '') + ch;
      quote = ch;
    } else if (ch === ' ' || ch === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  words.push(word ?? '');
  return words;
}

/** The line up to the cursor. COMP_POINT counts bytes in bash and characters in zsh; the end of the line is the end either way. */
function beforeCursor(line: string, point: number): string {
  if (!(point >= 0) || point >= line.length) return line;
  return Buffer.from(line, 'utf8').subarray(0, point).toString('utf8');
}

/** What the words before the current one say: positionals, root flags given, and a flag waiting for its value. */
interface LineState {
  positionals: string[];
  flags: Map<string, string>;
  params: Map<string, string>;
  /** The flag (root, API parameter or command flag) whose value the current word is. */
  valueFor?: string;
}

function readLine(words: string[]): LineState {
  const st: LineState = { positionals: [], flags: new Map(), params: new Map() };
  const command = () => (st.positionals[0]?.toLowerCase() === 'kms' ? st.positionals[1] : undefined);
  let pending: { name: string; root: boolean; repeat?: boolean } | undefined;
  let afterDoubleDash = false;
  for (const w of words) {
    if (w === '') continue;
    if (afterDoubleDash) {
      st.positionals.push(w);
      continue;
    }
    if (w === '--' && command() && Object.hasOwn(COMMAND_FLAGS, command()!)) {
      afterDoubleDash = true;
      pending = undefined;
      st.positionals.push(w);
      continue;
    }
    const cut = w.search(/[=:]/);
    const prefix = cut < 0 ? w : w.slice(0, cut);
    const inline = cut < 0 ? undefined : w.slice(cut + 1);
    const isFlag = prefix.startsWith('-') && !prefix.startsWith('---') && prefix.length > 1;
    if (!isFlag) {
      if (pending) {
        (pending.root ? st.flags : st.params).set(pending.name, w);
        if (!pending.repeat) pending = undefined;
      } else st.positionals.push(w);
      continue;
    }
    pending = undefined;
    const long = prefix.startsWith('--');
    const cmdFlag = commandFlag(command(), prefix);
    const def = cmdFlag ? undefined : long ? flagByName(prefix.slice(2)) : prefix.length === 2 ? flagByShort(prefix[1]) : undefined;
    if (cmdFlag) {
      if (inline === undefined && cmdFlag.value) pending = { name: cmdFlag.name, root: false };
      else st.params.set(cmdFlag.name, inline ?? '');
    } else if (def) {
      if (inline !== undefined) st.flags.set(def.name, inline);
      else if (def.mode !== 'switch') pending = { name: def.name, root: true, repeat: def.mode === 'repeatable' };
      else st.flags.set(def.name, '');
    } else if (long) {
      // An API parameter: it always takes a value.
      if (inline !== undefined) st.params.set(prefix, inline);
      else pending = { name: prefix, root: false };
    }
  }
  if (pending) st.valueFor = pending.root ? '--' + pending.name : pending.name;
  // `aliyun help kms …` is `aliyun kms … --help` (the real CLI drops the word wherever it is).
  if (!afterDoubleDash) st.positionals = st.positionals.filter((p) => p !== 'help');
  return st;
}

function commandFlag(command: string | undefined, prefix: string): CommandFlag | undefined {
  if (!command || !Object.hasOwn(COMMAND_FLAGS, command)) return undefined;
  return COMMAND_FLAGS[command].find((f) => f.name === prefix || f.short === prefix);
}

const startsWith = (candidate: string, current: string) => candidate.startsWith(current);
const startsWithNoCase = (candidate: string, current: string) => candidate.toLowerCase().startsWith(current.toLowerCase());
const rootFlags = () => ROOT_FLAGS.filter((f) => !f.hidden).map((f) => '--' + f.name);
const CONFIGURE_SUBCOMMANDS = ['get', 'set', 'list', 'delete', 'switch'];
/** The flags `configure` reads (configure.ts: its allowed list). */
const CONFIGURE_FLAGS = [
  'profile', 'mode', 'config-path', 'access-key-id', 'access-key-secret', 'sts-token', 'sts-region', 'sts-endpoint', 'ram-role-name',
  'ram-role-arn', 'role-session-name', 'external-id', 'source-profile', 'private-key', 'key-pair-name', 'expired-seconds', 'process-command',
  'oidc-provider-arn', 'oidc-token-file', 'cloud-sso-sign-in-url', 'cloud-sso-access-config', 'cloud-sso-account-id', 'oauth-site-type',
  'region', 'language',
].map((n) => '--' + n);
/** Root flags of our own commands (issue 8: profile, region, backend, endpoint, credentials). */
const COMMAND_ROOT_FLAGS = [
  'profile', 'region', 'backend', 'endpoint', 'config-path', 'mode', 'access-key-id', 'access-key-secret', 'sts-token', 'ram-role-name',
  'ram-role-arn', 'role-session-name', 'external-id', 'source-profile', 'private-key', 'key-pair-name', 'endpoint-type', 'read-timeout',
  'connect-timeout', 'retry-count',
].map((n) => '--' + n);
const MODES = ['AK', 'StsToken', 'RamRoleArn', 'EcsRamRole', 'RsaKeyPair', 'RamRoleArnWithRoleName', 'ChainableRamRoleArn', 'External', 'CredentialsURI', 'OIDC', 'CloudSSO', 'OAuth', 'BearerToken', 'Anonymous'];
/** Regions where KMS is offered (the endpoint table of backends/remote/endpoint.ts). */
const REGIONS = `cn-hangzhou cn-shanghai cn-beijing cn-shenzhen cn-qingdao cn-zhangjiakou cn-huhehaote cn-wulanchabu cn-heyuan cn-guangzhou
cn-chengdu cn-fuzhou cn-wuhan-lr cn-zhengzhou-jva cn-hongkong cn-hangzhou-finance cn-shanghai-finance-1 cn-shenzhen-finance-1
cn-beijing-finance-1 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-5 ap-southeast-6 ap-southeast-7 ap-northeast-1
ap-northeast-2 ap-south-1 us-west-1 us-east-1 eu-west-1 eu-central-1 me-east-1 me-central-1`.split(/\s+/);

/** Candidates for the word under the cursor of `line`. */
export function candidates(line: string, point: number): string[] {
  const all = splitLine(beforeCursor(line, point));
  // The real CLI needs a word after the command name; `aliyun` alone has nothing to complete.
  if (all.length < 2) return [];
  const current = all[all.length - 1];
  const st = readLine(all.slice(1, -1));
  const pick = (list: string[], match = startsWith) => [...new Set(list.filter((c) => match(c, current)))];

  // `--flag=value`: the value of the flag, printed with the flag in front.
  const cut = current.search(/[=:]/);
  if (current.startsWith('--') && cut > 2) {
    const flag = current.slice(0, cut);
    const value = current.slice(cut + 1);
    return valueCandidates(flag, st, value).filter((v) => v.startsWith(value)).map((v) => current.slice(0, cut + 1) + v);
  }
  if (st.valueFor) return [...new Set(valueCandidates(st.valueFor, st, current).filter((v) => v.startsWith(current)))];

  const [first, second] = st.positionals;
  const dash = current.startsWith('-');
  if (first === undefined) {
    if (dash) return pick(rootFlags());
    return [...pick(SUB_COMMANDS.map(([n]) => n)), ...pick(['kms'], startsWithNoCase)];
  }
  if (first === 'configure') {
    if (dash) return pick(CONFIGURE_FLAGS);
    return st.positionals.length === 1 ? pick(CONFIGURE_SUBCOMMANDS) : [];
  }
  if (first === 'auto-completion') return dash ? pick(['--uninstall']) : [];
  if (first.toLowerCase() !== 'kms') return [];
  if (second === undefined) {
    if (dash) return pick(rootFlags());
    return [...pick(KMS_API_NAMES, startsWithNoCase), ...pick(Object.keys(COMMAND_FLAGS))];
  }
  if (Object.hasOwn(COMMAND_FLAGS, second)) return commandCandidates(second, st, current);
  if (!KMS_API_NAMES.includes(second)) return [];
  // The API's parameters (case-insensitive, as the real CLI), then, for a dash, the root flags.
  const params = apiParameterFlags(second).filter((p) => startsWithNoCase(p, current));
  return [...new Set([...params, ...(dash ? pick(rootFlags()) : [])])];
}

/** `--Name` for each parameter, RepeatLists as the real CLI names them (`Name.1`, `Name.1.Sub`). */
function apiParameterFlags(api: string): string[] {
  const op = Object.hasOwn(OPERATIONS, api) ? OPERATIONS[api] : undefined;
  if (!op) return [];
  const out: string[] = [];
  for (const [name, p] of Object.entries(op.params)) {
    if (name === 'RegionId') continue; // a root flag (--region), as in `--help`
    if (p.type === 'RepeatList' && p.subParams) for (const sub of p.subParams) out.push(`--${name}.1.${sub}`);
    else out.push(p.type === 'RepeatList' ? `--${name}.1` : `--${name}`);
  }
  return out;
}

function commandCandidates(command: string, st: LineState, current: string): string[] {
  const flags = COMMAND_FLAGS[command];
  const rest = st.positionals.slice(2);
  if (rest.includes('--')) return []; // the command to run: the shell's business
  if (current.startsWith('-')) {
    const own = flags.filter((f) => !f.positional).flatMap((f) => [f.name, ...(f.short && current.length < 3 ? [f.short] : [])]);
    // The root flags that choose the backend, profile, region and credentials work on these commands; serve has its own.
    return [...new Set([...own, ...(command === 'serve' ? [] : COMMAND_ROOT_FLAGS)].filter((f) => f.startsWith(current)))];
  }
  const sub = flags.filter((f) => f.positional);
  if (sub.length) return rest.length === 0 ? sub.map((f) => f.name).filter((n) => n.startsWith(current)) : [];
  // `get REF`: one reference, a bare name or a kms:// one.
  if (command === 'get' && rest.length === 0) {
    const names = secretNames(st);
    const refs = isReferencePrefix(current) ? names.map((n) => 'kms://' + n) : [];
    return [...names, ...refs].filter((r) => r.startsWith(current));
  }
  return [];
}

const isReferencePrefix = (s: string) => s.length > 0 && ('kms://'.startsWith(s) || s.startsWith('kms://'));

/** Values of a flag; the caller keeps those that start with what was typed. */
function valueCandidates(flag: string, st: LineState, typed: string): string[] {
  switch (flag) {
    case '--profile':
    case '-p':
      return profileNames(st);
    case '--region':
    case '--RegionId':
      return REGIONS;
    case '--backend':
      return ['local', 'remote'];
    case '--mode':
      return MODES;
    case '--language':
      return ['en', 'zh'];
    case '--format':
      return ['dotenv', 'json', 'shell', 'github'];
    case '--version-stage':
      return ['ACSCurrent', 'ACSPrevious', 'ACSPending'];
    case '--env': {
      // VAR=kms://NAME
      const eq = typed.indexOf('=');
      if (eq < 1 || !isReferencePrefix(typed.slice(eq + 1))) return [];
      return secretNames(st).map((n) => `${typed.slice(0, eq)}=kms://${n}`);
    }
  }
  if (flag === '--SecretName' && st.positionals[0]?.toLowerCase() === 'kms' && KMS_API_NAMES.includes(st.positionals[1] ?? '')) return secretNames(st);
  return [];
}

function profileNames(st: LineState): string[] {
  const cfg = readConfigFile(st.flags.get('config-path') || defaultConfigPath());
  return (cfg?.profiles ?? []).map((p) => p?.name).filter((n): n is string => typeof n === 'string' && n !== '');
}

/**
 * Secret names of the local store, when the local store is what would answer this line: the backend
 * chosen with --backend / ALIYUN_KMS_BACKEND, or no credentials at all (a Tab is always typed in an
 * interactive terminal, where the local store answers a call without credentials). Names only: each
 * record's `name` comes first in its file, so only the head of the file is read; nothing is decrypted.
 */
function secretNames(st: LineState): string[] {
  const args: ParsedArgs = { flags: st.flags, params: [], positionals: st.positionals, positionalAt: [] };
  const forced = st.flags.get('backend') || process.env.ALIYUN_KMS_BACKEND || '';
  if (forced && forced !== 'local') return [];
  const { profile } = resolveProfile(args);
  if (!forced && hasCredentials(profile)) return [];
  const region = requestRegion(args, profile);
  const dir = defaultStoreDir();
  const header = JSON.parse(readFileSync(join(dir, 'store.json'), 'utf8'));
  if (header?.format !== STORE_FORMAT) return [];
  const secretsDir = join(dir, 'regions', region, 'secrets');
  let files: string[];
  try {
    files = readdirSync(secretsDir);
  } catch {
    return [];
  }
  const names: string[] = [];
  const head = Buffer.alloc(1024);
  for (const f of files) {
    if (!f.endsWith('.json')) continue;
    const name = recordName(join(secretsDir, f), head);
    if (name !== undefined) names.push(name);
  }
  return names.sort();
}

const NAME_AT_START = /^\{"name":("(?:[^"\\]|\\.)*")/;

function recordName(path: string, head: Buffer): string | undefined {
  try {
    const fd = openSync(path, 'r');
    let n: number;
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    const m = NAME_AT_START.exec(head.toString('utf8', 0, n));
    if (m) return JSON.parse(m[1]);
    // Not in the usual order (or a very long name): read the record itself.
    const rec = JSON.parse(readFileSync(path, 'utf8'));
    return typeof rec?.name === 'string' ? rec.name : undefined;
  } catch {
    return undefined; // a damaged file: no candidate, never an error
  }
}
