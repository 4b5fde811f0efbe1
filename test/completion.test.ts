// Shell completion through the built binary: COMP_LINE/COMP_POINT as bash and zsh set them, the
// candidates printed, and nothing else (no stderr, no writes, exit 0 whatever goes wrong).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATIONS } from '../src/operations/catalog.js';
import { spawnSync } from 'node:child_process';
import { BIN, run, Sandbox, type RunResult } from './helpers.js';

const sb = new Sandbox();
afterAll(() => sb.cleanup());

/** What the shell runs on Tab: `aliyun <command> <word> <previous word>` with the line in the environment. */
async function complete(line: string, extra: Record<string, string | undefined> = {}, point = line.length): Promise<string[]> {
  const words = line.split(' ');
  const env: Record<string, string> = { ...sb.env, COMP_LINE: line, COMP_POINT: String(point) };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const r: RunResult = await run(['aliyun', words[words.length - 1], words[words.length - 2] ?? ''], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split('\n');
}

const VALUE = 'v@lue-that-must-never-show';

beforeAll(async () => {
  for (const [name, region] of [
    ['db/password', 'cn-hangzhou'],
    ['db/user', 'cn-hangzhou'],
    ['api-key', 'cn-hangzhou'],
    ['shanghai-only', 'cn-shanghai'],
  ])
    await sb.json('--region', region, 'kms', 'CreateSecret', '--SecretName', name, '--SecretData', VALUE, '--VersionId', 'v1');
  mkdirSync(join(sb.home, '.aliyun'), { recursive: true });
  writeFileSync(
    join(sb.home, '.aliyun', 'config.json'),
    JSON.stringify({ current: 'default', profiles: [{ name: 'default', mode: '' }, { name: 'dev', mode: '' }, { name: 'prod', mode: '' }] }),
  );
});

describe('words', () => {
  test('the root: sub-commands and the product, or root flags after a dash', async () => {
    expect(await complete('aliyun ')).toEqual(['configure', 'auto-completion', 'kms']);
    expect(await complete('aliyun k')).toEqual(['kms']);
    expect(await complete('aliyun K')).toEqual(['kms']);
    expect(await complete('aliyun au')).toEqual(['auto-completion']);
    expect(await complete('aliyun --pro')).toEqual(['--profile', '--process-command']);
    expect(await complete('aliyun --back')).toEqual(['--backend']);
    // Hidden flags are not offered.
    expect(await complete('aliyun --insec')).toEqual([]);
  });

  test('configure and its sub-commands', async () => {
    expect(await complete('aliyun configure ')).toEqual(['get', 'set', 'list', 'delete', 'switch']);
    expect(await complete('aliyun configure s')).toEqual(['set', 'switch']);
    expect(await complete('aliyun configure --mo')).toEqual(['--mode']);
    expect(await complete('aliyun configure list ')).toEqual([]);
    expect(await complete('aliyun auto-completion --u')).toEqual(['--uninstall']);
  });

  test('API names (any case, as the real CLI) and our commands after kms', async () => {
    expect(await complete('aliyun kms GetSecret')).toEqual(['GetSecretPolicy', 'GetSecretValue']);
    expect(await complete('aliyun kms getsecretv')).toEqual(['GetSecretValue']);
    expect(await complete('aliyun kms ex')).toEqual(['ExportDataKey', 'export']);
    const all = await complete('aliyun kms ');
    expect(all).toContain('CreateSecret');
    expect(all).toContain('UpdateSecretVersionStage');
    for (const c of ['serve', 'get', 'run', 'export', 'inject', 'store']) expect(all).toContain(c);
    expect(await complete('aliyun kms --qui')).toEqual(['--quiet']);
    expect(await complete('aliyun help kms GetSecretV')).toEqual(['GetSecretValue']);
    // Root flags before the product do not change the position.
    expect(await complete('aliyun --profile dev --region cn-hangzhou kms ListSec')).toEqual(['ListSecretVersionIds', 'ListSecrets']);
  });

  test("the parameters of the API on the line, from the description the CLI validates with", async () => {
    for (const api of ['GetSecretValue', 'CreateSecret', 'ListSecrets', 'UpdateSecretVersionStage']) {
      const expected = Object.entries(OPERATIONS[api].params)
        .filter(([n]) => n !== 'RegionId')
        .flatMap(([n, p]) => (p.type === 'RepeatList' ? (p.subParams ? p.subParams.map((s) => `--${n}.1.${s}`) : [`--${n}.1`]) : [`--${n}`]));
      expect(await complete(`aliyun kms ${api} `)).toEqual(expected);
    }
    expect(await complete('aliyun kms GetSecretValue --Ver')).toEqual(['--VersionId', '--VersionStage']);
    expect(await complete('aliyun kms GetSecretValue --versionst')).toEqual(['--VersionStage']);
    // After a dash, the root flags follow the parameters.
    const dash = await complete('aliyun kms GetSecretValue --');
    const params = Object.keys(OPERATIONS.GetSecretValue.params).filter((n) => n !== 'RegionId').map((n) => '--' + n);
    expect(dash.slice(0, params.length)).toEqual(params);
    expect(dash).toContain('--profile');
    expect(dash).toContain('--cli-query');
    expect(await complete('aliyun kms GetSecretValue --SecretName db --Vers')).toEqual(['--VersionId', '--VersionStage']);
  });

  test('our commands: their flags and sub-commands', async () => {
    expect(await complete('aliyun kms get --version-')).toEqual(['--version-stage', '--version-id']);
    expect(await complete('aliyun kms run --')).toEqual(expect.arrayContaining(['--env', '--env-file', '--no-masking', '--profile', '--backend']));
    expect(await complete('aliyun kms run --no')).toEqual(['--no-masking']);
    expect(await complete('aliyun kms export --f')).toEqual(['--format']);
    expect(await complete('aliyun kms export --format ')).toEqual(['dotenv', 'json', 'shell', 'github']);
    expect(await complete('aliyun kms export --format=s')).toEqual(['--format=shell']);
    expect(await complete('aliyun kms inject -')).toEqual(expect.arrayContaining(['-i', '-o']));
    expect(await complete('aliyun kms store ')).toEqual(['verify']);
    expect(await complete('aliyun kms store verify ')).toEqual([]);
    const serve = await complete('aliyun kms serve --');
    for (const f of ['--host', '--port', '--region', '--seed', '--ephemeral', '--account-id', '--access-log', '--no-log']) expect(serve).toContain(f);
    expect(serve).not.toContain('--profile'); // serve parses its own flags
    expect(await complete('aliyun kms serve --region cn-bei')).toEqual(['cn-beijing', 'cn-beijing-finance-1']);
    // After `--` comes the command to run: not ours to complete.
    expect(await complete('aliyun kms run --env A=kms://db/user -- ')).toEqual([]);
  });
});

describe('values', () => {
  test('--profile from config.json, --region, --backend, --mode', async () => {
    expect(await complete('aliyun --profile ')).toEqual(['default', 'dev', 'prod']);
    expect(await complete('aliyun --profile d')).toEqual(['default', 'dev']);
    expect(await complete('aliyun -p p')).toEqual(['prod']);
    expect(await complete('aliyun kms ListSecrets --profile=p')).toEqual(['--profile=prod']);
    expect(await complete('aliyun configure switch --profile de')).toEqual(['default', 'dev']);
    // --config-path on the line names the file to read.
    const other = join(sb.root, 'other.json');
    writeFileSync(other, JSON.stringify({ current: 'x', profiles: [{ name: 'elsewhere' }] }));
    expect(await complete(`aliyun --config-path ${other} --profile `)).toEqual(['elsewhere']);
    expect(await complete('aliyun --region cn-sh')).toEqual(['cn-shanghai', 'cn-shenzhen', 'cn-shanghai-finance-1', 'cn-shenzhen-finance-1']);
    expect(await complete('aliyun --backend ')).toEqual(['local', 'remote']);
    expect(await complete('aliyun --mode Ram')).toEqual(['RamRoleArn', 'RamRoleArnWithRoleName']);
    // A value no list knows: nothing (not the parameter list).
    expect(await complete('aliyun kms CreateSecret --SecretData ')).toEqual([]);
  });

  test('--SecretName from the local store of the request region', async () => {
    expect(await complete('aliyun kms GetSecretValue --SecretName ')).toEqual(['api-key', 'db/password', 'db/user']);
    expect(await complete('aliyun kms DeleteSecret --SecretName db/')).toEqual(['db/password', 'db/user']);
    expect(await complete('aliyun kms GetSecretValue --SecretName=db/p')).toEqual(['--SecretName=db/password']);
    expect(await complete('aliyun --region cn-shanghai kms DescribeSecret --SecretName ')).toEqual(['shanghai-only']);
    expect(await complete('aliyun kms DescribeSecret --region cn-shanghai --SecretName ')).toEqual(['shanghai-only']);
    expect(await complete('aliyun kms GetSecretValue --SecretName ', { ALIBABA_CLOUD_REGION_ID: 'cn-shanghai' })).toEqual(['shanghai-only']);
    expect(await complete('aliyun --region eu-west-1 kms GetSecretValue --SecretName ')).toEqual([]);
  });

  test('kms:// references for get, run and export', async () => {
    expect(await complete('aliyun kms get ')).toEqual(['api-key', 'db/password', 'db/user']);
    expect(await complete('aliyun kms get db/u')).toEqual(['db/user']);
    expect(await complete('aliyun kms get kms://db')).toEqual(['kms://db/password', 'kms://db/user']);
    expect(await complete('aliyun kms get k')).toEqual(['kms://api-key', 'kms://db/password', 'kms://db/user']);
    expect(await complete('aliyun kms get --version-stage ACSCurrent kms://a')).toEqual(['kms://api-key']);
    expect(await complete('aliyun kms get kms://api-key ')).toEqual([]);
    expect(await complete('aliyun kms run --env DB_PASSWORD=kms://db/p')).toEqual(['DB_PASSWORD=kms://db/password']);
    expect(await complete('aliyun kms export --format json --env X=kms://')).toEqual(['X=kms://api-key', 'X=kms://db/password', 'X=kms://db/user']);
    expect(await complete('aliyun kms run --env X=literal')).toEqual([]);
  });

  test('bash replaces only what follows the last = or : of the word; zsh the whole word', async () => {
    // bash exports COMP_TYPE to `complete -C` commands; zsh's bashcompinit does not.
    expect(await complete('aliyun kms get kms://db/p', { COMP_TYPE: '9' })).toEqual(['//db/password']);
    expect(await complete('aliyun kms run --env A=kms://api', { COMP_TYPE: '9' })).toEqual(['//api-key']);
    expect(await complete('aliyun kms GetSecretValue --SecretName=api', { COMP_TYPE: '9' })).toEqual(['api-key']);
    expect(await complete('aliyun kms GetSecretV', { COMP_TYPE: '9' })).toEqual(['GetSecretValue']);
    // No break in the word yet: the whole candidate.
    expect(await complete('aliyun kms get kms', { COMP_TYPE: '9' })).toEqual(['kms://api-key', 'kms://db/password', 'kms://db/user']);
    expect(await complete('aliyun kms run --env A', { COMP_TYPE: '9' })).toEqual([]);
  });

  test('which backend would answer: secret names only when it is the local store', async () => {
    const creds = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIexample', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'example-secret' };
    // No backend chosen and no credentials: the local store (a Tab is typed at a terminal).
    expect(await complete('aliyun kms get ', { ALIYUN_KMS_BACKEND: undefined })).toEqual(['api-key', 'db/password', 'db/user']);
    // Credentials resolve: the remote backend would answer, and completion never calls it.
    expect(await complete('aliyun kms get ', { ALIYUN_KMS_BACKEND: undefined, ...creds })).toEqual([]);
    expect(await complete('aliyun --access-key-id a --access-key-secret b kms get ', { ALIYUN_KMS_BACKEND: undefined })).toEqual([]);
    // Chosen explicitly, on the line or in the environment.
    expect(await complete('aliyun --backend local kms get ', { ALIYUN_KMS_BACKEND: undefined, ...creds })).toEqual(['api-key', 'db/password', 'db/user']);
    expect(await complete('aliyun --backend remote kms get ')).toEqual([]);
    expect(await complete('aliyun kms get ', { ALIYUN_KMS_BACKEND: 'remote' })).toEqual([]);
    expect(await complete('aliyun kms get ', { ...creds })).toEqual(['api-key', 'db/password', 'db/user']);
  });

  test('no value is ever printed, whatever the word', async () => {
    for (const line of ['aliyun kms get kms://db/password#', 'aliyun kms GetSecretValue --SecretName db/password --', 'aliyun kms get v@']) {
      const out = await complete(line);
      expect(out.join('\n')).not.toContain(VALUE);
    }
  });
});

describe('the protocol', () => {
  test('COMP_POINT inside the line completes the word before the cursor', async () => {
    const line = 'aliyun kms GetSecretV --SecretName db/password';
    expect(await complete(line, {}, 'aliyun kms GetSecretV'.length)).toEqual(['GetSecretValue']);
    expect(await complete(line, {}, 'aliyun kms '.length)).toContain('GetSecretValue');
    // Past the end: the end.
    expect(await complete('aliyun kms GetSecretV', {}, 999)).toEqual(['GetSecretValue']);
  });

  test('quoted and escaped words are kept as typed (the real CLI)', async () => {
    expect((await complete(`aliyun kms CreateSecret --Description 'two words' --Sec`)).sort()).toEqual(['--SecretData', '--SecretDataType', '--SecretName', '--SecretType']);
  });

  test('COMP_POINT that is not a number: not a completion call', async () => {
    const r = await run(['version'], { ...sb.env, COMP_LINE: 'aliyun ', COMP_POINT: 'x' });
    expect(r).toEqual({ code: 0, stdout: '3.4.11\n', stderr: '' });
    const empty = await run(['version'], { ...sb.env, COMP_LINE: '', COMP_POINT: '0' });
    expect(empty.stdout).toBe('3.4.11\n');
  });

  test('a shell that stops reading (Ctrl-C during a Tab): no stack trace, exit 0', () => {
    // `true` exits long before node has started, so the write meets a closed pipe (EPIPE).
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" | true; echo "status \${PIPESTATUS:-done}"`], {
      env: { ...sb.env, COMP_LINE: 'aliyun kms ', COMP_POINT: '11' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('the command name alone or an unknown word: no candidates', async () => {
    expect(await complete('aliyun')).toEqual([]);
    expect(await complete('aliyun ecs ')).toEqual([]);
    expect(await complete('aliyun kms NoSuchApi --')).toEqual([]);
    expect(await complete('aliyun kms nosuchcommand ')).toEqual([]);
    expect(await complete('aliyun kms GetSecretValue --SecretName db --Nope ')).toEqual([]);
  });
});

describe('failures give no candidates, exit 0, nothing on stderr', () => {
  test('a broken config.json: no profiles, and the rest still completes', async () => {
    const b = new Sandbox();
    try {
      mkdirSync(join(b.home, '.aliyun'), { recursive: true });
      writeFileSync(join(b.home, '.aliyun', 'config.json'), '{"current": "x", "profiles": [');
      const env = { ...b.env, COMP_POINT: '99' };
      for (const line of ['aliyun --profile ', 'aliyun kms get ', 'aliyun ']) {
        const r = await run([], { ...env, COMP_LINE: line });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        if (line === 'aliyun ') expect(r.stdout).toBe('configure\nauto-completion\nkms\n');
        else expect(r.stdout).toBe('');
      }
      // A current profile that config.json does not have (the CLI's exit-3 error): no names either.
      writeFileSync(join(b.home, '.aliyun', 'config.json'), JSON.stringify({ current: 'gone', profiles: [] }));
      const r = await run([], { ...env, COMP_LINE: 'aliyun kms get ', ALIYUN_KMS_BACKEND: '' });
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    } finally {
      b.cleanup();
    }
  });

  test('an absent store is not created, and gives no names', async () => {
    const b = new Sandbox();
    try {
      const r = await run([], { ...b.env, COMP_LINE: 'aliyun kms get ', COMP_POINT: '15' });
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(existsSync(b.store)).toBe(false);
      expect(existsSync(b.home)).toBe(false);
    } finally {
      b.cleanup();
    }
  });

  test('a damaged store: unreadable records are skipped, a bad header gives nothing, nothing is written', async () => {
    const b = new Sandbox();
    try {
      await b.json('kms', 'CreateSecret', '--SecretName', 'good', '--SecretData', VALUE, '--VersionId', 'v1');
      await b.json('kms', 'CreateSecret', '--SecretName', 'other', '--SecretData', VALUE, '--VersionId', 'v1');
      const dir = join(b.store, 'regions', 'cn-hangzhou', 'secrets');
      const [first] = readdirSync(dir).sort();
      const victim = readFileSync(join(dir, first), 'utf8').includes('"name":"good"') ? 'good' : 'other';
      const survivor = victim === 'good' ? 'other' : 'good';
      writeFileSync(join(dir, first), '{"name":"tru');
      writeFileSync(join(dir, 'junk.json'), Buffer.from([0xff, 0xfe, 0x00]));
      mkdirSync(join(dir, 'a-directory.json'));
      const before = snapshot(b.store);
      const env = { ...b.env, COMP_LINE: 'aliyun kms get ', COMP_POINT: '15' };
      expect(await run([], env)).toEqual({ code: 0, stdout: survivor + '\n', stderr: '' });
      writeFileSync(join(b.store, 'store.json'), 'not json');
      expect(await run([], env)).toEqual({ code: 0, stdout: '', stderr: '' });
      rmSync(join(b.store, 'store.json'));
      expect(await run([], env)).toEqual({ code: 0, stdout: '', stderr: '' });
      rmSync(join(b.store, 'root.key'));
      expect(snapshot(b.store).filter((p) => !p.startsWith('store.json') && !p.startsWith('root.key'))).toEqual(
        before.filter((p) => !p.startsWith('store.json') && !p.startsWith('root.key')),
      );
    } finally {
      b.cleanup();
    }
  });
});

/** Every path under dir with its size, to see that nothing was written. */
function snapshot(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(rel + '/', ...snapshot(join(dir, e.name), rel + '/'));
    else out.push(`${rel} ${readFileSync(join(dir, e.name)).length}`);
  }
  return out.sort();
}
