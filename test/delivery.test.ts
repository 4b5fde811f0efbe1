// `aliyun kms get | run | export | inject` through the built binary, on the local backend and through
// `aliyun kms serve` as a remote endpoint: raw bytes, masking, exit codes, signals, formats, files.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { BIN, Sandbox } from './helpers.js';
import { AK, SK, ServerProcess } from './server.harness.js';


interface Raw {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

function spawnCli(args: string[], env: Record<string, string>, opts: { input?: string | null } = {}): { child: ChildProcess; done: Promise<Raw> } {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d) => (stderr += d));
  // A command that exits before reading its stdin closes the pipe (EPIPE): not a failure of the test.
  child.stdin!.on('error', () => {});
  // null: stdin stays open for the test to write to.
  if (opts.input !== null) child.stdin!.end(opts.input ?? '');
  const done = new Promise<Raw>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout: Buffer.concat(out), stderr }));
  });
  return { child, done };
}

const MULTI = 'line one\nline "two" with $HOME and `x` and \\n\n  ünïcödé ✓ 🗝\n';
const JSON_SECRET = { user: 'alice', pwd: 'p"a$s\\w\nord', port: 5432, on: true, big: 12345678901234567890, nested: { host: 'db.internal', list: [1, 'two'] }, 'my key': 'spaced', 'a.b': 'dotted' };
const JSON_TEXT = JSON.stringify(JSON_SECRET).replace('12345678901234567000', '12345678901234567890');
const BINARY = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0a, 0x22, 0x24, 0x80, 0x7f]);

for (const mode of ['local', 'remote'] as const) {
  describe(`on the ${mode} backend`, () => {
    const sb = new Sandbox();
    let server: ServerProcess | undefined;
    let env: Record<string, string>;
    let root: string[] = [];

    /** `aliyun kms CMD [root flags] ARGS…` (root flags right after the command word). */
    const kms = (cmd: string, args: string[], extraEnv: Record<string, string | undefined> = {}, input?: string | null) => {
      const e = { ...env };
      for (const [k, v] of Object.entries(extraEnv)) if (v === undefined) delete e[k];
      else e[k] = v;
      return spawnCli(['kms', cmd, ...root, ...args], e, { input });
    };
    const run = (cmd: string, args: string[], extraEnv: Record<string, string | undefined> = {}) => kms(cmd, args, extraEnv).done;
    const api = async (...args: string[]) => {
      const r = await run(args[0], args.slice(1));
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    };

    beforeAll(async () => {
      env = { ...sb.env };
      if (mode === 'remote') {
        server = await ServerProcess.start(sb, ['--access-key-id', AK, '--access-key-secret', SK, '--no-log']);
        delete env.ALIYUN_KMS_BACKEND;
        root = ['--endpoint', `127.0.0.1:${server.port}`, '--insecure', '--access-key-id', AK, '--access-key-secret', SK, '--region', 'cn-hangzhou'];
      }
      await api('CreateSecret', '--SecretName', 'multi', '--VersionId', 'v1', '--SecretData', MULTI);
      await api('CreateSecret', '--SecretName', 'cfg', '--VersionId', 'v1', '--SecretData', JSON_TEXT);
      await api('PutSecretValue', '--SecretName', 'cfg', '--VersionId', 'v2', '--SecretData', '{"user":"bob"}');
      await api('CreateSecret', '--SecretName', 'bin', '--VersionId', 'v1', '--SecretDataType', 'binary', '--SecretData', BINARY.toString('base64'));
      await api('CreateSecret', '--SecretName', 'app/db+x=y@z', '--VersionId', 'v1', '--SecretData', 'odd-name-value');
      await api('CreateSecret', '--SecretName', 'short', '--VersionId', 'v1', '--SecretData', 'ab');
      await api('CreateSecret', '--SecretName', 'clash', '--VersionId', 'v1', '--SecretData', '{"a-b":"one1","a_b":"two2"}');
    });

    afterAll(async () => {
      await server?.stop();
      sb.cleanup();
    });

    describe('get', () => {
      test('writes the exact bytes: multi-line, quotes, $, backslashes, unicode, no newline added', async () => {
        const r = await run('get', ['multi']);
        expect([r.code, r.stderr]).toEqual([0, '']);
        expect(r.stdout.equals(Buffer.from(MULTI))).toBe(true);
        expect((await run('get', ['kms://multi'])).stdout.toString()).toBe(MULTI);
      });

      test('a binary secret is its decoded bytes', async () => {
        const r = await run('get', ['kms://bin']);
        expect(r.code).toBe(0);
        expect(r.stdout.equals(BINARY)).toBe(true);
      });

      test('fields: strings raw, other kinds compact JSON, dotted paths, percent-encoded keys', async () => {
        const cases: [string, string][] = [
          ['cfg?version-id=v1#user', 'alice'],
          ['kms://cfg?version-id=v1#pwd', 'p"a$s\\w\nord'],
          ['kms://cfg?version-id=v1#port', '5432'],
          ['kms://cfg?version-id=v1#on', 'true'],
          ['kms://cfg?version-id=v1#big', '12345678901234567890'],
          ['kms://cfg?version-id=v1#nested', '{"host":"db.internal","list":[1,"two"]}'],
          ['kms://cfg?version-id=v1#nested.host', 'db.internal'],
          ['kms://cfg?version-id=v1#nested.list', '[1,"two"]'],
          ['kms://cfg?version-id=v1#my%20key', 'spaced'],
          ['kms://cfg?version-id=v1#a%2Eb', 'dotted'],
        ];
        for (const [ref, want] of cases) {
          const r = await run('get', [ref]);
          expect([ref, r.code, r.stdout.toString(), r.stderr]).toEqual([ref, 0, want, '']);
        }
      });

      test('versions: query in the reference, flags, and ARNs', async () => {
        expect((await run('get', ['cfg#user'])).stdout.toString()).toBe('bob');
        expect((await run('get', ['kms://cfg?version-stage=ACSPrevious#user'])).stdout.toString()).toBe('alice');
        expect((await run('get', ['kms://cfg?version-id=v1#user'])).stdout.toString()).toBe('alice');
        expect((await run('get', ['--version-id', 'v1', 'cfg#user'])).stdout.toString()).toBe('alice');
        expect((await run('get', ['--version-stage', 'ACSPrevious', 'cfg#user'])).stdout.toString()).toBe('alice');
        const arn = JSON.parse((await run('DescribeSecret', ['--SecretName', 'cfg'])).stdout.toString()).Arn;
        expect((await run('get', [`${arn}?version-id=v1#user`])).stdout.toString()).toBe('alice');
      });

      test('names that a URL would mangle, percent-encoded', async () => {
        expect((await run('get', ['kms://app%2Fdb%2Bx%3Dy%40z'])).stdout.toString()).toBe('odd-name-value');
        expect((await run('get', ['kms://app/db+x=y@z'])).stdout.toString()).toBe('odd-name-value');
      });

      test('what does not exist: exit 4, naming the reference, never a value', async () => {
        const cases: [string, string][] = [
          ['kms://nope', 'ERROR: kms://nope: secret nope does not exist (Forbidden.ResourceNotFound)\n'],
          ['kms://cfg?version-id=v9#user', 'ERROR: kms://cfg?version-id=v9#user: secret cfg version v9 does not exist (Forbidden.ResourceNotFound)\n'],
          ['kms://cfg?version-id=v1#missing.deeper', 'ERROR: kms://cfg?version-id=v1#missing.deeper: secret cfg version v1 has no field missing\n'],
          ['kms://multi#x', 'ERROR: kms://multi#x: secret multi is not a JSON object, so it has no field x\n'],
          ['kms://bin#x', 'ERROR: kms://bin#x: secret bin is binary, so it has no field x\n'],
        ];
        for (const [ref, err] of cases) {
          const r = await run('get', [ref]);
          expect([r.code, r.stdout.toString(), r.stderr]).toEqual([4, '', err]);
        }
      });

      test("any other failure: the server's error block, exit 1", async () => {
        await api('CreateSecret', '--SecretName', 'gone', '--VersionId', 'v1', '--SecretData', 'gone-value');
        await api('DeleteSecret', '--SecretName', 'gone');
        const r = await run('get', ['kms://gone']);
        expect([r.code, r.stdout.toString()]).toEqual([1, '']);
        expect(r.stderr).toMatch(/^ERROR: SDK\.ServerError\nErrorCode: Rejected\.ResourceInDeleteWindow\n/);
        expect(r.stderr).not.toContain('gone-value');
      });

      test('bad usage: exit 2', async () => {
        const cases: [string[], string][] = [
          [['http://x'], "ERROR: malformed reference 'http://x': expected kms://NAME[#FIELD] or acs:kms:REGION:ACCOUNT:secret/NAME[#FIELD]\n"],
          [['kms://a%zz'], "ERROR: malformed reference 'kms://a%zz': the secret name has a bad percent-escape (write % as %25)\n"],
          [['kms://a?version-stage=S&version-id=V'], "ERROR: malformed reference 'kms://a?version-stage=S&version-id=V': give ?version-stage or ?version-id, not both\n"],
          [['kms://a?stage=S'], "ERROR: malformed reference 'kms://a?stage=S': unknown or repeated query 'stage' (use ?version-stage=STAGE or ?version-id=ID)\n"],
          [['kms://a#'], "ERROR: malformed reference 'kms://a#': empty field name after '#' (write #key or #outer.inner)\n"],
          [['--bogus', 'cfg'], "ERROR: unknown option '--bogus' (see `aliyun kms get --help`)\n"],
          [[], 'ERROR: missing the reference to read, e.g. aliyun kms get kms://db#password (see `aliyun kms get --help`)\n'],
          [['--version-id', 'v1', 'kms://cfg?version-id=v1'], 'ERROR: give the version in the reference or with --version-stage/--version-id, not both\n'],
        ];
        for (const [args, err] of cases) {
          const r = await run('get', args);
          expect([args, r.code, r.stdout.toString(), r.stderr]).toEqual([args, 2, '', err]);
        }
      });
    });

    describe('run', () => {
      const nodeCmd = (script: string) => [process.execPath, '-e', script];

      test('variables from --env, --env-file (references and literals), PREFIX_* and inherited references', async () => {
        const file = join(sb.root, `vars-${mode}.env`);
        writeFileSync(file, '# comment\nexport HOST=kms://cfg?version-id=v1#nested.host\nPLAIN="literal value" # trailing\nQUOTED="kms://cfg#user"\n');
        const r = await run(
          'run',
          ['--env', 'PW=kms://cfg?version-id=v1#pwd', '--env-file', file, '--env', 'OLD_*=kms://cfg?version-id=v1', '--no-masking', '--', ...nodeCmd('const e=process.env; console.log(JSON.stringify([e.PW,e.HOST,e.PLAIN,e.QUOTED,e.INHERITED,e.OLD_USER,e.OLD_PORT,e.OLD_NESTED,e.OLD_MY_KEY,e.OLD_A_B]))')],
          { INHERITED: 'kms://multi' },
        );
        expect([r.code, r.stderr]).toEqual([0, '']);
        expect(JSON.parse(r.stdout.toString())).toEqual(['p"a$s\\w\nord', 'db.internal', 'literal value', 'bob', MULTI, 'alice', '5432', '{"host":"db.internal","list":[1,"two"]}', 'spaced', 'dotted']);
      });

      test('a variable holds the text byte for byte: a leading byte-order mark and a { that is not JSON stay', async () => {
        await api('CreateSecret', '--SecretName', 'bom', '--VersionId', 'v1', '--SecretData', '\ufeffbom-first');
        await api('CreateSecret', '--SecretName', 'brace', '--VersionId', 'v1', '--SecretData', '  {not json');
        const r = await run('run', ['--no-masking', '--env', 'A=kms://bom', '--env', 'B=kms://brace', '--', ...nodeCmd("console.log(Buffer.from(process.env.A).toString('hex'), JSON.stringify(process.env.B))")]);
        expect([r.code, r.stdout.toString(), r.stderr]).toEqual([0, `efbbbf${Buffer.from('bom-first').toString('hex')} "  {not json"\n`, '']);
      });

      test('a later source overrides an earlier one, which is then not even fetched', async () => {
        const r = await run('run', ['--no-masking', '--env', 'DB=kms://cfg?version-id=v1#user', '--', 'sh', '-c', 'echo "$DB"'], { DB: 'kms://does-not-exist' });
        expect([r.code, r.stdout.toString(), r.stderr]).toEqual([0, 'alice\n', '']);
      });

      test('the exit code is the command\'s; a signal gives 128+N', async () => {
        expect((await run('run', ['--', 'sh', '-c', 'exit 7'])).code).toBe(7);
        expect((await run('run', ['--', 'sh', '-c', 'kill -KILL $$'])).code).toBe(137);
        expect((await run('run', ['--', 'sh', '-c', 'kill -TERM $$'])).code).toBe(143);
        const missing = await run('run', ['--', 'no-such-command-xyz']);
        expect([missing.code, missing.stderr]).toEqual([127, 'ERROR: cannot run no-such-command-xyz: command not found\n']);
      });

      test.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s sent to us reaches the command', async (sig) => {
        const script = `process.on('${sig}', () => { console.log('got ${sig}'); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);`;
        const { child, done } = kms('run', ['--env', 'U=kms://cfg#user', '--', ...nodeCmd(script)]);
        let seen = '';
        await new Promise<void>((res) => child.stdout!.on('data', (d) => ((seen += d), seen.includes('ready') && res())));
        child.kill(sig);
        const r = await done;
        expect([r.code, r.stdout.toString()]).toEqual([42, 'ready\ngot ' + sig + '\n']);
      });

      test('a failed reference starts nothing', async () => {
        const marker = join(sb.root, `started-${mode}`);
        const r = await run('run', ['--env', 'A=kms://cfg#user', '--env', 'B=kms://nope', '--', 'touch', marker]);
        expect([r.code, r.stdout.toString(), r.stderr]).toEqual([4, '', 'ERROR: kms://nope: secret nope does not exist (Forbidden.ResourceNotFound)\n']);
        expect(existsSync(marker)).toBe(false);
        const bad = await run('run', ['--env', 'B=kms://cfg#nope', '--', 'touch', marker]);
        expect(bad.code).toBe(4);
        expect(existsSync(marker)).toBe(false);
      });

      test('bad usage: exit 2', async () => {
        const cases: [string[], string][] = [
          [['--env', 'X=kms://cfg'], 'ERROR: no command after -- (aliyun kms run [options] -- CMD [ARGS...])\n'],
          [['--env', 'X=kms://cfg', '--'], 'ERROR: no command after -- (aliyun kms run [options] -- CMD [ARGS...])\n'],
          [['echo', 'hi'], "ERROR: unexpected argument 'echo': put the command after -- (aliyun kms run [options] -- CMD [ARGS...])\n"],
          [['--env', 'X=plain', '--', 'true'], "ERROR: --env X: the value is not a reference (kms://NAME[#FIELD] or a secret ARN); a literal value belongs in an --env-file\n"],
          [['--env', '1X=kms://cfg', '--', 'true'], "ERROR: --env '1X=…': '1X' is not a variable name (letters, digits and _, or PREFIX_* for every key of a JSON secret)\n"],
          [['--env', '*=kms://cfg', '--', 'true'], "ERROR: --env '*=…': give a prefix (e.g. --env 'DB_*=kms://db'); without one the secret's keys would name any variable, PATH and LD_PRELOAD included\n"],
        ];
        for (const [args, err] of cases) {
          const r = await run('run', args);
          expect([args, r.code, r.stderr]).toEqual([args, 2, err]);
        }
      });

      test('a missing --env-file is an error that starts nothing', async () => {
        // Node 20 itself reads `--env-file` anywhere in argv and fails first (exit 9, its own message);
        // newer Node leaves it to us (exit 2). Either way the command never starts.
        const marker = join(sb.root, `envfile-${mode}`);
        const r = await run('run', ['--env-file', '/nonexistent/x.env', '--', 'touch', marker]);
        expect(r.stderr).toContain('/nonexistent/x.env');
        expect([2, 9]).toContain(r.code);
        expect(existsSync(marker)).toBe(false);
      });

      test('PREFIX_* with two keys mapping to one name is an error, and starts nothing', async () => {
        const r = await run('run', ['--env', 'C_*=kms://clash', '--', 'echo', 'started']);
        expect([r.code, r.stdout.toString(), r.stderr]).toEqual([1, '', "ERROR: C_*=kms://clash: the keys 'a-b' and 'a_b' both map to the variable C_A_B\n"]);
      });

      test('masking holds for a child writing byte by byte, slowly, on stdout and stderr', async () => {
        // Each byte is its own write, a few ms apart: the value is split across many chunks.
        const script = `const fs=require('fs');const t='before '+process.env.V+' middle '+process.env.P+' after\\n';let i=0;const b=Buffer.from(t);const tick=()=>{if(i>=b.length)return;fs.writeSync(1,b.subarray(i,i+1));fs.writeSync(2,b.subarray(i,i+1));i++;setTimeout(tick,1)};tick();`;
        const r = await run('run', ['--env', 'V=kms://multi', '--env', 'P=kms://cfg?version-id=v1#pwd', '--', ...nodeCmd(script)]);
        expect(r.code).toBe(0);
        const want = 'before <concealed by aliyun> middle <concealed by aliyun> after\n';
        expect(r.stdout.toString()).toBe(want);
        expect(r.stderr).toBe(want);
      });

      test('masking: lines of a multi-line value on their own, JSON-escaped forms, random chunking', async () => {
        const script = `const v=process.env.V,p=process.env.P;const lines=v.split('\\n');const text=['L1='+lines[0],'L3='+lines[2],'J='+JSON.stringify({v}),'JP='+JSON.stringify(p),'A='+JSON.stringify(lines[2]).replace(/[\\u007f-\\uffff]/g,c=>'\\\\u'+c.charCodeAt(0).toString(16).padStart(4,'0')),'PW='+p,'end'].join('\\n')+'\\n';const b=Buffer.from(text);let i=0;let seed=7;const fs=require('fs');while(i<b.length){seed=(seed*1103515245+12345)%2147483648;const n=1+seed%5;fs.writeSync(1,b.subarray(i,i+n));i+=n}`;
        const r = await run('run', ['--env', 'V=kms://multi', '--env', 'P=kms://cfg?version-id=v1#pwd', '--', ...nodeCmd(script)]);
        expect([r.code, r.stderr]).toEqual([0, '']);
        expect(r.stdout.toString()).toBe(
          ['L1=<concealed by aliyun>', 'L3=<concealed by aliyun>', 'J={"v":"<concealed by aliyun>"}', 'JP="<concealed by aliyun>"', 'A="<concealed by aliyun>"', 'PW=<concealed by aliyun>', 'end'].join('\n') + '\n',
        );
      });

      test('masking: a partial value at the end is written out, and output that cannot be a value is not held back', async () => {
        // The prompt is visible before the command gets its input: nothing waits for more bytes.
        const script = `process.stdout.write('Enter: '); process.stdin.once('data', (d) => { process.stdout.write('got ' + d.toString().trim() + ' ' + process.env.P.slice(0, 5)); process.exit(0); });`;
        const { child, done } = kms('run', ['--env', 'P=kms://cfg?version-id=v1#pwd', '--', ...nodeCmd(script)], {}, null);
        let seen = '';
        await new Promise<void>((res) => child.stdout!.on('data', (d) => ((seen += d), seen === 'Enter: ' && res())));
        child.stdin!.end('yes\n');
        const r = await done;
        // `p"a$s` is the start of the value, held back until the end, then written as it is.
        expect([r.code, r.stdout.toString()]).toEqual([0, 'Enter: got yes p"a$s']);
      });

      test('a value of under 4 characters is not masked, with a warning naming the variable only', async () => {
        const r = await run('run', ['--env', 'TINY=kms://short', '--', 'sh', '-c', 'echo "[$TINY]"']);
        expect([r.code, r.stdout.toString(), r.stderr]).toEqual([0, '[ab]\n', 'warning: the value of TINY is shorter than 4 characters and is not masked\n']);
      });

      test('--no-masking passes output through untouched', async () => {
        const r = await run('run', ['--no-masking', '--env', 'U=kms://cfg?version-id=v1#user', '--', 'sh', '-c', 'echo "$U"; echo "$U" >&2']);
        expect([r.code, r.stdout.toString(), r.stderr]).toEqual([0, 'alice\n', 'alice\n']);
      });

      test('values never appear in the argument list of our process or the command', async () => {
        const script = `console.log(JSON.stringify(process.argv.slice(1))); console.log(require('fs').readFileSync('/proc/' + process.ppid + '/cmdline', 'utf8').includes(process.env.U))`;
        const r = await run('run', ['--no-masking', '--env', 'U=kms://cfg?version-id=v1#pwd', '--', ...nodeCmd(script)]);
        expect([r.code, r.stdout.toString()]).toEqual([0, '[]\nfalse\n']);
      });
    });

    describe('export', () => {
      const all = ['--env', 'PW=kms://cfg?version-id=v1#pwd', '--env', 'M=kms://multi', '--env', 'OLD_*=kms://cfg?version-id=v1', '--env', 'NAME=kms://app%2Fdb%2Bx%3Dy%40z'];
      const expected = async () => {
        const plain = { ...JSON_SECRET } as Record<string, unknown>;
        const want: Record<string, string> = { PW: JSON_SECRET.pwd, M: MULTI };
        for (const [k, v] of Object.entries(plain)) want['OLD_' + k.toUpperCase().replace(/[^A-Z0-9_]/g, '_')] = typeof v === 'string' ? v : k === 'big' ? '12345678901234567890' : JSON.stringify(v);
        want.NAME = 'odd-name-value';
        return want;
      };

      test('shell: eval gives back the exact values', async () => {
        const r = await run('export', ['--format', 'shell', ...all]);
        expect([r.code, r.stderr]).toEqual([0, '']);
        const want = await expected();
        const script = `eval "$(cat)"; for v in ${Object.keys(want).join(' ')}; do printf '%s\\0' "$(printf '%s' "\${!v}"; printf x)"; done`;
        const sh = spawn('bash', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
        const out: Buffer[] = [];
        sh.stdout.on('data', (d) => out.push(d));
        sh.stdin.end(r.stdout);
        await new Promise((res) => sh.on('close', res));
        const values = Buffer.concat(out).toString().split('\0').slice(0, -1).map((s) => s.slice(0, -1));
        expect(Object.fromEntries(Object.keys(want).map((k, i) => [k, values[i]]))).toEqual(want);
      });

      test('dotenv: the dotenv parser reads back the exact values, multi-line included', async () => {
        const r = await run('export', ['--format', 'dotenv', ...all]);
        expect([r.code, r.stderr]).toEqual([0, '']);
        expect(parseDotenv(r.stdout)).toEqual(await expected());
        // Our own --env-file reader reads the same file back too.
        const file = join(sb.root, `export-${mode}.env`);
        writeFileSync(file, r.stdout);
        const back = await run('run', ['--no-masking', '--env-file', file, '--', process.execPath, '-e', `console.log(JSON.stringify([process.env.PW, process.env.M, process.env.OLD_NESTED]))`]);
        expect(JSON.parse(back.stdout.toString())).toEqual([JSON_SECRET.pwd, MULTI, '{"host":"db.internal","list":[1,"two"]}']);
      });

      test('json: one object', async () => {
        const r = await run('export', ['--format', 'json', ...all]);
        expect([r.code, r.stderr]).toEqual([0, '']);
        expect(JSON.parse(r.stdout.toString())).toEqual(await expected());
      });

      test('github: masks on stdout, multi-line-safe entries appended to GITHUB_ENV', async () => {
        const ghEnv = join(sb.root, `github-env-${mode}`);
        writeFileSync(ghEnv, 'EXISTING=1\n');
        const r = await run('export', ['--format', 'github', '--env', 'PW=kms://cfg?version-id=v1#pwd', '--env', 'M=kms://multi', '--env', 'PCT=kms://nope'], { GITHUB_ENV: ghEnv });
        // kms://nope does not exist: nothing is written.
        expect(r.code).toBe(4);
        expect(readFileSync(ghEnv, 'utf8')).toBe('EXISTING=1\n');
        const ok = await run('export', ['--format', 'github', '--env', 'PW=kms://cfg?version-id=v1#pwd', '--env', 'M=kms://multi'], { GITHUB_ENV: ghEnv });
        expect([ok.code, ok.stderr]).toEqual([0, '']);
        // 'ord' (the second line of PW) is shorter than 4 characters: not masked, as by `run`.
        expect(ok.stdout.toString()).toBe(['p"a$s\\w', 'line one', 'line "two" with $HOME and `x` and \\n', '  ünïcödé ✓ 🗝'].map((l) => `::add-mask::${l}\n`).join(''));
        const text = readFileSync(ghEnv, 'utf8');
        // Parse as the runner does: NAME<<DELIM, lines, DELIM.
        const parsed: Record<string, string> = {};
        const lines = text.split('\n');
        for (let i = 0; i < lines.length; i++) {
          const m = /^([A-Z_]+)<<(ghadelimiter_[0-9a-f]{32})$/.exec(lines[i]);
          if (!m) continue;
          const body: string[] = [];
          while (lines[++i] !== m[2]) body.push(lines[i]);
          parsed[m[1]] = body.join('\n');
        }
        expect(text.startsWith('EXISTING=1\n')).toBe(true);
        expect(parsed).toEqual({ PW: JSON_SECRET.pwd, M: MULTI });
      });

      test('github without GITHUB_ENV, or an unknown format: exit 2', async () => {
        const r = await run('export', ['--format', 'github', '--env', 'PW=kms://cfg#pwd'], { GITHUB_ENV: undefined });
        expect([r.code, r.stderr]).toEqual([2, 'ERROR: --format github appends to the file named by GITHUB_ENV, which is not set (it is set inside GitHub Actions)\n']);
        const f = await run('export', ['--format', 'yaml']);
        expect([f.code, f.stderr]).toEqual([2, 'ERROR: --format yaml is not one of dotenv, json, shell, github\n']);
      });
    });

    describe('inject', () => {
      test('fills placeholders with raw values; OUT is created 0600', async () => {
        const dir = join(sb.root, `inject-${mode}`);
        mkdirSync(dir, { recursive: true });
        const tpl = join(dir, 'app.tpl');
        writeFileSync(tpl, 'user={{ kms://cfg?version-id=v1#user }}\npw={{kms://cfg?version-id=v1#pwd}}\nport={{   kms://cfg?version-id=v1#port   }}\nbraces={{ not a ref }}\n');
        const out = join(dir, 'app.conf');
        const r = await run('inject', ['-i', tpl, '-o', out]);
        expect([r.code, r.stdout.toString(), r.stderr]).toEqual([0, '', '']);
        expect(readFileSync(out, 'utf8')).toBe('user=alice\npw=p"a$s\\w\nord\nport=5432\nbraces={{ not a ref }}\n');
        expect(statSync(out).mode & 0o777).toBe(0o600);
        const stdout = await run('inject', ['--in', tpl]);
        expect(stdout.stdout.toString()).toBe('user=alice\npw=p"a$s\\w\nord\nport=5432\nbraces={{ not a ref }}\n');
      });

      test('an unresolved reference leaves no file, and an existing OUT untouched', async () => {
        const dir = join(sb.root, `inject-fail-${mode}`);
        mkdirSync(dir, { recursive: true });
        const tpl = join(dir, 't');
        writeFileSync(tpl, 'a={{ kms://cfg#user }} b={{ kms://cfg#missing }}\n');
        const r = await run('inject', ['-i', tpl, '-o', join(dir, 'new.conf')]);
        expect([r.code, r.stderr]).toEqual([4, 'ERROR: kms://cfg#missing: secret cfg has no field missing\n']);
        writeFileSync(join(dir, 'old.conf'), 'previous');
        expect((await run('inject', ['-i', tpl, '-o', join(dir, 'old.conf')])).code).toBe(4);
        expect(readFileSync(join(dir, 'old.conf'), 'utf8')).toBe('previous');
        const { readdirSync } = await import('node:fs');
        expect(readdirSync(dir).sort()).toEqual(['old.conf', 't']);
      });

      test('ARN placeholders', async () => {
        const arn = JSON.parse((await run('DescribeSecret', ['--SecretName', 'cfg'])).stdout.toString()).Arn;
        const dir = join(sb.root, `inject-arn-${mode}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 't'), `u={{ ${arn}?version-id=v1#user }} n={{${arn}?version-id=v1#nested.host}}`);
        const r = await run('inject', ['-i', join(dir, 't')]);
        expect([r.code, r.stdout.toString(), r.stderr]).toEqual([0, 'u=alice n=db.internal', '']);
      });

      test('a binary value goes in byte for byte', async () => {
        const dir = join(sb.root, `inject-bin-${mode}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 't'), '[{{ kms://bin }}]');
        const r = await run('inject', ['-i', join(dir, 't')]);
        expect(r.stdout.equals(Buffer.concat([Buffer.from('['), BINARY, Buffer.from(']')]))).toBe(true);
      });
    });
  });
}
