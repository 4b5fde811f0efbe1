// `aliyun auto-completion [--uninstall]`, as the real CLI (cli/completion_installer.go): the bash
// line goes into the first of ~/.bashrc, ~/.bash_profile, ~/.bash_login, ~/.profile that exists, the
// zsh lines into ~/.zshrc if it exists; a file that already has the line is left alone. Uninstalling
// removes exactly the block that installing appended (the real CLI leaves the blank line and zsh's
// init lines behind).
import { appendFileSync, chmodSync, closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from '../core/errors.js';
import type { ParsedArgs } from './argv.js';
import { useColor, type Io } from './render.js';

const COMMAND = 'aliyun';
const ZSH_COMPINIT = 'autoload -U +X compinit && compinit -i';
const ZSH_BASHCOMPINIT = 'autoload -U +X bashcompinit && bashcompinit -i';

export const AUTO_COMPLETION_HELP = `enable auto completion

Usage:
  aliyun auto-completion [--uninstall]

Flags:
  --uninstall  uninstall auto completion
`;

/** A word for a shell command line: as is when it is plain, single-quoted otherwise. */
const shellWord = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

interface Installer {
  shell: 'bash' | 'zsh';
  rc: string;
  line: string;
  /** Lines installing puts before `line` when the file lacks them (zsh needs completion initialised). */
  prerequisites: string[];
}

function installers(home: string, bin: string): Installer[] {
  const exists = (p: string) => {
    try {
      statSync(p);
      return true;
    } catch {
      return false;
    }
  };
  const list: Installer[] = [];
  const bashRc = ['.bashrc', '.bash_profile', '.bash_login', '.profile'].map((f) => join(home, f)).find(exists);
  // bash runs the -C string as a command line, so a path with blanks is quoted inside it too.
  if (bashRc) list.push({ shell: 'bash', rc: bashRc, line: `complete -C ${shellWord(shellWord(bin))} ${COMMAND}`, prerequisites: [] });
  const zshRc = join(home, '.zshrc');
  if (exists(zshRc)) list.push({ shell: 'zsh', rc: zshRc, line: `complete -o nospace -F ${shellWord(bin)} ${COMMAND}`, prerequisites: [ZSH_COMPINIT, ZSH_BASHCOMPINIT] });
  return list;
}

const hasLine = (text: string, line: string) => text.split('\n').some((l) => l.replace(/\r$/, '') === line);

export async function runAutoCompletion(a: ParsedArgs, io: Io): Promise<number> {
  if (a.flags.has('help')) {
    io.out(AUTO_COMPLETION_HELP);
    return 0;
  }
  const unknown = a.params.find((p) => p.name !== 'uninstall');
  if (unknown) throw new CliError(`invalid flag --${unknown.name}; available flags: --uninstall`);
  if (a.positionals.length > 1) throw new CliError('too many arguments');
  const uninstall = a.params.some((p) => p.name === 'uninstall');
  const home = process.env.HOME || homedir();
  // The file the shell runs: this script, by the path it was started with (an npm link stays a link).
  const bin = resolve(process.argv[1]);
  const list = installers(home, bin);
  const red = (s: string) => (useColor(process.stderr) ? `\x1b[1;31m${s}\x1b[0m` : s);
  if (list.length === 0) {
    io.err(red(`no shell start-up file in ${home}: create ~/.bashrc (bash) or ~/.zshrc (zsh) and run \`aliyun auto-completion\` again\n`));
    return 0;
  }
  let failed = false;
  let installed = 0;
  for (const i of list) {
    let text: string;
    try {
      text = readFileSync(i.rc, 'utf8');
      if (uninstall) {
        if (!hasLine(text, i.line)) {
          io.err(red(`uninstall does not installed in ${i.rc} failed\n`));
          continue;
        }
        rewriteInPlace(i.rc, removeInstalled(text, i.line, i.prerequisites));
        io.out(`removed from ${i.rc}: ${i.line}\n`);
      } else {
        if (hasLine(text, i.line)) {
          io.err(red(`install completion failed for ${bin} already installed in ${i.rc}\n`));
          continue;
        }
        const block = [...i.prerequisites.filter((p) => !hasLine(text, p)), i.line];
        appendFileSync(i.rc, '\n' + block.join('\n') + '\n');
        io.out(`installed in ${i.rc}: ${i.line}\n`);
        installed++;
      }
    } catch (e: any) {
      failed = true;
      io.err(red(`${uninstall ? 'uninstall' : 'install'} completion failed for ${i.rc}: ${e.code === 'EACCES' ? 'permission denied' : e.message}\n`));
    }
  }
  if (installed) io.out(`Open a new shell (or \`source\` the file) to complete \`${COMMAND}\` with Tab.\n`);
  return failed ? 1 : 0;
}

/**
 * The text without what installing appended: `\n` + [missing prerequisites] + line + `\n`. The
 * prerequisites are taken too only when they sit right before the line after a blank line or at the
 * start of the file (so a user's own `compinit` line is never removed); any other copy of the line
 * itself is removed alone, as the real CLI does.
 */
export function removeInstalled(text: string, line: string, prerequisites: string[]): string {
  const variants: string[][] = [];
  for (let k = prerequisites.length; k >= 0; k--) for (const combo of subsets(prerequisites, k)) variants.push([...combo, line]);
  for (const lines of variants) {
    const block = '\n' + lines.join('\n') + '\n';
    const i = text.lastIndexOf(block);
    if (i < 0) continue;
    if (lines.length > 1 && !(i === 0 || text[i - 1] === '\n')) continue;
    const before = text.slice(0, i);
    const after = text.slice(i + block.length);
    // The `\n` that began the block ended the file's last line when it had no newline: keep it if text follows.
    text = before + (after && before && !before.endsWith('\n') ? '\n' : '') + after;
    break;
  }
  return text
    .split('\n')
    .filter((l) => l.replace(/\r$/, '') !== line)
    .join('\n');
}

function subsets<T>(xs: T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [head, ...rest] = xs;
  return [...subsets(rest, k - 1).map((s) => [head, ...s]), ...subsets(rest, k)];
}

/** Replaces the file's content atomically, through a symlink (dotfile managers link rc files), keeping its mode. */
function rewriteInPlace(path: string, text: string): void {
  const real = realpathSync(path);
  const mode = statSync(real).mode & 0o7777;
  const tmp = join(dirname(real), `.${basename(real)}.aliyun-${process.pid}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode);
    renameSync(tmp, real);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
