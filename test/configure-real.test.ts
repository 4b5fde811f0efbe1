// `aliyun configure` and config.json against the real CLI's own code (aliyun/aliyun-cli v3.4.11,
// config/ and cli/): each case cites the file it follows. Cases marked "(…_test.go)" replay an
// expectation of the real CLI's unit tests through our binary.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run, type RunResult } from './helpers.js';

let home: string;
let cfgPath: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'configure-real-'));
  cfgPath = join(home, '.aliyun', 'config.json');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const aliyun = (args: string[], extra: Record<string, string> = {}, input?: string): Promise<RunResult> =>
  run(args, cleanEnv({ HOME: home, NO_COLOR: '1', LANG: 'C', ...extra }), input);

function writeConfig(doc: unknown): void {
  mkdirSync(join(home, '.aliyun'), { recursive: true });
  writeFileSync(cfgPath, typeof doc === 'string' ? doc : JSON.stringify(doc, null, '\t'));
}
const readConfig = () => JSON.parse(readFileSync(cfgPath, 'utf8'));

const AK = (name: string, extra: Record<string, unknown> = {}) => ({ name, mode: 'AK', access_key_id: `${name}-id-123`, access_key_secret: `${name}-secret`, region_id: 'cn-hangzhou', ...extra });

describe('configure set (config/configure_set.go)', () => {
  test('a new profile starts as NewProfile makes it: json output, the CLI language (the current profile\'s), mode AK; china site', async () => {
    writeConfig({ current: 'zh', profiles: [AK('zh', { language: 'zh' })] });
    const r = await aliyun(['configure', 'set', '--profile', 'fresh', '--access-key-id', 'AKID0001', '--access-key-secret', 'sec', '--region', 'cn-beijing']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const fresh = readConfig().profiles[1];
    expect(Object.keys(fresh)).toEqual(['name', 'mode', 'access_key_id', 'access_key_secret', 'region_id', 'output_format', 'language', 'site']);
    expect(fresh).toEqual({ name: 'fresh', mode: 'AK', access_key_id: 'AKID0001', access_key_secret: 'sec', region_id: 'cn-beijing', output_format: 'json', language: 'zh', site: 'china' });
    expect(readConfig().current).toBe('fresh');
  });

  test('without a config file the language comes from LANG (zh_CN → zh), and the default profile of NewConfiguration is written too', async () => {
    const r = await aliyun(['configure', 'set', '--profile', 'p', '--access-key-id', 'a', '--access-key-secret', 'b', '--region', 'cn-hangzhou'], { LANG: 'zh_CN.UTF-8' });
    expect(r.code).toBe(0);
    expect(readConfig().profiles).toEqual([
      { name: 'default', mode: '', output_format: 'json', language: 'zh' },
      { name: 'p', mode: 'AK', access_key_id: 'a', access_key_secret: 'b', region_id: 'cn-hangzhou', output_format: 'json', language: 'zh', site: 'china' },
    ]);
  });

  test('only the fields of the mode are copied; integers that do not parse are ignored (Flag.GetIntegerOrDefault)', async () => {
    const r = await aliyun([
      'configure', 'set', '--mode', 'ak', '--access-key-id', 'id', '--access-key-secret', 's', '--sts-token', 'tok', '--ram-role-name', 'role',
      '--region', 'cn-hangzhou', '--read-timeout', 'soon', '--connect-timeout', '+7', '--retry-count', '3',
    ]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const p = readConfig().profiles.find((x: any) => x.name === 'default');
    expect(p.mode).toBe('AK');
    expect(p.sts_token).toBeUndefined();
    expect(p.ram_role_name).toBeUndefined();
    expect(p.read_timeout).toBeUndefined();
    expect(p.connect_timeout).toBe(7);
    expect(p.retry_count).toBe(3);
  });

  // config/configure_set_test.go:67 and config/profile_test.go TestValidate, through `configure set`.
  test.each([
    [['--access-key-id', 'a', '--access-key-secret', 'b'], "fail to set configuration: region can't be empty"],
    [['--region', 'as*ds%%s*', '--access-key-id', 'a', '--access-key-secret', 'b'], 'fail to set configuration: invalid region as*ds%%s*'],
    [['--region', 'cn-hangzhou', '--mode', 'External'], "fail to set configuration: process_command is not configured for profile 'default'. Run `aliyun configure --profile default --mode External` to set it"],
    [['--region', 'cn-hangzhou', '--mode', 'CredentialsURI'], "fail to set configuration: credentials_uri is not configured for profile 'default'. Run `aliyun configure --profile default --mode CredentialsURI` or set ALIBABA_CLOUD_CREDENTIALS_URI environment variable"],
    [['--region', 'cn-hangzhou', '--mode', 'ChainableRamRoleArn', '--source-profile', 'source'], "fail to set configuration: ram_role_arn is not configured for profile 'default'. Run `aliyun configure --profile default --mode ChainableRamRoleArn` to set it"],
    [['--region', 'cn-hangzhou', '--mode', 'NoMode'], 'fail to set configuration: invalid mode: NoMode'],
    [['--region', 'cn-hangzhou', '--mode', 'OAuth', '--oauth-site-type', 'EU'], "fail to set configuration: invalid oauth_site_type 'EU' for profile 'default', should be CN or INTL. Run `aliyun configure --profile default --mode OAuth` to set it"],
  ])('refused: %j', async (flags, message) => {
    const r = await aliyun(['configure', 'set', ...flags]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `ERROR: ${message}\n` });
    expect(existsSync(cfgPath)).toBe(false);
  });

  // configure_set_test.go TestDoConfigureSet_AutoPluginInstall, _BearerToken, _ExternalAccountType.
  test('booleans are "true" in any case, anything else false; BearerToken fields kept across updates; external-account-type (configure_set_test.go)', async () => {
    const base = ['configure', 'set', '--profile', 'b', '--region', 'cn-hangzhou'];
    const saved = () => readConfig().profiles.find((p: any) => p.name === 'b');
    await aliyun([...base, '--mode', 'BearerToken', '--bearer-token', 'new-bearer-token', '--bearer-token-header-key', 'x-custom-token', '--auto-plugin-install', 'TRUE', '--auto-plugin-install-enable-pre', 'TrUe', '--external-account-type', 'buc']);
    expect(saved()).toMatchObject({ mode: 'BearerToken', bearer_token: 'new-bearer-token', bearer_token_header_key: 'x-custom-token', auto_plugin_install: true, auto_plugin_install_enable_pre: true, external_account_type: 'buc' });
    await aliyun([...base, '--bearer-token', 'updated-token', '--auto-plugin-install', 'yes', '--auto-plugin-install-enable-pre', '1']);
    const p = saved();
    expect(p).toMatchObject({ bearer_token: 'updated-token', bearer_token_header_key: 'x-custom-token' });
    // false is Go's zero value: left out of the file.
    expect(p.auto_plugin_install).toBeUndefined();
    expect(p.auto_plugin_install_enable_pre).toBeUndefined();
  });

  test('EcsRamRole and RamRoleArnWithRoleName need no more than a region (TestValidate)', async () => {
    expect((await aliyun(['configure', 'set', '--region', 'cn-hangzhou', '--mode', 'EcsRamRole'])).code).toBe(0);
    expect((await aliyun(['configure', 'set', '--region', 'cn-hangzhou', '--mode', 'RamRoleArnWithRoleName'])).code).toBe(0);
    expect(readConfig().profiles[0].mode).toBe('RamRoleArnWithRoleName');
  });
});

describe('configure list (config/configure_list.go)', () => {
  // config/configure_list_test.go TestDoConfigureList, testcase 1: the same profiles, the same table.
  test('masking of every credential column (configure_list_test.go)', async () => {
    const base = { access_key_id: 'sdf', access_key_secret: 'ddf', output_format: 'json' };
    writeConfig({
      current: 'default',
      profiles: [
        { name: 'default', mode: 'AK', access_key_id: 'default_aliyun_access_key_id', access_key_secret: 'default_aliyun_access_key_secret', output_format: 'json' },
        { name: 'aaa', mode: 'StsToken', ...base, sts_token: 'StsToken' },
        { name: 'bbb', mode: 'RamRoleArn', ...base, ram_role_arn: 'RamRoleArn', ram_session_name: 'RoleSessionName' },
        { name: 'bbbe', mode: 'RamRoleArn', ...base, ram_role_arn: 'RamRoleArn', ram_session_name: 'RoleSessionName', external_id: 'ExternalId' },
        { name: 'ccc', mode: 'EcsRamRole', ...base, ram_role_name: 'RamRoleName' },
        { name: 'ddd', mode: 'RsaKeyPair', ...base, key_pair_name: 'KeyPairName' },
        { name: 'eee', mode: 'CloudSSO', access_key_id: 'sdf', cloud_sso_account_id: 'a', cloud_sso_access_config: 'b', cloud_sso_sign_in_url: 'c' },
      ],
    });
    const r = await aliyun(['configure', 'list']);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'Profile   | Credential             | Valid   | Region           | Language\n' +
        '--------- | ------------------     | ------- | ---------------- | --------\n' +
        'default * | AK:***_id              | Invalid |                  | \n' +
        'aaa       | StsToken:******        | Invalid |                  | \n' +
        'bbb       | RamRoleArn:******      | Invalid |                  | \n' +
        'bbbe      | RamRoleArn:******:lId  | Invalid |                  | \n' +
        'ccc       | EcsRamRole:RamRoleName | Invalid |                  | \n' +
        'ddd       | RsaKeyPair:KeyPairName | Invalid |                  | \n' +
        'eee       | CloudSSO:a@b           | Invalid |                  | \n',
    });
  });

  // configure_list_test.go TestDoConfigureListWithConfigPath and the BearerToken case.
  test('--config-path; a path that does not exist; BearerToken and OIDC columns (configure_list_test.go)', async () => {
    const custom = join(home, 'custom.json');
    writeFileSync(
      custom,
      JSON.stringify({
        current: 'custom1',
        profiles: [
          { name: 'custom1', mode: 'AK', access_key_id: 'custom_access_key_id1', access_key_secret: 'custom_access_key_secret1', output_format: 'json', region_id: 'cn-hangzhou' },
          { name: 'custom2', mode: 'AK', access_key_id: 'custom_access_key_id2', access_key_secret: 'custom_access_key_secret2', output_format: 'json', region_id: 'cn-beijing' },
        ],
      }),
    );
    expect((await aliyun(['configure', 'list', '--config-path', custom])).stdout).toBe(
      'Profile   | Credential         | Valid   | Region           | Language\n' +
        '--------- | ------------------ | ------- | ---------------- | --------\n' +
        'custom1 * | AK:***id1          | Valid   | cn-hangzhou      | \n' +
        'custom2   | AK:***id2          | Valid   | cn-beijing       | \n',
    );
    const missing = join(home, 'non', 'existent', 'path.json');
    expect(await aliyun(['configure', 'list', '--config-path', missing])).toEqual({ code: 1, stdout: '', stderr: `ERROR: load configure failed: config path input does not exist: ${missing}\n` });
    writeConfig({
      current: 'devops',
      profiles: [
        { name: 'devops', mode: 'BearerToken', bearer_token: 'my-secret-token', bearer_token_header_key: 'x-custom-token', region_id: 'cn-hangzhou', language: 'en' },
        { name: 'o', mode: 'OIDC', oidc_provider_arn: 'acs:ram::1:oidc-provider/abcde', oidc_token_file: '/tok', ram_role_arn: 'arn:r', ram_session_name: 's', region_id: 'cn-hangzhou' },
      ],
    });
    // No more bytes than shown: one `*` per byte (GetLastChars).
    expect((await aliyun(['configure', 'list'])).stdout.split('\n').slice(2)).toEqual([
      'devops *  | BearerToken:***ken@x-custom-token | Valid   | cn-hangzhou      | en',
      'o         | OIDC:***abcde@*******@arn:r       | Valid   | cn-hangzhou      | ',
      '',
    ]);
  });

  test('a mode is compared as written in the file: `ak` shows no credential and is Invalid', async () => {
    writeConfig({ current: 'x', profiles: [AK('x', { mode: 'ak' })] });
    expect((await aliyun(['configure', 'list'])).stdout.split('\n')[2]).toBe('x *       |                    | Invalid | cn-hangzhou      | ');
  });
});

describe('flags and words of the configure commands (cli/command.go, cli/parser.go, config/flags.go)', () => {
  beforeEach(() => writeConfig({ current: 'a', profiles: [AK('a'), AK('b')] }));

  test('a typo gets the closest flag of that command (cli/errors.go InvalidFlagError)', async () => {
    expect(await aliyun(['configure', 'list', '--profle', 'a'])).toEqual({ code: 2, stdout: '', stderr: 'ERROR: invalid flag --profle, did you mean --profile?\n' });
    expect(await aliyun(['configure', 'set', '--regoin', 'x'])).toEqual({ code: 2, stdout: '', stderr: 'ERROR: invalid flag --regoin, did you mean --region?\n' });
  });

  test('configure, get, list and delete take only the persistent flags; set and switch every configuration flag', async () => {
    const persistent =
      '--bearer-token, --bearer-token-header-key, --cloud-sso-access-config, --cloud-sso-account-id, --cloud-sso-sign-in-url, --config-path, --endpoint, --endpoint-type, --help, --mode, --oauth-site-type, --profile, --ram-role-name, --skip-secure-verify, -e, -h, -p';
    for (const cmd of [[], ['get'], ['delete'], ['list']])
      expect(await aliyun(['configure', ...cmd, '--access-key-id', 'x'])).toEqual({ code: 2, stdout: '', stderr: `ERROR: invalid flag --access-key-id; available flags: ${persistent}\n` });
    expect(await aliyun(['configure', 'switch', '--access-key-id', 'x', '--profile', 'b'])).toEqual({ code: 0, stdout: 'The default profile is `b` now.\n', stderr: '' });
  });

  test('after the first word the parser error is prefixed and no longer suggestible (exit 1); unknown short flags and forms', async () => {
    const r = await aliyun(['configure', 'list', 'extra', '--foo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: parse failed invalid flag --foo; available flags: --bearer-token, /);
    expect(await aliyun(['configure', 'list', '-x'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: unknown flag -x\n' });
    expect(await aliyun(['configure', 'list', '-xyz'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: not support flag form -xyz\n' });
  });

  test('extra words after list, delete and switch are ignored; after the bare command they are an invalid command', async () => {
    const plain = await aliyun(['configure', 'list']);
    expect(await aliyun(['configure', 'list', 'these', 'words'])).toEqual(plain);
    expect(await aliyun(['configure', 'switch', '--profile', 'b', 'extra'])).toEqual({ code: 0, stdout: 'The default profile is `b` now.\n', stderr: '' });
    expect(await aliyun(['configure', 'delete', 'extra', '--profile', 'a'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readConfig().profiles.map((p: any) => p.name)).toEqual(['b']);
    expect(await aliyun(['configure', 'gett'])).toEqual({ code: 2, stdout: '\nDid you mean:\n  get\n', stderr: "ERROR: 'gett' is not a valid command\n" });
    // A `help` anywhere asks for help instead (cli/command.go executeInner), before the command too.
    for (const args of [['configure', 'nosuch', 'help'], ['help', 'configure'], ['--profile', 'a', 'help', 'configure']]) {
      const help = await aliyun(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('configure credential and settings');
    }
  });

  test('switch loads the file before it looks at --profile (config/configure_switch.go)', async () => {
    rmSync(cfgPath);
    expect(await aliyun(['configure', 'switch'])).toEqual({ code: 1, stdout: '', stderr: `ERROR: load configuration failed stat ${cfgPath}: no such file or directory\n` });
  });
});

describe('config.json read as Go reads it (config/configuration.go NewConfigFromBytes, encoding/json)', () => {
  test('keys match case-insensitively, for the file and for each profile; the call uses them', async () => {
    writeConfig(`{"Current":"p","PROFILES":[{"Name":"p","MODE":"AK","Access_Key_Id":"LTAIcase123","ACCESS_KEY_SECRET":"s","Region_ID":"cn-shanghai"}]}`);
    const list = await aliyun(['configure', 'list']);
    expect(list.stdout.split('\n')[2]).toBe('p *       | AK:***123          | Valid   | cn-shanghai      | ');
    const dry = await aliyun(['kms', 'ListSecrets', '--dryrun']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('AccessKeyId=LTAIcase123&');
    expect(dry.stdout).toContain('\nHost: kms.cn-shanghai.aliyuncs.com\n');
  });

  test('a missing "current" reads as "default"; a profile without a mode gets one from its fields on the call path', async () => {
    writeConfig({ profiles: [{ name: 'default', access_key_id: 'LTAInomode', access_key_secret: 's', region_id: 'cn-hangzhou' }] });
    const dry = await aliyun(['kms', 'ListSecrets', '--dryrun']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('AccessKeyId=LTAInomode&');
    // …but `configure list` validates the profile as stored (config/configure_list.go).
    expect((await aliyun(['configure', 'list'])).stdout.split('\n')[2]).toBe('default * |                    | Invalid | cn-hangzhou      | ');
  });

  test('a mode in the file is taken as written: `ak` is refused with the real text (config/profile.go Validate)', async () => {
    writeConfig({ current: 'x', profiles: [AK('x', { mode: 'ak' })] });
    const r = await aliyun(['kms', 'ListSecrets']);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe('ERROR: invalid mode: ak');
    // Given by flag, the name is normalized (config/profile.go NormalizeMode).
    const dry = await aliyun(['kms', 'ListSecrets', '--dryrun', '--mode', 'ak', '--access-key-id', 'LTAIflag', '--access-key-secret', 's']);
    expect(dry.code).toBe(0);
  });

  test('a value of the wrong type fails the load with Go\'s UnmarshalTypeError text', async () => {
    writeConfig({ current: 'x', profiles: [AK('x', { read_timeout: '5' })] });
    const r = await aliyun(['kms', 'ListSecrets']);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe('ERROR: load current configuration failed init config failed json: cannot unmarshal string into Go struct field Configuration.profiles.read_timeout of type int');
    // A file named by --config-path is read by the command itself (config/configure_list.go).
    rmSync(cfgPath);
    const custom = join(home, 'custom.json');
    writeFileSync(custom, '{"current": 7}');
    expect((await aliyun(['configure', 'list', '--config-path', custom])).stderr).toBe('ERROR: load configure failed: json: cannot unmarshal number into Go struct field Configuration.current of type string\n');
  });

  test('the legacy retry_timeout stands in for read_timeout (config/profile.go UnmarshalJSON); get prints the Go struct only', async () => {
    writeConfig({ current: 'x', profiles: [AK('x', { retry_timeout: 9, future_field: 1 })] });
    const r = await aliyun(['configure', 'get']);
    expect(JSON.parse(r.stdout)).toEqual({ name: 'x', mode: 'AK', access_key_id: 'x-id-123', access_key_secret: 'x-secret', region_id: 'cn-hangzhou', read_timeout: 9 });
  });

  // config/configure_get_test.go testcase 3.
  test('configure get with keys (configure_get_test.go)', async () => {
    writeConfig({
      current: 'default',
      profiles: [
        { name: 'default', mode: 'AK', access_key_id: 'default_aliyun_access_key_id', access_key_secret: 'default_aliyun_access_key_secret', output_format: 'json' },
        { name: 'aaa', mode: 'AK', access_key_id: 'sdf', access_key_secret: 'ddf', output_format: 'json' },
      ],
    });
    const keys = ['profile', 'mode', 'access-key-id', 'access-key-secret', 'sts-token', 'ram-role-name', 'ram-role-arn', 'role-session-name', 'external-id', 'private-key', 'key-pair-name', 'region', 'language'];
    expect((await aliyun(['configure', 'get', ...keys])).stdout).toBe(
      'profile=default\nmode=AK\naccess-key-id=*************************_id\naccess-key-secret=*****************************ret\nsts-token=\nram-role-name=\nram-role-arn=\nrole-session-name=\nexternal-id=\nprivate-key=\nkey-pair-name=\nlanguage=\n\n',
    );
    expect((await aliyun(['configure', 'get', '--profile', 'default'])).stdout).toBe(
      '{\n\t"name": "default",\n\t"mode": "AK",\n\t"access_key_id": "default_aliyun_access_key_id",\n\t"access_key_secret": "default_aliyun_access_key_secret",\n\t"output_format": "json"\n}\n\n',
    );
    expect(await aliyun(['configure', 'get', '--profile', 'ddd'])).toEqual({ code: 1, stdout: '', stderr: 'ERROR: profile ddd not found\n' });
  });
});

describe('legacy ~/.aliyuncli migration (config/legacy.go)', () => {
  // The INI of config/legacy_test.go TestMigrateCredentials / TestMigrateConfigure.
  const CREDENTIALS = `
	[DEFAULT]
	aliyun_access_key_id = DEFAULT_aliyun_access_key_id
	aliyun_access_key_secret = DEFAULT_aliyun_access_key_secret
	[default]
	aliyun_access_key_id = default_aliyun_access_key_id
	aliyun_access_key_secret = default_aliyun_access_key_secret
	[profile aaa]
	aliyun_access_key_id = sdf
	aliyun_access_key_secret = ddf
	`;
  const CONFIGURE = `
	[default]
	region = cn-hangzhou
	[aaa]
	region = cn-beijing
	`;

  test('first use writes config.json from the legacy files; the old files stay; later runs read the new file', async () => {
    mkdirSync(join(home, '.aliyuncli'));
    writeFileSync(join(home, '.aliyuncli', 'credentials'), CREDENTIALS);
    writeFileSync(join(home, '.aliyuncli', 'configure'), CONFIGURE);
    const r = await aliyun(['configure', 'list']);
    expect(r.stdout).toBe(
      'Profile   | Credential         | Valid   | Region           | Language\n' +
        '--------- | ------------------ | ------- | ---------------- | --------\n' +
        'default * | AK:***_id          | Valid   | cn-hangzhou      | \n' +
        'aaa       | AK:******          | Valid   | cn-beijing       | \n',
    );
    expect(readFileSync(cfgPath, 'utf8')).toBe(`{
	"current": "default",
	"profiles": [
		{
			"name": "default",
			"mode": "AK",
			"access_key_id": "default_aliyun_access_key_id",
			"access_key_secret": "default_aliyun_access_key_secret",
			"region_id": "cn-hangzhou",
			"output_format": "json"
		},
		{
			"name": "aaa",
			"mode": "AK",
			"access_key_id": "sdf",
			"access_key_secret": "ddf",
			"region_id": "cn-beijing",
			"output_format": "json"
		}
	],
	"meta_path": ""
}`);
    expect(statSync(cfgPath).mode & 0o777).toBe(0o600);
    expect(existsSync(join(home, '.aliyuncli', 'credentials'))).toBe(true);
    // Changed legacy files are not read again once config.json exists.
    writeFileSync(join(home, '.aliyuncli', 'credentials'), '[default]\naliyun_access_key_id = other\naliyun_access_key_secret = other\n');
    expect((await aliyun(['configure', 'get', 'access-key-id'])).stdout).toBe('access-key-id=*************************_id\n\n');
  });

  test('without [default] the last named section is current even when it is no profile (a key missing): every command then fails as the real one does', async () => {
    mkdirSync(join(home, '.aliyuncli'));
    writeFileSync(join(home, '.aliyuncli', 'credentials'), '[profile one]\naliyun_access_key_id = LTAIone\naliyun_access_key_secret = s1\n[profile two]\naliyun_access_key_id = LTAItwo\n');
    const r = await aliyun(['kms', 'ListSecrets', '--dryrun', '--profile', 'one']);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe('ERROR: load current configuration failed unknown profile two, run configure to check');
    const cfg = readConfig();
    expect(cfg.current).toBe('two');
    expect(cfg.profiles.map((p: any) => p.name)).toEqual(['one']);
  });

  test('an unparsable credentials file gives an empty configuration, written with null profiles', async () => {
    mkdirSync(join(home, '.aliyuncli'));
    writeFileSync(join(home, '.aliyuncli', 'credentials'), '[default]\nthis line has no delimiter\n');
    await aliyun(['configure', 'list']);
    expect(readFileSync(cfgPath, 'utf8')).toBe('{\n\t"current": "",\n\t"profiles": null,\n\t"meta_path": ""\n}');
  });
});

// config/configure_test.go TestDoConfigure, through the binary (stdin gives only empty answers).
describe('interactive configure (config/configure.go doConfigure, hello.go DoHello)', () => {
  const FAILED = '-----------------------------------------------\n!!! Configure Failed please configure again !!!\n-----------------------------------------------\n';
  beforeEach(() =>
    writeConfig({
      current: 'default',
      profiles: [
        { name: 'default', mode: 'AK', access_key_id: 'default_aliyun_access_key_id', access_key_secret: 'default_aliyun_access_key_secret', output_format: 'json' },
        { name: 'aaa', mode: 'AK', access_key_id: 'sdf', access_key_secret: 'ddf', output_format: 'json' },
      ],
    }),
  );

  test('a new profile: its language is the CLI language; empty keys fail the check with GetCredential\'s text (configure_test.go)', async () => {
    const r = await aliyun(['configure', '--profile', 'profile', '--mode', 'AK'], {}, '\n\n\n\n');
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout:
        "Configuring profile 'profile' in 'AK' authenticate mode...\n" +
        'Access Key Id []: Access Key Secret []: Default Region Id []: Default Output Format [json]: json (Only support json)\n' +
        'Default Language [zh|en] en: Saving profile[profile] ...Done.\n' +
        FAILED +
        'AccessKeyId/AccessKeySecret is empty! run `aliyun configure` first\n' +
        FAILED,
    });
  });

  test('changing the mode of the current profile; an empty language is shown empty (configure_test.go)', async () => {
    const r = await aliyun(['configure', '--mode', 'StsToken'], {}, '\n\n\n\n\n');
    expect(r.stdout.startsWith(
      "Warning: You are changing the authentication type of profile 'default' from 'AK' to 'StsToken'\nConfiguring profile 'default' in 'StsToken' authenticate mode...\nAccess Key Id [*************************_id]: Access Key Secret [*****************************ret]: Sts Token []: Default Region Id []: Default Output Format [json]: json (Only support json)\nDefault Language [zh|en] : Saving profile[default] ...Done.\n-----------------------------------------------\n!!! Configure Failed please configure again !!!\n-----------------------------------------------\n",
    )).toBe(true);
  });

  test('RamRoleArnWithRoleName prompts; an Expired Seconds answer that is not a number is 0 and left out (config/configure.go)', async () => {
    const r = await aliyun(['configure', '--profile', 'r', '--mode', 'RamRoleArnWithRoleName'], {}, 'role\n\narn:x\nsess\nsoon\ncn-hangzhou\nen\n');
    expect(r.stdout).toContain("Configuring profile 'r' in 'RamRoleArnWithRoleName' authenticate mode...\nEcs Ram Role []: Sts Region []: Ram Role Arn []: Role Session Name []: Expired Seconds [900]: Default Region Id []: ");
    const p = readConfig().profiles.find((x: any) => x.name === 'r');
    expect(p).toEqual({ name: 'r', mode: 'RamRoleArnWithRoleName', ram_role_name: 'role', ram_role_arn: 'arn:x', ram_session_name: 'sess', region_id: 'cn-hangzhou', output_format: 'json', language: 'en' });
  });
});
