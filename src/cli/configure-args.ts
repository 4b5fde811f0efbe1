// Which flags `aliyun configure …` accepts, checked as the real CLI's command tree does
// (cli/command.go executeInner, cli/parser.go, cli/context.go EnterCommand; config/flags.go): the
// bare command and `get`/`list`/`delete` know only the root's persistent flags (and --help); `set`
// and `switch` add every configuration flag. A flag met before the first word after the command is
// refused plainly (exit 2); after that word the parser's error is prefixed `parse failed` (exit 1).
import { CliError, suggestError } from '../core/errors.js';
import { distance } from './suggest.js';
import { flagByName, flagByShort } from './flags.js';

type Mode = 'none' | 'default' | 'once';
interface ConfigFlag {
  name: string;
  short?: string;
  aliases?: string[];
  mode: Mode;
  hidden?: boolean;
  persistent?: boolean;
}

/** config/flags.go AddFlags, in its order, plus the help flag every command gets. */
const CONFIG_FLAGS: ConfigFlag[] = [
  { name: 'mode', mode: 'default', persistent: true },
  { name: 'profile', short: 'p', mode: 'default', persistent: true },
  { name: 'language', mode: 'once' },
  { name: 'region', mode: 'once' },
  { name: 'RegionId', mode: 'once', hidden: true },
  { name: 'config-path', mode: 'once', persistent: true },
  { name: 'access-key-id', mode: 'once' },
  { name: 'access-key-secret', mode: 'once' },
  { name: 'sts-token', mode: 'once' },
  { name: 'sts-region', mode: 'once' },
  { name: 'sts-endpoint', mode: 'once' },
  { name: 'ram-role-name', mode: 'once', persistent: true },
  { name: 'ram-role-arn', mode: 'once' },
  { name: 'source-profile', mode: 'once' },
  { name: 'role-session-name', mode: 'once' },
  { name: 'external-id', mode: 'once' },
  { name: 'private-key', mode: 'once' },
  { name: 'key-pair-name', mode: 'once' },
  { name: 'read-timeout', aliases: ['retry-timeout'], mode: 'once' },
  { name: 'connect-timeout', mode: 'once' },
  { name: 'retry-count', mode: 'once' },
  { name: 'skip-secure-verify', mode: 'none', persistent: true },
  { name: 'expired-seconds', mode: 'once' },
  { name: 'process-command', mode: 'once' },
  { name: 'oidc-provider-arn', mode: 'once' },
  { name: 'oidc-token-file', mode: 'once' },
  { name: 'cloud-sso-sign-in-url', mode: 'once', persistent: true },
  { name: 'cloud-sso-access-config', mode: 'once', persistent: true },
  { name: 'cloud-sso-account-id', mode: 'once', persistent: true },
  { name: 'oauth-site-type', mode: 'once', persistent: true },
  { name: 'endpoint-type', mode: 'once', persistent: true },
  { name: 'endpoint', short: 'e', mode: 'once', persistent: true },
  { name: 'external-account-type', mode: 'once' },
  { name: 'auto-plugin-install', mode: 'once' },
  { name: 'auto-plugin-install-enable-pre', mode: 'once' },
  { name: 'bearer-token', mode: 'once', persistent: true },
  { name: 'bearer-token-header-key', mode: 'once', persistent: true },
];
const HELP: ConfigFlag = { name: 'help', short: 'h', mode: 'none' };

/** Sub-commands of the real `configure`; the last three are not part of this build. */
export const CONFIGURE_SUBCOMMANDS = ['get', 'set', 'list', 'delete', 'switch', 'safety-policy', 'ai-mode', 'plugin-settings'];
/** Those that take every configuration flag (AddFlags on the command itself). */
const FULL_FLAG_SUBCOMMANDS = new Set(['set', 'switch', 'safety-policy', 'ai-mode']);

function flagSetOf(sub: string | undefined): ConfigFlag[] {
  const own = sub !== undefined && FULL_FLAG_SUBCOMMANDS.has(sub) ? CONFIG_FLAGS : CONFIG_FLAGS.filter((f) => f.persistent);
  return [...own, HELP];
}

const formations = (f: ConfigFlag) => [`--${f.name}`, ...(f.aliases ?? []).map((a) => `--${a}`), ...(f.short ? [`-${f.short}`] : [])];

/** cli/errors.go InvalidFlagError: the closest flags (cli/suggestion.go UnifyApply), else every visible one. */
function invalidFlagMessage(name: string, set: ConfigFlag[]): string {
  const clean = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
  let best = 2;
  let close: string[] = [];
  for (const form of set.flatMap(formations)) {
    const d = distance(clean(name), clean(form));
    if (d > best) continue;
    if (d < best) {
      best = d;
      close = [];
    }
    close.push(form);
  }
  const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (close.length) return `invalid flag --${name}, did you mean ${close.sort(byBytes).join(' or ')}?`;
  const visible = set.filter((f) => !f.hidden).flatMap(formations).sort(byBytes);
  return `invalid flag --${name}; available flags: ${visible.join(', ')}`;
}

/**
 * The words after `configure` in argv, found as the root parser finds its first positional word;
 * `help` before it (`aliyun help configure`) asks for help.
 */
export function wordsAfterConfigure(argv: string[]): { words: string[]; help: boolean } {
  let pending = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    const cut = t.search(/[=:]/);
    const prefix = cut < 0 ? t : t.slice(0, cut);
    const inline = cut >= 0 && cut < t.length - 1;
    const isLong = prefix.startsWith('--') && !prefix.startsWith('---') && prefix.length > 2;
    const isShort = prefix.length === 2 && prefix[0] === '-' && prefix !== '--';
    if (isLong || isShort) {
      const def = isLong ? flagByName(prefix.slice(2)) : flagByShort(prefix[1]);
      pending = !inline && def?.mode !== 'switch';
      continue;
    }
    if (pending) {
      pending = false;
      continue;
    }
    if (t === 'configure') return { words: argv.slice(i + 1), help };
    if (t === 'help') help = true;
  }
  return { words: [], help };
}

export interface ConfigureWords {
  /** The sub-command, when the first word names one. */
  sub?: string;
  /** Words after the sub-command (or, for the bare command, every word). */
  args: string[];
  help: boolean;
}

/**
 * Walks the words after `configure` as the real parser does and refuses a flag the (sub-)command
 * does not know. Values of flags are skipped; what the flags hold is read from the parsed argv.
 */
export function checkConfigureWords({ words, help: helpBefore }: { words: string[]; help: boolean }): ConfigureWords {
  let set = flagSetOf(undefined);
  let sub: string | undefined;
  let help = helpBefore;
  let prefixed = false;
  const args: string[] = [];
  let pending: ConfigFlag | undefined;
  const fail = (msg: string, suggestible: boolean) => {
    if (prefixed) return new CliError(`parse failed ${msg}`);
    return suggestible ? suggestError(msg, []) : new CliError(msg);
  };
  for (const t of words) {
    const cut = t.search(/[=:]/);
    const prefix = cut < 0 ? t : t.slice(0, cut);
    const value = cut < 0 ? '' : t.slice(cut + 1);
    let flag: ConfigFlag | undefined;
    if (prefix.startsWith('-') && !prefix.startsWith('---')) {
      if (prefix === '--') throw fail("not support '--' in command line", false);
      if (prefix.startsWith('--')) {
        flag = set.find((f) => formations(f).includes(prefix));
        if (!flag) throw fail(invalidFlagMessage(prefix.slice(2), set), true);
      } else if (prefix.length === 2) {
        flag = set.find((f) => f.short === prefix[1]);
        if (!flag) throw fail(`unknown flag -${prefix[1]}`, false);
      } else throw fail(`not support flag form ${prefix}`, false);
      pending = value === '' && flag.mode !== 'none' ? flag : undefined;
      if (flag.name === 'help') help = true;
      continue;
    }
    if (pending) {
      pending = undefined;
      continue;
    }
    // A word. The first one after a command may be `help` or a sub-command; later ones are arguments.
    if (t === 'help') {
      help = true;
      continue;
    }
    if (!prefixed && sub === undefined && args.length === 0 && CONFIGURE_SUBCOMMANDS.includes(t)) {
      sub = t;
      set = flagSetOf(sub);
      continue;
    }
    if (!prefixed) prefixed = true;
    args.push(t);
  }
  return { sub, args, help };
}
