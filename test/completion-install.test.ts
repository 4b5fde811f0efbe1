// `aliyun auto-completion [--uninstall]` on a temporary HOME: the real CLI's rc files and lines,
// idempotent, and an uninstall that gives back the file exactly as it was.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cleanEnv, run, type RunResult } from './helpers.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'completion-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const aliyun = (...args: string[]): Promise<RunResult> => run(args, cleanEnv({ HOME: home, NO_COLOR: '1' }));
const read = (f: string) => readFileSync(join(home, f), 'utf8');
const BASH_LINE = `complete -C ${BIN} aliyun`;
const ZSH_LINE = `complete -o nospace -F ${BIN} aliyun`;
const ZSH_INIT = 'autoload -U +X compinit && compinit -i\nautoload -U +X bashcompinit && bashcompinit -i\n';

test('install, install again, uninstall, uninstall again: bash and zsh', async () => {
  const bashrc = '# my bashrc\nexport EDITOR=vi\n';
  const zshrc = 'setopt no_beep\n';
  writeFileSync(join(home, '.bashrc'), bashrc);
  writeFileSync(join(home, '.zshrc'), zshrc);

  expect(await aliyun('auto-completion')).toEqual({
    code: 0,
    stdout: `installed in ${join(home, '.bashrc')}: ${BASH_LINE}\ninstalled in ${join(home, '.zshrc')}: ${ZSH_LINE}\nOpen a new shell (or \`source\` the file) to complete \`aliyun\` with Tab.\n`,
    stderr: '',
  });
  expect(read('.bashrc')).toBe(`${bashrc}\n${BASH_LINE}\n`);
  expect(read('.zshrc')).toBe(`${zshrc}\n${ZSH_INIT}${ZSH_LINE}\n`);

  // Idempotent: one line, and the real CLI's message for the second time.
  expect(await aliyun('auto-completion')).toEqual({
    code: 0,
    stdout: '',
    stderr: `install completion failed for ${BIN} already installed in ${join(home, '.bashrc')}\ninstall completion failed for ${BIN} already installed in ${join(home, '.zshrc')}\n`,
  });
  expect(read('.bashrc')).toBe(`${bashrc}\n${BASH_LINE}\n`);
  expect(read('.zshrc')).toBe(`${zshrc}\n${ZSH_INIT}${ZSH_LINE}\n`);

  expect(await aliyun('auto-completion', '--uninstall')).toEqual({
    code: 0,
    stdout: `removed from ${join(home, '.bashrc')}: ${BASH_LINE}\nremoved from ${join(home, '.zshrc')}: ${ZSH_LINE}\n`,
    stderr: '',
  });
  expect(read('.bashrc')).toBe(bashrc);
  expect(read('.zshrc')).toBe(zshrc);

  expect(await aliyun('auto-completion', '--uninstall')).toEqual({
    code: 0,
    stdout: '',
    stderr: `uninstall does not installed in ${join(home, '.bashrc')} failed\nuninstall does not installed in ${join(home, '.zshrc')} failed\n`,
  });
  expect(read('.bashrc')).toBe(bashrc);
});

test('the installed bash line is what bash registers', async () => {
  writeFileSync(join(home, '.bashrc'), '');
  await aliyun('auto-completion');
  const r = spawnSync('bash', ['-c', `source ${join(home, '.bashrc')}; complete -p aliyun`], { encoding: 'utf8' });
  expect(r.stdout).toBe(`complete -C '${BIN}' aliyun\n`);
});

test('what the user wrote around the lines stays; their own compinit is never removed', async () => {
  // No trailing newline: restored byte for byte.
  writeFileSync(join(home, '.bashrc'), 'alias ll="ls -l"');
  // compinit already there: only bashcompinit and the line are added, and only they are removed.
  const zshrc = 'autoload -U +X compinit && compinit -i\n';
  writeFileSync(join(home, '.zshrc'), zshrc);
  await aliyun('auto-completion');
  expect(read('.bashrc')).toBe(`alias ll="ls -l"\n${BASH_LINE}\n`);
  expect(read('.zshrc')).toBe(`${zshrc}\nautoload -U +X bashcompinit && bashcompinit -i\n${ZSH_LINE}\n`);
  // The user adds lines after ours.
  writeFileSync(join(home, '.bashrc'), read('.bashrc') + 'export A=1\n');
  writeFileSync(join(home, '.zshrc'), read('.zshrc') + 'export B=2\n');
  await aliyun('auto-completion', '--uninstall');
  expect(read('.bashrc')).toBe('alias ll="ls -l"\nexport A=1\n');
  expect(read('.zshrc')).toBe(`${zshrc}export B=2\n`);
});

test("the real CLI's choice of files: the first bash start-up file that exists; none created", async () => {
  writeFileSync(join(home, '.profile'), 'P=1\n');
  writeFileSync(join(home, '.bash_profile'), 'BP=1\n');
  const r = await aliyun('auto-completion');
  expect(r.stdout.split('\n')[0]).toBe(`installed in ${join(home, '.bash_profile')}: ${BASH_LINE}`);
  expect(read('.profile')).toBe('P=1\n');
  expect(existsSync(join(home, '.bashrc'))).toBe(false);
  expect(existsSync(join(home, '.zshrc'))).toBe(false);

  rmSync(home, { recursive: true });
  mkdirSync(home);
  expect(await aliyun('auto-completion')).toEqual({
    code: 0,
    stdout: '',
    stderr: `no shell start-up file in ${home}: create ~/.bashrc (bash) or ~/.zshrc (zsh) and run \`aliyun auto-completion\` again\n`,
  });
});

test('a symlinked rc file stays a symlink, and keeps its mode', async () => {
  mkdirSync(join(home, 'dotfiles'));
  writeFileSync(join(home, 'dotfiles', 'bashrc'), 'X=1\n');
  chmodSync(join(home, 'dotfiles', 'bashrc'), 0o640);
  symlinkSync(join(home, 'dotfiles', 'bashrc'), join(home, '.bashrc'));
  await aliyun('auto-completion');
  await aliyun('auto-completion', '--uninstall');
  expect(lstatSync(join(home, '.bashrc')).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(home, 'dotfiles', 'bashrc'), 'utf8')).toBe('X=1\n');
  expect(lstatSync(join(home, 'dotfiles', 'bashrc')).mode & 0o777).toBe(0o640);
});

test('an rc file that cannot be written: an error naming it, exit 1, the file unchanged', async () => {
  if (process.getuid?.() === 0) {
    // root writes anyway; a directory in the file's place fails for everyone.
    mkdirSync(join(home, '.bashrc'));
    const r = await aliyun('auto-completion');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^install completion failed for ${join(home, '.bashrc')}: .+\n$`));
    return;
  }
  writeFileSync(join(home, '.bashrc'), 'X=1\n');
  chmodSync(join(home, '.bashrc'), 0o444);
  const r = await aliyun('auto-completion');
  expect(r).toEqual({ code: 1, stdout: '', stderr: `install completion failed for ${join(home, '.bashrc')}: permission denied\n` });
  expect(read('.bashrc')).toBe('X=1\n');
});

test('help and bad usage', async () => {
  const h = await aliyun('auto-completion', '--help');
  expect(h.code).toBe(0);
  expect(h.stdout).toContain('aliyun auto-completion [--uninstall]');
  const bad = await aliyun('auto-completion', '--remove');
  expect(bad).toEqual({ code: 1, stdout: '', stderr: 'ERROR: invalid flag --remove; available flags: --uninstall\n' });
});
