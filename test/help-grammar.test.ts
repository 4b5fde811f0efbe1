// Help, the `version` and `help` words, and the language of the CLI's own texts, as the real CLI's
// code has them (aliyun-cli v3.4.11; each case names the file it follows).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeAll(() => {
  sb = new Sandbox({ NO_COLOR: '1', LANG: 'en_US.UTF-8' });
});
afterAll(() => sb.cleanup());

const PRODUCTS = '\nProducts:\n  kms                  KeyManagementService\n';
const TAIL = '\nUse `aliyun --help` for more information.\n';

describe('aliyun --help', () => {
  // openapi/commando.go help (no words): head, usage, commands, flags, sample, products, tail;
  // printUsage (no --help) has no products. commando_help.go printProducts: "  %-20s\t%s".
  test('--help and the help word add the Products section; the bare usage has none', async () => {
    const usage = await sb.run();
    expect(usage.stdout.endsWith('\nSample:\n  aliyun kms ListSecrets\n' + TAIL)).toBe(true);
    expect(usage.stdout).not.toContain('Products:');
    const help = await sb.run('--help');
    expect(help).toEqual({ code: 0, stderr: '', stdout: usage.stdout.slice(0, -TAIL.length) + PRODUCTS + TAIL });
    expect(await sb.run('help')).toEqual(help);
    expect(await sb.run('-h')).toEqual(help);
  });
});

describe('help for products and APIs', () => {
  // commando_help.go printProductUsage/printApiUsage: an unknown product is an
  // InvalidProductOrPluginError (the code as typed; suggestions come only from the remote plugin
  // catalog, which this build does not have: none, as the real CLI offline with an empty catalog).
  test('an unknown product', async () => {
    expect(await sb.run('help', 'Kmss')).toEqual({ code: 2, stdout: '', stderr: "ERROR: 'Kmss' is not a valid product. See `aliyun help`.\n" });
    expect(await sb.run('help', 'kmss', 'ListSecrets')).toEqual({ code: 2, stdout: '', stderr: "ERROR: 'kmss' is not a valid product. See `aliyun help`.\n" });
  });

  // openapi/errors.go InvalidApiError: suggestions from the product's API names.
  test('an unknown API', async () => {
    expect(await sb.run('help', 'kms', 'Encrypts')).toEqual({ code: 2, stdout: '\nDid you mean:\n  Encrypt\n', stderr: "ERROR: 'Encrypts' is not a valid api. See `aliyun help kms`.\n" });
    // With help, a lower-case name is looked up as an API, not sent down the plug-in path.
    expect(await sb.run('kms', 'encrypt', '--help')).toEqual({
      code: 2,
      stdout: '\nDid you mean:\n  Decrypt\n  Encrypt\n  ReEncrypt\n',
      stderr: "ERROR: 'encrypt' is not a valid api. See `aliyun help kms`.\n",
    });
  });

  test('product codes are case-insensitive in help', async () => {
    const r = await sb.run('help', 'KMS');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nUsage:\n  aliyun kms <ApiName> --parameter1 value1 --parameter2 value2 ...\n');
  });

  // openapi/commando.go help + commando_help.go tryDelegatePluginHelp: three or more words.
  test('extra words after the API: too many arguments, or the plug-in error for a lower-case word', async () => {
    expect(await sb.run('help', 'kms', 'Encrypt', 'extra')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: too many arguments: 3\n' });
    expect(await sb.run('kms', 'Encrypt', 'a', 'b', '--help')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: too many arguments: 4\n' });
    expect(await sb.run('help', 'kms', 'get', '/x')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: too many arguments: 3\n' });
    expect(await sb.run('help', 'kms', 'config', 'set')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "ERROR: 'kms' is not a valid product. See `aliyun help`.\nIf you meant an OpenAPI built-in call, the form is 'aliyun <product> <APIName>' (API names are PascalCase, e.g. 'DescribeRegions').\n",
    });
  });

  // cli/command.go executeInner: `help` anywhere among the words means help.
  test('the help word may come anywhere', async () => {
    const api = await sb.run('kms', 'Encrypt', '--help');
    for (const args of [['help', 'kms', 'Encrypt'], ['kms', 'help', 'Encrypt'], ['kms', 'Encrypt', 'help'], ['help', 'help', 'kms', 'Encrypt']]) expect(await sb.run(...args)).toEqual(api);
  });
});

describe('aliyun version', () => {
  // cli/version.go: Run ignores its words.
  test('extra words are ignored', async () => {
    expect(await sb.run('version', 'extra', 'words')).toEqual({ code: 0, stdout: '3.4.11\n', stderr: '' });
    // Flags before the word belong to the root command, whatever they are.
    expect(await sb.run('--Bogus', 'x', '--region', 'r', 'version')).toEqual({ code: 0, stdout: '3.4.11\n', stderr: '' });
    expect(await sb.run('version', '--profile', 'nope')).toEqual({ code: 0, stdout: '3.4.11\n', stderr: '' });
  });

  // cli/context.go EnterCommand + detectFlag: after the word only the persistent root flags and help
  // exist; cli/errors.go InvalidFlagError; after another word the error is `parse failed …`, exit 1.
  test('after the word, only the persistent flags', async () => {
    const available = '--config-path, --help, --mode, --profile, --ram-role-name, --skip-secure-verify, -h, -p';
    expect(await sb.run('version', '--region', 'x')).toEqual({ code: 2, stdout: '', stderr: `ERROR: invalid flag --region; available flags: ${available}\n` });
    expect(await sb.run('version', '--profil', 'x')).toEqual({ code: 2, stdout: '', stderr: 'ERROR: invalid flag --profil, did you mean --profile?\n' });
    expect(await sb.run('version', 'extra', '--foo')).toEqual({ code: 1, stdout: '', stderr: `ERROR: parse failed invalid flag --foo; available flags: ${available}\n` });
    expect(await sb.run('version', '-x')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: unknown flag -x\n' });
    // Root flags after the word are not the root's: no duplicate or value errors, just unknown.
    expect(await sb.run('version', '--quiet=x')).toEqual({ code: 2, stdout: '', stderr: `ERROR: invalid flag --quiet; available flags: ${available}\n` });
    expect(await sb.run('help', 'version', '--region', 'a', '--region', 'b')).toEqual({ code: 2, stdout: '', stderr: `ERROR: invalid flag --region; available flags: ${available}\n` });
    expect(await sb.run('--quiet=x', 'version')).toEqual({ code: 1, stdout: '', stderr: "ERROR: flag --quiet can't be assiged\n" });
  });

  // cli/command.go executeHelp with no Help function; the root's --help does not carry over.
  test('its help', async () => {
    const help = await sb.run('version', '--help');
    expect(help).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'print current version\n\nFlags:\n' +
        '  --mode               use `--mode {AK|StsToken|RamRoleArn|EcsRamRole|RsaKeyPair|RamRoleArnWithRoleName|CloudSSO|OAuth|BearerToken|Anonymous}` to assign authenticate mode\n' +
        '  --profile,-p         use `--profile <profileName>` to select profile\n' +
        '  --config-path        use `--config-path` to specify the configuration file path\n' +
        '  --ram-role-name      use `--ram-role-name <RamRoleName>` to assign RamRoleName\n' +
        '  --skip-secure-verify use `--skip-secure-verify` to skip https certification validate [Not recommended]\n' +
        '  --help,-h            print help\n' +
        '\nUse `version --help` for more information.\n',
    });
    expect(await sb.run('help', 'version')).toEqual(help);
    expect(await sb.run('version', 'extra', 'help')).toEqual(help);
    expect(await sb.run('--help', 'version')).toEqual({ code: 0, stdout: '3.4.11\n', stderr: '' });
  });
});

describe('the language of the CLI’s own texts', () => {
  const withConfig = (language: string | undefined) => {
    const home = join(sb.root, `home-${language ?? 'none'}`);
    mkdirSync(join(home, '.aliyun'), { recursive: true });
    const profile: Record<string, string> = { name: 'default', mode: '' };
    if (language) profile.language = language;
    writeFileSync(join(home, '.aliyun', 'config.json'), JSON.stringify({ current: 'default', profiles: [profile] }));
    return home;
  };

  // i18n/environment.go: LANG starting with zh_CN; main/main.go: the current profile's language wins.
  test('LANG=zh_CN… without a profile language: Chinese head, flag help and product name', async () => {
    const r = await sb.runWith({ LANG: 'zh_CN.UTF-8' }, '--help');
    expect(r.stdout.startsWith('阿里云CLI命令行工具 3.4.11\n\nUsage:\n')).toBe(true);
    expect(r.stdout).toContain('\nCommands:\n  configure       配置身份认证和其他信息\n  auto-completion 启用自动完成\n');
    expect(r.stdout).toContain('\n  --region                         使用 `--region <regionId>` 来指定访问大区\n');
    expect(r.stdout).toContain('\n  --help,-h                        打印帮助信息\n');
    expect(r.stdout).toContain('\nProducts:\n  kms                  密钥管理服务\n');
    expect(r.stdout.endsWith(TAIL)).toBe(true);
    expect((await sb.runWith({ LANG: 'zh_TW.UTF-8' }, '--help')).stdout.startsWith('Alibaba Cloud Command Line Interface')).toBe(true);
  });

  test('the profile language overrides LANG; anything but en/zh falls back to LANG', async () => {
    expect((await sb.runWith({ HOME: withConfig('en'), LANG: 'zh_CN.UTF-8' }, 'help', 'kms', 'Encrypt')).stdout.startsWith('Alibaba Cloud Command Line Interface Version 3.4.11\n\nProduct: Kms (KeyManagementService)\n')).toBe(true);
    expect((await sb.runWith({ HOME: withConfig('zh') }, 'help', 'kms', 'Encrypt')).stdout.startsWith('阿里云CLI命令行工具 3.4.11\n\nProduct: Kms (密钥管理服务)\n')).toBe(true);
    expect((await sb.runWith({ HOME: withConfig('fr'), LANG: 'zh_CN.UTF-8' }, 'version', '--help')).stdout.startsWith('打印当前版本号\n')).toBe(true);
    // main/main.go reads the language before, and regardless of, ALIBABA_CLOUD_IGNORE_PROFILE.
    expect((await sb.runWith({ HOME: withConfig('zh'), ALIBABA_CLOUD_IGNORE_PROFILE: 'TRUE' }, 'help')).stdout.startsWith('阿里云CLI命令行工具 3.4.11\n')).toBe(true);
  });

  // openapi/commando.go main: `aliyun kms` loads the profile with the flags, so --language counts
  // there; help runs before that and ignores it.
  test('--language applies after the profile is loaded, not to help', async () => {
    const home = withConfig(undefined);
    expect((await sb.runWith({ HOME: home }, 'kms', '--language', 'zh')).stdout).toContain('\nProduct: Kms (密钥管理服务)\n');
    expect((await sb.runWith({ HOME: home }, 'kms', '--help', '--language', 'zh')).stdout).toContain('\nProduct: Kms (KeyManagementService)\n');
    // Errors are not translated.
    expect((await sb.runWith({ HOME: withConfig('zh') }, 'kms', 'Encrypt')).stderr).toBe(
      'ERROR: required parameters not assigned: \n  --KeyId\n  --Plaintext\n\nuse `aliyun kms Encrypt --help` to get more information\n',
    );
  });
});

// cli/parser.go (its parser_test.go: `-` is "not support flag form -"; the root tolerates unknown
// forms): an empty word is skipped, a lone `-` dropped at the root and refused after `version`.
test('empty words and a lone dash', async () => {
  const help = await sb.run('help', 'kms', 'Encrypt');
  expect(await sb.run('', 'help', '', 'kms', '-', 'Encrypt', '')).toEqual(help);
  expect(await sb.run('version', '-')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: not support flag form -\n' });
  expect(await sb.run('version', 'x', '-abc')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: parse failed not support flag form -abc\n' });
});

// openapi/commando.go main and its commando_test.go (`aos test2` → "'aos' is not a valid product"):
// a second word without upper-case letters is a plug-in command; the product is named as typed.
test('a word without capitals after the product is the plug-in path', async () => {
  for (const word of ['getsecretvalue', 'get_secret', '123'])
    expect(await sb.run('kms', word)).toEqual({ code: 2, stdout: '', stderr: "ERROR: 'kms' is not a valid product. See `aliyun help`.\n" });
  expect(await sb.run('Aos', 'test2')).toEqual({ code: 2, stdout: '', stderr: "ERROR: 'Aos' is not a valid product. See `aliyun help`.\n" });
});

// cli/command.go executeInner: every command on the path (`configure`, `configure set`) reads its
// first word afresh, so errors right after the path are bare and errors after a further word wrapped.
test('parse failed follows the command path', async () => {
  expect(await sb.run('configure', 'set', '--region', 'a', '--region', 'b')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: --region duplicated\n' });
  expect(await sb.run('configure', 'help', 'set', '--region', 'a', '--region', 'b')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: --region duplicated\n' });
  expect(await sb.run('kms', '--region', 'a', '--region', 'b')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: parse failed --region duplicated\n' });
});
