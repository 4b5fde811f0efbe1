// `aliyun configure` and its sub-commands on a real config.json in a private HOME.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run, type RunResult } from './helpers.js';
import { FakeKms } from './fake-kms.js';

let home: string;
let cfgPath: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'configure-home-'));
  cfgPath = join(home, '.aliyun', 'config.json');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const aliyun = (args: string[], input?: string, extra: Record<string, string> = {}): Promise<RunResult> =>
  run(args, cleanEnv({ HOME: home, NO_COLOR: '1', LANG: 'C', ...extra }), input);

/** A config.json exactly as the Go CLI writes it: tabs, Go field order, no trailing newline. */
const GO_WRITTEN = `{
	"current": "prod",
	"profiles": [
		{
			"name": "default",
			"mode": "AK",
			"access_key_id": "LTAI5tDefaultKey",
			"access_key_secret": "defaultSecret123",
			"region_id": "cn-hangzhou",
			"output_format": "json",
			"language": "en"
		},
		{
			"name": "prod",
			"mode": "RamRoleArn",
			"access_key_id": "LTAI5tProdKey789",
			"access_key_secret": "prodSecret456",
			"ram_role_arn": "acs:ram::123:role/prod",
			"ram_session_name": "ci",
			"external_id": "ext-abc",
			"expired_seconds": 900,
			"region_id": "cn-shanghai",
			"output_format": "json",
			"language": "zh",
			"site": "china",
			"read_timeout": 30,
			"retry_count": 2,
			"future_field": {
				"kept": true
			}
		},
		{
			"name": "ecs",
			"mode": "EcsRamRole",
			"ram_role_name": "worker",
			"region_id": "cn-beijing",
			"output_format": "json"
		}
	],
	"meta_path": "",
	"extra_top_level": "x <&> y"
}`.replace('"x <&> y"', '"x \\u003c\\u0026\\u003e y"');

function writeGoConfig(text = GO_WRITTEN): void {
  mkdirSync(join(home, '.aliyun'), { recursive: true });
  writeFileSync(cfgPath, text, { mode: 0o600 });
}

describe('config.json compatibility', () => {
  test('a Go-written file is read (profile, region, timeouts) and rewritten byte for byte apart from the change', async () => {
    writeGoConfig();
    const get = await aliyun(['configure', 'get', 'profile', 'mode', 'access-key-id', 'external-id', 'region']);
    expect(get).toEqual({ code: 0, stdout: 'profile=prod\nmode=RamRoleArn\naccess-key-id=*************789\nexternal-id=ext-abc\ncn-shanghai\n', stderr: '' });

    const sw = await aliyun(['configure', 'switch', '--profile', 'default']);
    expect(sw).toEqual({ code: 0, stdout: 'The default profile is `default` now.\n', stderr: '' });
    expect(readFileSync(cfgPath, 'utf8')).toBe(GO_WRITTEN.replace('"current": "prod"', '"current": "default"'));
    expect(statSync(cfgPath).mode & 0o777).toBe(0o600);
  });

  test('configure set writes what it was given, field for field, and reads it back', async () => {
    const set = await aliyun([
      'configure', 'set',
      '--profile', 'new',
      '--mode', 'ststoken',
      '--access-key-id', 'STS.abc',
      '--access-key-secret', 's3cr3t',
      '--sts-token', 'tok<en>',
      '--region', 'eu-central-1',
      '--language', 'en',
      '--read-timeout', '20',
      '--connect-timeout', '7',
      '--retry-count', '3',
      '--endpoint', 'kms.example.test',
    ]);
    expect(set).toEqual({ code: 0, stdout: '', stderr: '' });
    // A missing file reads as NewConfiguration() (config/configuration.go): its empty "default"
    // profile is written too, as the real `configure set` does.
    expect(readFileSync(cfgPath, 'utf8')).toBe(`{
	"current": "new",
	"profiles": [
		{
			"name": "default",
			"mode": "",
			"output_format": "json",
			"language": "en"
		},
		{
			"name": "new",
			"mode": "StsToken",
			"access_key_id": "STS.abc",
			"access_key_secret": "s3cr3t",
			"sts_token": "tok\\u003cen\\u003e",
			"region_id": "eu-central-1",
			"output_format": "json",
			"language": "en",
			"site": "china",
			"read_timeout": 20,
			"connect_timeout": 7,
			"retry_count": 3,
			"endpoint": "kms.example.test"
		}
	],
	"meta_path": ""
}`);
    expect(statSync(cfgPath).mode & 0o777).toBe(0o600);
    const get = await aliyun(['configure', 'get', '--profile', 'new']);
    expect(get.code).toBe(0);
    expect(get.stdout.endsWith('}\n\n')).toBe(true);
    expect(JSON.parse(get.stdout)).toEqual({
      name: 'new',
      mode: 'StsToken',
      access_key_id: 'STS.abc',
      access_key_secret: 's3cr3t',
      sts_token: 'tok<en>',
      region_id: 'eu-central-1',
      output_format: 'json',
      language: 'en',
      site: 'china',
      read_timeout: 20,
      connect_timeout: 7,
      retry_count: 3,
      endpoint: 'kms.example.test',
    });
    // The written profile drives a call: the endpoint and keys come from it.
    const dry = await aliyun(['kms', 'ListSecrets', '--dryrun']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('\nHost: kms.example.test\n');
    expect(dry.stdout).toContain('SecurityToken=tok%3Cen%3E');
  });

  test('configure set on an existing file keeps other profiles and unknown fields', async () => {
    writeGoConfig();
    const r = await aliyun(['configure', 'set', '--profile', 'default', '--region', 'cn-qingdao']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const after = JSON.parse(readFileSync(cfgPath, 'utf8'));
    expect(after.current).toBe('default');
    expect(after.extra_top_level).toBe('x <&> y');
    expect(after.profiles[1].future_field).toEqual({ kept: true });
    expect(after.profiles[0]).toMatchObject({ region_id: 'cn-qingdao', site: 'china', access_key_id: 'LTAI5tDefaultKey' });
  });

  test('configure set validation: exit 1 with the prefixed message, nothing written', async () => {
    const r = await aliyun(['configure', 'set', '--access-key-id', 'a', '--access-key-secret', 'b']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "ERROR: fail to set configuration: region can't be empty\n" });
    expect(existsSync(cfgPath)).toBe(false);
  });
});

describe('configure get / list / delete / switch', () => {
  test('get without a file, unknown profile; env credentials shown for the current profile only', async () => {
    expect(await aliyun(['configure', 'get'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: load configuration failed. Run `aliyun configure` to set up\n' });
    writeGoConfig();
    expect(await aliyun(['configure', 'get', '--profile', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: profile nope not found\n' });
    const env = { ALIBABA_CLOUD_SECURITY_TOKEN: 'env-token' };
    expect((await aliyun(['configure', 'get', 'sts-token'], undefined, env)).stdout).toBe('sts-token=env-token\n\n');
    expect((await aliyun(['configure', 'get', 'sts-token', '--profile', 'prod'], undefined, env)).stdout).toBe('sts-token=\n\n');
  });

  test('list: the tabwriter table, current marked, validity per profile', async () => {
    expect(await aliyun(['configure', 'list'])).toEqual({ code: 1, stdout: '', stderr: `ERROR: load configure failed: stat ${cfgPath}: no such file or directory\n` });
    writeGoConfig();
    const r = await aliyun(['configure', 'list']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'Profile   | Credential            | Valid   | Region           | Language',
        '--------- | ------------------    | ------- | ---------------- | --------',
        'default   | AK:***Key             | Valid   | cn-hangzhou      | en',
        'prod *    | RamRoleArn:***789:abc | Valid   | cn-shanghai      | zh',
        'ecs       | EcsRamRole:worker     | Valid   | cn-beijing       | ',
        '',
      ].join('\n'),
    );
  });

  test('delete: usage without --profile, unknown profile, current moves to the first remaining', async () => {
    writeGoConfig();
    expect(await aliyun(['configure', 'delete'])).toEqual({
      code: 1,
      stdout: '',
      stderr: '\nusage:\n  aliyun configure delete --profile <profileName> [--config-path <configPath>]\nERROR: missing --profile <profileName>\n',
    });
    expect(await aliyun(['configure', 'delete', '--profile', 'ghost'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: error: configuration profile `ghost` not found\n' });
    expect(await aliyun(['configure', 'delete', '--profile', 'prod'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const after = JSON.parse(readFileSync(cfgPath, 'utf8'));
    expect(after.current).toBe('default');
    expect(after.profiles.map((p: any) => p.name)).toEqual(['default', 'ecs']);
  });

  test('switch errors; unknown sub-command; unknown flag', async () => {
    writeGoConfig();
    expect(await aliyun(['configure', 'switch'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: the --profile <profileName> is required\n' });
    expect(await aliyun(['configure', 'switch', '--profile', 'x'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: the profile `x` is inexist\n' });
    expect(await aliyun(['configure', 'lst'])).toEqual({ code: 2, stdout: '\nDid you mean:\n  list\n', stderr: "ERROR: 'lst' is not a valid command\n" });
    const bad = await aliyun(['configure', 'list', '--foo']);
    expect(bad.code).toBe(2);
    // `list` knows the root's persistent flags and --help (cli/context.go EnterCommand, config/flags.go).
    expect(bad.stderr).toBe(
      'ERROR: invalid flag --foo; available flags: --bearer-token, --bearer-token-header-key, --cloud-sso-access-config, --cloud-sso-account-id, --cloud-sso-sign-in-url, --config-path, --endpoint, --endpoint-type, --help, --mode, --oauth-site-type, --profile, --ram-role-name, --skip-secure-verify, -e, -h, -p\n',
    );
  });

  test('--help prints usage and reads nothing', async () => {
    const r = await aliyun(['configure', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('\nUsage:\n  aliyun configure --mode {AK|');
    expect(existsSync(cfgPath)).toBe(false);
  });

  test('--config-path selects another file for every sub-command', async () => {
    const other = join(home, 'elsewhere.json');
    expect((await aliyun(['configure', 'set', '--config-path', other, '--profile', 'x', '--access-key-id', 'id1', '--access-key-secret', 'sec', '--region', 'cn-hangzhou'])).code).toBe(0);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(cfgPath)).toBe(false);
    expect((await aliyun(['configure', 'get', 'access-key-secret', '--config-path', other])).stdout).toBe('access-key-secret=***\n\n');
  });
});

describe('interactive configure', () => {
  let fake: FakeKms;
  let checkEnv: Record<string, string>;
  beforeAll(async () => {
    fake = await new FakeKms().start();
    fake.keys.set('LTAI5tDefaultKey', { secret: 'newSecretValue' });
    checkEnv = { ALIBABA_CLOUD_STS_ENDPOINT: `http://${fake.endpoint}`, ALIYUN_KMS_IMDS_ENDPOINT: `http://${fake.endpoint}` };
  });
  afterAll(() => fake.stop());

  test('prompts with masked defaults from the existing profile; empty answers keep values; the keys are checked with STS', async () => {
    writeGoConfig();
    const r = await aliyun(['configure', '--profile', 'default'], '\nnewSecretValue\n\nzh\n', checkEnv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 6).join('\n') + '\n').toBe(
      "Configuring profile 'default' in 'AK' authenticate mode...\n" +
        'Access Key Id [*************Key]: ' +
        'Access Key Secret [*************123]: ' +
        'Default Region Id [cn-hangzhou]: ' +
        'Default Output Format [json]: json (Only support json)\n' +
        'Default Language [zh|en] en: ' +
        'Saving profile[default] ...Done.\n' +
        '\nConfigure Done!!!\n' +
        '..............888888888888888888888 ........=8888888888888888888D=..............\n',
    );
    const after = JSON.parse(readFileSync(cfgPath, 'utf8'));
    expect(after.current).toBe('default');
    expect(after.profiles[0]).toMatchObject({ access_key_id: 'LTAI5tDefaultKey', access_key_secret: 'newSecretValue', region_id: 'cn-hangzhou', language: 'zh' });
    expect(after.profiles[1].future_field).toEqual({ kept: true });
    const check = fake.requests.find((q) => q.params.Action === 'GetCallerIdentity')!;
    expect(check.signatureOk).toBe(true);
    expect(check.params.AccessKeyId).toBe('LTAI5tDefaultKey');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(16);
  });

  // config/configure.go doConfigure: an answer other than zh/en becomes i18n.GetLanguage(), which
  // main.go set from the current profile's language (here prod's `zh`).
  test('--mode on the current profile: the mode-change warning, a language answer other than zh/en falls back to the CLI language', async () => {
    writeGoConfig();
    const r = await aliyun(['configure', '--mode', 'EcsRamRole'], 'role-x\ncn-hangzhou\nfr\n', checkEnv);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "Warning: You are changing the authentication type of profile 'prod' from 'RamRoleArn' to 'EcsRamRole'\n" +
        "Configuring profile 'prod' in 'EcsRamRole' authenticate mode...\n" +
        'Ecs Ram Role []: Default Region Id [cn-shanghai]: Default Output Format [json]: json (Only support json)\n' +
        'Default Language [zh|en] zh: Saving profile[prod] ...Done.\n' +
        // The check fails (the metadata service has no such role): the error framed, still exit 0.
        '-----------------------------------------------\n!!! Configure Failed please configure again !!!\n-----------------------------------------------\n' +
        'init client failed refresh Ecs sts token err, httpStatus: 404, message = role not found\n' +
        '-----------------------------------------------\n!!! Configure Failed please configure again !!!\n-----------------------------------------------\n',
    );
    const prod = JSON.parse(readFileSync(cfgPath, 'utf8')).profiles[1];
    expect(prod).toMatchObject({ mode: 'EcsRamRole', ram_role_name: 'role-x', region_id: 'cn-hangzhou', language: 'zh' });
  });
});
