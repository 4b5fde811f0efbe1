// The backend when none was chosen and no credentials resolve: the local store answers only in an
// interactive terminal (stdin and stderr terminals, CI unset); a script or CI job gets the real CLI's
// configuration error (exit 3) plus a tip naming --backend local. The terminal is a real
// pseudo-terminal from util-linux `script`.
import { execFileSync, spawn } from 'node:child_process';
import { BIN, Sandbox } from './helpers.js';

const sb = new Sandbox();
const unconfigured = { ALIYUN_KMS_BACKEND: undefined };
const TIP = 'Configuration failed, use `aliyun configure` to configure it\nTo use the local store instead, pass --backend local or set ALIYUN_KMS_BACKEND=local.\n';
const NOTICE = `aliyun: no credentials configured (flags, ALIBABA_CLOUD_* variables, ~/.aliyun/config.json); using the local store ${sb.store}. Pass --backend local or set ALIYUN_KMS_BACKEND=local to silence this.`;

let hasScript = true;
try {
  execFileSync('script', ['--version'], { stdio: 'ignore' });
} catch {
  hasScript = false;
}

/** Runs the binary inside a pseudo-terminal (stdin, stdout and stderr all the terminal); returns what the terminal showed. */
// `script` runs its command with $SHELL -c. dash (the /bin/sh of Debian, and the shell when SHELL is
// unset, as on CI) stays in between and, having caught the terminal's SIGINT itself, exits 130 whatever
// its child's status; bash replaces itself. `exec` and a fixed SHELL make the command the terminal's
// foreground process whichever shell runs it.
function shellCommand(argv: string[]): string {
  return 'exec ' + argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}

function terminalEnv(env: Record<string, string>): Record<string, string> {
  return { ...env, SHELL: '/bin/sh' };
}

function inTerminal(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; screen: string }> {
  const e: Record<string, string> = { ...sb.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  else e[k] = v;
  return new Promise((res, rej) => {
    const child = spawn('script', ['-qec', shellCommand([process.execPath, BIN, ...args]), '/dev/null'], { env: terminalEnv(e), stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (screen += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code, screen: screen.replace(/\r\n/g, '\n') }));
    child.stdin.on('error', () => {});
    child.stdin.end();
  });
}

beforeAll(async () => {
  const r = await sb.run('kms', 'CreateSecret', '--SecretName', 'db', '--SecretData', 'local-value', '--VersionId', 'v1');
  expect(r.code).toBe(0);
});
afterAll(() => sb.cleanup());

describe('not a terminal: the real CLI configuration error, exit 3, for API and delivery commands', () => {
  test.each([
    [['kms', 'GetSecretValue', '--SecretName', 'db'], "region can't be empty"],
    [['kms', 'get', 'db'], "region can't be empty"],
    [['kms', 'run', '--env', 'X=kms://db', '--', 'true'], "region can't be empty"],
    [['kms', 'export', '--format', 'json', '--env', 'X=kms://db'], "region can't be empty"],
    [['--region', 'cn-shanghai', 'kms', 'get', 'db'], 'profile default is not configure yet, run `aliyun configure --profile default` first'],
    [['kms', 'GetSecretValue', '--SecretName', 'db', '--region', 'cn-shanghai'], 'profile default is not configure yet, run `aliyun configure --profile default` first'],
  ])('aliyun %j', async (args, message) => {
    expect(await sb.runWith(unconfigured, ...args)).toEqual({ code: 3, stdout: '', stderr: `ERROR: ${message}\n\n${TIP}` });
  });

  test('the local store answers when chosen: --backend local (anywhere) or ALIYUN_KMS_BACKEND=local', async () => {
    for (const args of [
      ['--backend', 'local', 'kms', 'get', 'db'],
      ['kms', 'get', '--backend', 'local', 'db'],
      ['kms', '--backend', 'local', 'get', 'db'],
      ['kms', 'get', 'db', '--backend=local'],
    ])
      expect(await sb.runWith(unconfigured, ...args)).toEqual({ code: 0, stdout: 'local-value', stderr: '' });
    expect(await sb.run('kms', 'get', 'db')).toEqual({ code: 0, stdout: 'local-value', stderr: '' });
  });

  test('a bad --backend is a configuration error', async () => {
    expect(await sb.runWith(unconfigured, 'kms', 'get', 'db', '--backend', 'cloud')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'ERROR: invalid backend cloud\n\nUse `--backend local` or `--backend remote` (or ALIYUN_KMS_BACKEND)\n',
    });
  });
});

(hasScript ? describe : describe.skip)('in a terminal (util-linux script)', () => {
  test('the local store answers, with the notice; get adds a line break for the terminal', async () => {
    for (const args of [
      ['kms', 'get', 'db'],
      ['kms', 'GetSecretValue', '--SecretName', 'db', '--cli-query', 'SecretData'],
    ]) {
      const r = await inTerminal(args, { ...unconfigured, CI: undefined, NO_COLOR: '1' });
      const value = args[1] === 'get' ? 'local-value' : '"local-value"';
      expect([r.code, r.screen]).toEqual([0, `${NOTICE}\n${value}\n`]);
    }
  });

  test('run --no-masking gives the command our terminal; with masking its output is a pipe', async () => {
    const probe = ['-e', 'console.log([process.stdin.isTTY, process.stdout.isTTY, process.stderr.isTTY].map(Boolean).join(","))'];
    const direct = await inTerminal(['kms', 'run', '--no-masking', '--env', 'V=kms://db', '--', process.execPath, ...probe], { NO_COLOR: '1' });
    expect([direct.code, direct.screen]).toEqual([0, 'true,true,true\n']);
    const masked = await inTerminal(['kms', 'run', '--env', 'V=kms://db', '--', process.execPath, ...probe], { NO_COLOR: '1' });
    expect([masked.code, masked.screen]).toEqual([0, 'true,false,false\n']);
  });

  test('Ctrl-C in a terminal reaches the command of run once, and its exit status is ours', async () => {
    const script = `let n=0;process.on('SIGINT',()=>{n++;console.log('INT',n)});console.log('ready');setTimeout(()=>{console.log('total',n);process.exit(5)},1500)`;
    for (const masking of [[], ['--no-masking']]) {
      const e: Record<string, string> = { ...sb.env, NO_COLOR: '1' };
      const command = shellCommand([process.execPath, BIN, 'kms', 'run', ...masking, '--env', 'V=kms://db', '--', process.execPath, '-e', script]);
      const child = spawn('script', ['-qec', command, '/dev/null'], { env: terminalEnv(e), stdio: ['pipe', 'pipe', 'pipe'] });
      let screen = '';
      let typed = false;
      child.stdin.on('error', () => {});
      // The terminal turns the ^C byte into SIGINT for its foreground process group. Typed once:
      // output arriving before the terminal's echo of ^C must not type a second one.
      child.stdout.setEncoding('utf8').on('data', (d) => {
        screen += d;
        if (screen.includes('ready') && !typed) {
          typed = true;
          child.stdin.write('\x03');
        }
      });
      const code = await new Promise((res) => child.on('close', res));
      expect([masking, code, screen.replace(/\r\n/g, '\n')]).toEqual([masking, 5, 'ready\n^CINT 1\ntotal 1\n']);
    }
  });

  test('CI set: the configuration error even in a terminal', async () => {
    const r = await inTerminal(['kms', 'get', 'db'], { ...unconfigured, CI: 'true', NO_COLOR: '1' });
    expect([r.code, r.screen]).toEqual([3, `ERROR: region can't be empty\n\n${TIP}`]);
  });
});
