// Hostile conditions found in review: what a flaky machine or an awkward user does to the CLI.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { BIN, Sandbox, runCommand } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = new Sandbox();
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'x', '--SecretData', 'hello', '--VersionId', 'v1')).code).toBe(0);
});
afterAll(() => sb.cleanup());

/** Runs the CLI with stdout going to `stdout` (a file descriptor, or 'closed': a pipe closed before it writes). */
function runTo(stdout: number | 'closed', args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: sb.env, stdio: ['ignore', stdout === 'closed' ? 'pipe' : stdout, 'pipe'] });
    if (stdout === 'closed') child.stdout!.destroy();
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code: code ?? -1, stderr }));
  });
}

describe('a failed write to stdout', () => {
  const commands = [
    ['kms', 'GetSecretValue', '--SecretName', 'x'],
    ['kms', 'ListSecrets'],
    ['kms', '--help'],
    ['version'],
    ['kms', 'get', 'x'],
    ['kms', 'export', '--env', 'X=kms://x', '--format', 'json'],
  ];
  test.each(commands)('full disk: %s %s is exit 1 with one clear line, no stack trace', async (...args) => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await runTo(full, args);
      expect(r).toEqual({ code: 1, stderr: 'ERROR: cannot write to stdout: no space left on device\n' });
    } finally {
      closeSync(full);
    }
  });
  test.each(commands)('closed pipe: %s %s ends quietly with the command\'s exit code', async (...args) => {
    const r = await runTo('closed', args);
    expect(r).toEqual({ code: 0, stderr: '' });
  });
});

test('product help lists our own commands after the API list, each with a working --help', async () => {
  const help = await sb.run('kms', '--help');
  expect(help.code).toBe(0);
  expect(await sb.run('help', 'kms')).toEqual(help);
  const tail = help.stdout.slice(help.stdout.indexOf('\nRun `aliyun kms <ApiName> --help`'));
  expect(tail.replace(/(\S) {2,}.*\n/g, '$1\n')).toBe(
    '\nRun `aliyun kms <ApiName> --help` to get more information about this API\n\nCommands of this build (not in the real aliyun CLI):\n' +
      '  get\n  run\n  export\n  inject\n  serve\n  store\n\nRun `aliyun kms <command> --help` to get more information about a command\n',
  );
  for (const name of ['get', 'run', 'export', 'inject', 'serve', 'store']) {
    const r = await sb.run('kms', name, '--help');
    expect([name, r.code, r.stdout.startsWith(`Usage: aliyun kms ${name}`)]).toEqual([name, 0, true]);
  }
});

test('run: overlapping values are masked as one span, also when written in pieces; no tail of either shows', async () => {
  for (const [name, value] of [['ov1', 'abcdefgh'], ['ov2', 'cdefgh12']])
    expect((await sb.run('kms', 'CreateSecret', '--SecretName', name, '--SecretData', value, '--VersionId', 'v1')).code).toBe(0);
  const script = 'process.stdout.write("abcdefgh12|"); setTimeout(() => process.stdout.write("abcdef"), 100); setTimeout(() => process.stdout.write("gh12 abcdefgh1\\n"), 200);';
  const r = await sb.run('kms', 'run', '--env', 'A=kms://ov1', '--env', 'B=kms://ov2', '--', process.execPath, '-e', script);
  expect(r).toEqual({ code: 0, stdout: '<concealed by aliyun>|<concealed by aliyun> <concealed by aliyun>1\n', stderr: '' });
});

describe('inject', () => {
  test('a placeholder without its closing }} is an error naming the line, and no file is written', async () => {
    const tpl = join(sb.root, 'open.tpl');
    const out = join(sb.root, 'open.out');
    writeFileSync(tpl, 'a={{ kms://x }}\nb={{ kms://x\nc={{ not.ours }}\n');
    expect(await sb.run('kms', 'inject', '-i', tpl, '-o', out)).toEqual({
      code: 2,
      stdout: '',
      stderr: `ERROR: -i ${tpl}: line 2: a {{ kms://… placeholder has no closing }} right after its reference (a reference holds no spaces)\n`,
    });
    expect(existsSync(out)).toBe(false);
    writeFileSync(tpl, 'a={{ kms://x y }}');
    expect((await sb.run('kms', 'inject', '-i', tpl)).code).toBe(2);
    // Other engines' placeholders are text.
    writeFileSync(tpl, 'a={{ kms://x }} {{ other }}');
    expect(await sb.run('kms', 'inject', '-i', tpl)).toEqual({ code: 0, stdout: 'a=hello {{ other }}', stderr: '' });
  });

  test('-o never replaces a symbolic link, a pipe or a directory with a file of values', async () => {
    const tpl = join(sb.root, 'plain.tpl');
    writeFileSync(tpl, 'v={{ kms://x }}\n');
    const target = join(sb.root, 'target');
    writeFileSync(target, 'kept');
    const link = join(sb.root, 'link');
    symlinkSync(target, link);
    const fifo = join(sb.root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [path, kind] of [[link, 'a symbolic link'], [fifo, 'a device, pipe or socket'], [sb.root, 'a directory']]) {
      expect(await sb.run('kms', 'inject', '-i', tpl, '-o', path)).toEqual({
        code: 2,
        stdout: '',
        stderr: `ERROR: -o ${path}: is ${kind}, which inject does not replace; give a regular file's path, or write to stdout and redirect it\n`,
      });
    }
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('kept');
    // A regular file is replaced, 0600.
    expect(await sb.run('kms', 'inject', '-i', tpl, '-o', target)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(target, 'utf8')).toBe('v=hello\n');
  });
});

test('a config.json that starts with a byte order mark: the error quotes the byte as Go does', async () => {
  const home = join(sb.root, 'bom-home');
  mkdirSync(join(home, '.aliyun'), { recursive: true });
  writeFileSync(join(home, '.aliyun', 'config.json'), Buffer.from('\xef\xbb\xbf{}', 'latin1'));
  expect(await sb.runWith({ HOME: home }, 'kms', 'ListSecrets')).toEqual({
    code: 3,
    stdout: '',
    stderr: "ERROR: load current configuration failed init config failed invalid character 'ï' looking for beginning of value\n\nConfiguration failed, use `aliyun configure` to configure it\n",
  });
});

test('export dotenv: a value with a carriage return that needs single quotes is refused, never changed', async () => {
  const file = join(sb.root, 'cr-secret');
  writeFileSync(file, 'a\rb\r\nc\\nd "q" $V');
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'cr', '--SecretData-FILE', file, '--VersionId', 'v1')).code).toBe(0);
  expect(await sb.run('kms', 'export', '--format', 'dotenv', '--env', 'C=kms://cr')).toEqual({
    code: 1,
    stdout: '',
    stderr: 'ERROR: the value of C holds a carriage return together with ", \\, $ or `, which the dotenv format cannot write exactly; use --format json or --format shell\n',
  });
  // Without those characters the double-quoted form carries the CR as \r, which dotenv reads back.
  writeFileSync(file, 'a\rb\r\nc');
  expect((await sb.run('kms', 'PutSecretValue', '--SecretName', 'cr', '--SecretData-FILE', file, '--VersionId', 'v2')).code).toBe(0);
  const r = await sb.run('kms', 'export', '--format', 'dotenv', '--env', 'C=kms://cr');
  expect(r.code).toBe(0);
  expect(parseDotenv(r.stdout)).toEqual({ C: 'a\rb\r\nc' });
});

describe('the aliyun program itself (run as a program, not as `node bin/aliyun.cjs`)', () => {
  const runProgram = (args: string[]) => runCommand(BIN, args, sb.env);

  test('--env-file is ours, not node\'s: a missing file is our error, a NODE_OPTIONS line does not reach our process', async () => {
    const missing = join(sb.root, 'missing.env');
    expect(await runProgram(['kms', 'run', '--env-file', missing, '--', 'true'])).toEqual({ code: 2, stdout: '', stderr: `ERROR: --env-file ${missing}: no such file\n` });
    const marker = join(sb.root, 'node-options-ran');
    const hook = join(sb.root, 'hook.js');
    writeFileSync(hook, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`);
    const envFile = join(sb.root, 'with-node-options.env');
    writeFileSync(envFile, `NODE_OPTIONS=--require ${hook}\nDB=kms://x\n`);
    expect(await runProgram(['kms', 'run', `--env-file=${envFile}`, '--', 'sh', '-c', 'test "$DB" = hello && echo ok'])).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    expect(existsSync(marker)).toBe(false);
  });
});

test('--env with a literal where a reference belongs: the literal (maybe a password) is not echoed', async () => {
  const r = await sb.run('kms', 'export', '--format', 'json', '--env', 'DB_PASSWORD=hunter2-literal');
  expect(r).toEqual({ code: 2, stdout: '', stderr: 'ERROR: --env DB_PASSWORD: the value is not a reference (kms://NAME[#FIELD] or a secret ARN); a literal value belongs in an --env-file\n' });
  expect(r.stderr).not.toContain('hunter2');
});

test('run: variables larger than the system allows (E2BIG) are a clear error with exit 126, not a raw spawn error', async () => {
  const file = join(sb.root, 'big-secret');
  writeFileSync(file, 'v'.repeat(30000));
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'big', '--SecretData-FILE', file, '--VersionId', 'v1')).code).toBe(0);
  const envs = Array.from({ length: 100 }, (_, i) => ['--env', `B${i}=kms://big`]).flat();
  expect(await sb.run('kms', 'run', ...envs, '--', 'true')).toEqual({
    code: 126,
    stdout: '',
    stderr: 'ERROR: cannot run true: the variables are larger than the system allows for a process environment (E2BIG); give big values through a file (aliyun kms inject)\n',
  });
});

test('get: a key that holds a dot is reached with %2E, and the error for #a.b says so', async () => {
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'dots', '--SecretData', '{"a.b":"flat","x":{"y.z":"deep"}}', '--VersionId', 'v1')).code).toBe(0);
  expect(await sb.run('kms', 'get', 'dots#a%2Eb')).toEqual({ code: 0, stdout: 'flat', stderr: '' });
  expect(await sb.run('kms', 'get', 'dots#x.y%2Ez')).toEqual({ code: 0, stdout: 'deep', stderr: '' });
  expect(await sb.run('kms', 'get', 'dots#a.b')).toEqual({ code: 4, stdout: '', stderr: "ERROR: dots#a.b: secret dots has no field a (the key 'a.b' holds a dot: write #a%2Eb)\n" });
  expect(await sb.run('kms', 'get', 'dots#x.y.z')).toEqual({ code: 4, stdout: '', stderr: "ERROR: dots#x.y.z: secret dots has no field x.y (the key 'y.z' holds a dot: write #x.y%2Ez)\n" });
  expect((await sb.run('kms', 'get', 'dots#q.r')).stderr).toBe('ERROR: dots#q.r: secret dots has no field q\n');
});

test('run: when our reader goes away, the command gets SIGPIPE as in a plain pipeline (yes | head), and its status is ours', async () => {
  const r = await runTo('closed', ['kms', 'run', '--env', 'X=kms://x', '--', 'yes']);
  expect(r).toEqual({ code: 141, stderr: '' });
});

test('export github: no ::add-mask:: for lines under 4 characters (a JSON secret\'s braces would hide every brace in the log)', async () => {
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'pretty', '--SecretData', '{\n  "user": "admin"\n}', '--VersionId', 'v1')).code).toBe(0);
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'tiny', '--SecretData', 'abc', '--VersionId', 'v1')).code).toBe(0);
  const ghEnv = join(sb.root, 'github-env');
  const r = await sb.runWith({ GITHUB_ENV: ghEnv }, 'kms', 'export', '--format', 'github', '--env', 'P=kms://pretty', '--env', 'T=kms://tiny');
  expect(r).toEqual({ code: 0, stdout: '::add-mask::  "user": "admin"\n', stderr: 'warning: the value of T is shorter than 4 characters and is not masked\n' });
  expect(readFileSync(ghEnv, 'utf8')).toMatch(/^P<<(ghadelimiter_[0-9a-f]{32})\n\{\n {2}"user": "admin"\n\}\n\1\nT<<(ghadelimiter_[0-9a-f]{32})\nabc\n\2\n$/);
});

test('run: a value with <, > or & is masked in the JSON that Go programs write (\\u003c, \\u003e, \\u0026)', async () => {
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'html', '--SecretData', 'pa<ss>&wörd', '--VersionId', 'v1')).code).toBe(0);
  const script = 'console.log(JSON.stringify({ v: process.env.H }).replace(/[<>&]/g, (c) => "\\\\u00" + c.charCodeAt(0).toString(16)))';
  const r = await sb.run('kms', 'run', '--env', 'H=kms://html', '--', process.execPath, '-e', script);
  expect(r).toEqual({ code: 0, stdout: '{"v":"<concealed by aliyun>"}\n', stderr: '' });
});

test('configure: a config.json that cannot be written is one line naming it, after the real CLI\'s prefix (config/configure_set.go)', async () => {
  const file = join(sb.root, 'a-file');
  writeFileSync(file, 'x');
  const path = join(file, 'config.json');
  expect(await sb.run('configure', 'set', '--config-path', path, '--profile', 'p', '--mode', 'AK', '--access-key-id', 'a', '--access-key-secret', 'b', '--region', 'cn-hangzhou')).toEqual({
    code: 1,
    stdout: '',
    stderr: `ERROR: save configuration failed failed to write config "${path}": a part of the path is not a directory\n`,
  });
});

test("run -- '': an empty command name is 'command not found' (127), as in a shell", async () => {
  expect(await sb.run('kms', 'run', '--', '')).toEqual({ code: 127, stdout: '', stderr: "ERROR: cannot run '': command not found\n" });
});

test('run: a line of a multi-line value that is mostly blanks (`  },`) is not masked everywhere; its real lines are', async () => {
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'pem', '--SecretData', '{\n  "k": {\n    "p": "s3cret-pw"\n  },\n  "z": 1\n}', '--VersionId', 'v1')).code).toBe(0);
  const r = await sb.run('kms', 'run', '--env', 'J=kms://pem', '--', 'printf', '%s\\n', '  },', '    "p": "s3cret-pw"', '  "z": 1');
  expect(r).toEqual({ code: 0, stdout: '  },\n<concealed by aliyun>\n<concealed by aliyun>\n', stderr: '' });
});

test('get --version-stage "" (an unset variable) is refused, not read as the current version', async () => {
  expect(await sb.run('kms', 'get', 'x', '--version-stage', '')).toEqual({ code: 2, stdout: '', stderr: 'ERROR: --version-stage needs a value (it was given empty)\n' });
  expect(await sb.run('kms', 'get', 'x', '--version-id=')).toEqual({ code: 2, stdout: '', stderr: 'ERROR: --version-id needs a value (it was given empty)\n' });
});
