// The real CLI's argument grammar, flags, printing options and CLI-side errors (aliyun-cli-behavior.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, normalize } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = new Sandbox();
  await sb.json('kms', 'CreateSecret', '--SecretName', 'app', '--SecretData', 'p@ss<word>&', '--VersionId', 'v1');
  await sb.json('kms', 'CreateSecret', '--SecretName', 'db', '--SecretData', 'x', '--VersionId', 'v1');
});
afterAll(() => sb.cleanup());

test('--P v, --P=v and --P:v are the same; flags may come anywhere', async () => {
  for (const args of [
    ['kms', 'GetSecretValue', '--SecretName', 'app'],
    ['kms', 'GetSecretValue', '--SecretName=app'],
    ['kms', 'GetSecretValue', '--SecretName:app'],
    ['--SecretName', 'app', 'kms', 'GetSecretValue'],
    ['kms', '--SecretName', 'app', 'GetSecretValue'],
  ]) {
    const r = await sb.run(...args);
    expect([r.code, JSON.parse(r.stdout).SecretData]).toEqual([0, 'p@ss<word>&']);
  }
});

test('HTML characters are printed raw, not escaped', async () => {
  const r = await sb.run('kms', 'GetSecretValue', '--SecretName', 'app');
  expect(r.stdout).toContain('\t"SecretData": "p@ss<word>&",\n');
});

test('values that start with dashes: ---PEM blocks and inline -values', async () => {
  const pem = '-----BEGIN KEY-----\nabc\n-----END KEY-----';
  await sb.json('kms', 'CreateSecret', '--SecretName', 'pem', '--SecretData', pem, '--VersionId', 'v1');
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'pem')).SecretData).toBe(pem);
  await sb.json('kms', 'CreateSecret', '--SecretName', 'neg', '--SecretData=-1/-1', '--VersionId', 'v1');
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'neg')).SecretData).toBe('-1/-1');
});

test('--X-FILE reads the value from a file, byte for byte', async () => {
  const file = join(sb.root, 'value.txt');
  writeFileSync(file, 'line one\nline two\n');
  await sb.json('kms', 'CreateSecret', '--SecretName', 'fromfile', '--SecretData-FILE', file, '--VersionId', 'v1');
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'fromfile')).SecretData).toBe('line one\nline two\n');
  const r = await sb.run('kms', 'CreateSecret', '--SecretName', 'x', '--SecretData-FILE', join(sb.root, 'missing'), '--VersionId', 'v1');
  expect([r.code, r.stdout, r.stderr]).toEqual([1, '', `ERROR: read file ${join(sb.root, 'missing')} for --SecretData failed: no such file or directory\n`]);
});

test('duplicated flags', async () => {
  let r = await sb.run('kms', 'GetSecretValue', '--SecretName', 'a', '--SecretName', 'b');
  expect([r.code, r.stderr]).toEqual([1, 'ERROR: parse failed flag duplicated --SecretName\n']);
  r = await sb.run('--region', 'a', '--region', 'b', 'kms', 'ListSecrets');
  expect([r.code, r.stderr]).toEqual([1, 'ERROR: --region duplicated\n']);
  r = await sb.run('kms', 'ListSecrets', '--region', 'a', '--region', 'b');
  expect([r.code, r.stderr]).toEqual([1, 'ERROR: parse failed --region duplicated\n']);
});

// cli/command.go executeInner: errors while reading the words after the first are `parse failed …`;
// before it (or after a leading `help`) they are bare (cli/parser.go).
test('flag errors: switch with a value, once-flag without one, --, exclusive flags', async () => {
  expect(await sb.run('kms', 'ListSecrets', '--quiet=true')).toEqual({ code: 1, stdout: '', stderr: "ERROR: parse failed flag --quiet can't be assiged\n" });
  expect(await sb.run('--quiet=true', 'kms', 'ListSecrets')).toEqual({ code: 1, stdout: '', stderr: "ERROR: flag --quiet can't be assiged\n" });
  expect(await sb.run('kms', 'ListSecrets', '--region', '--quiet')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: parse failed --region must be assigned with value\n' });
  expect(await sb.run('--region', '--quiet', 'kms', 'ListSecrets')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: --region must be assigned with value\n' });
  expect(await sb.run('kms', 'ListSecrets', '--')).toEqual({ code: 1, stdout: '', stderr: "ERROR: parse failed not support '--' in command line\n" });
  expect(await sb.run('--', 'kms')).toEqual({ code: 1, stdout: '', stderr: "ERROR: not support '--' in command line\n" });
  expect(await sb.run('help', '--region', 'a', '--region', 'b', 'kms')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: --region duplicated\n' });
  expect(await sb.run('help', 'kms', '--region', 'a', '--region', 'b')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: parse failed --region duplicated\n' });
  expect(await sb.run('kms', 'ListSecrets', '--dryrun', '--quiet')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: flag --quiet is exclusive with --dryrun\n' });
  expect(await sb.run('kms', 'ListSecrets', '--pager', '--waiter', 'expr=a', 'to=b')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: flag --pager is exclusive with --waiter\n' });
});

test('unknown product, API and parameter: did-you-mean on stdout, exit 2', async () => {
  expect(await sb.run('kms', 'GetSecretValu', '--SecretName', 'app')).toEqual({
    code: 2,
    stdout: '\nDid you mean:\n  GetSecretValue\n',
    stderr: "ERROR: 'GetSecretValu' is not a valid api. See `aliyun help kms`.\n",
  });
  expect(await sb.run('kms', 'GetSecretValue', '--SecretNam', 'app')).toEqual({
    code: 2,
    stdout: '\nDid you mean:\n  SecretName\n',
    stderr: "ERROR: '--SecretNam' is not a valid parameter or flag. See `aliyun help kms GetSecretValue`.\n",
  });
  // Names are case-sensitive; a case change costs 2, so both candidates at distance 2 are offered.
  expect(await sb.run('kms', 'ListSecrets', '--Region', 'x')).toEqual({
    code: 2,
    stdout: '\nDid you mean:\n  region\n  RegionId\n',
    stderr: "ERROR: '--Region' is not a valid parameter or flag. See `aliyun help kms ListSecrets`.\n",
  });
  expect(await sb.run('kmz', 'ListSecrets')).toEqual({ code: 2, stdout: '\nDid you mean:\n  kms\n', stderr: "ERROR: 'kmz' is not a valid command or product. See `aliyun help`.\n" });
  const r = await sb.run('kms', 'Nothing');
  expect([r.code, r.stdout, r.stderr]).toEqual([2, '', "ERROR: 'Nothing' is not a valid api. See `aliyun help kms`.\n"]);
});

test('missing required parameters: exit 3 with the tip', async () => {
  expect(await sb.run('kms', 'CreateSecret', '--SecretName', 'n')).toEqual({
    code: 3,
    stdout: '',
    stderr: 'ERROR: required parameters not assigned: \n  --SecretData\n  --VersionId\n\nuse `aliyun kms CreateSecret --help` to get more information\n',
  });
});

test('positional counts', async () => {
  expect(await sb.run('kms', 'ListSecrets', 'extra')).toEqual({ code: 3, stdout: '', stderr: 'ERROR: can not find api by path extra\n\nPlease confirm if the API path exists\n' });
  expect(await sb.run('kms', 'ListSecrets', 'a', 'b')).toEqual({ code: 3, stdout: '', stderr: 'ERROR: too many arguments\n\nUse `aliyun --help` to show usage\n' });
  expect(await sb.run('kms', 'ListSecrets', '--version', '2020-01-01')).toEqual({
    code: 3,
    stdout: '',
    stderr: 'ERROR: unchecked version 2020-01-01\n\nPlease contact the customer support to get more info about API version\n',
  });
});

test('--quiet prints nothing and still makes the call', async () => {
  expect(await sb.run('kms', 'CreateSecret', '--SecretName', 'quiet', '--SecretData', 'q', '--VersionId', 'v1', '--quiet')).toEqual({ code: 0, stdout: '', stderr: '' });
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'quiet')).SecretData).toBe('q');
});

test('--cli-query prints the JMESPath result as JSON', async () => {
  expect((await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--cli-query', 'SecretData')).stdout).toBe('"p@ss<word>&"\n');
  expect((await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--cli-query', 'Nope')).stdout).toBe('null\n');
  expect((await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--cli-query', 'VersionStages.VersionStage')).stdout).toBe('[\n\t"ACSCurrent"\n]\n');
  const r = await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--cli-query', '[[');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^ERROR: JMESPath query failed: /);
});

test('--output tables', async () => {
  const r = await sb.run('kms', 'ListSecrets', '--Filters', '[{"Key":"SecretName","Values":["app","db"]}]', '--output', 'cols=SecretName', 'rows=SecretList.Secret[]');
  expect(r).toEqual({ code: 0, stdout: 'SecretName\n----------\napp\ndb\n\n', stderr: '' });
  const t = await sb.run('kms', 'ListSecrets', '--Filters', '[{"Key":"SecretName","Values":["app","db"]}]', '--output', 'cols=SecretName,SecretType,Nope', 'rows=SecretList.Secret[]', 'num=true');
  expect(t.stdout).toBe('Num | SecretName | SecretType | Nope\n--- | ---------- | ---------- | ----\n0   | app        | Generic    | <nil>\n1   | db         | Generic    | <nil>\n\n');
  expect(await sb.run('kms', 'ListSecrets', '--output', 'json')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: bad flag format --output with field cols= required\n' });
  expect((await sb.run('kms', 'ListSecrets', '--output', 'cols=A', 'rows=PageSize')).stderr).toBe("ERROR: jmespath: 'RootFilter[0].PageSize' failed Need Array Expr\n");
});

test('version, usage and help need no configuration', async () => {
  expect(await sb.run('version')).toEqual({ code: 0, stdout: '3.4.11\n', stderr: '' });
  const root = await sb.run();
  expect(root.code).toBe(0);
  expect(root.stdout.startsWith('Alibaba Cloud Command Line Interface Version 3.4.11\n\nUsage:\n  aliyun <product> <operation> [--parameter1 value1 --parameter2 value2 ...]\n')).toBe(true);
  expect(root.stdout).toContain('\n  --region                         use `--region <regionId>` to assign region\n');

  const product = await sb.run('kms', '--help');
  expect(product.code).toBe(0);
  expect(product.stdout).toContain('\nProduct: Kms (KeyManagementService)\nVersion: 2016-01-20 \n\nAvailable Api List: \n');
  expect(product.stdout).toContain('\n  GetSecretValue                   Queries a secret value.\n');
  // Our own commands follow the API list (test/adversary.test.ts), which keeps the real CLI's format.
  expect(product.stdout).toContain('\n  UpdateSecretVersionStage         Updates the stage label that marks a secret version.\n\nRun `aliyun kms <ApiName> --help` to get more information about this API\n\n');

  const api = await sb.run('help', 'kms', 'DeleteSecret');
  expect(api).toEqual(await sb.run('kms', 'DeleteSecret', '--help'));
  expect(api.stdout).toBe(
    'Alibaba Cloud Command Line Interface Version 3.4.11\n\nProduct: Kms (KeyManagementService)\n\nParameters:\n' +
      '  --SecretName String  Required\n\n  The name or ARN of the secret.\n\n' +
      '  --ForceDeleteWithoutRecovery String  Optional\n\n  Specifies whether to delete the secret at once, without a recovery window: true or false.\n\n' +
      '  --RecoveryWindowInDays String  Optional\n\n  The recovery window in days, 7 to 30. Default: 30.\n\n',
  );
});

describe('configuration and the backend choice', () => {
  test('with nothing configured a script gets the configuration error (exit 3); --backend local answers silently', async () => {
    // Not a terminal (the test's pipes): the local store does not answer an unconfigured call.
    // The terminal case is in backend-choice.test.ts.
    const r = await sb.runWith({ ALIYUN_KMS_BACKEND: undefined }, 'kms', 'GetSecretValue', '--SecretName', 'db', '--cli-query', 'SecretData');
    expect(r).toEqual({
      code: 3,
      stdout: '',
      stderr:
        "ERROR: region can't be empty\n\nConfiguration failed, use `aliyun configure` to configure it\nTo use the local store instead, pass --backend local or set ALIYUN_KMS_BACKEND=local.\n",
    });
    const forced = await sb.runWith({ ALIYUN_KMS_BACKEND: undefined }, '--backend', 'local', 'kms', 'GetSecretValue', '--SecretName', 'db');
    expect([forced.code, forced.stderr]).toEqual([0, '']);
  });

  test('a broken config file is an error with exit 3, not a silent success', async () => {
    const home = join(sb.root, 'broken-home');
    mkdirSync(join(home, '.aliyun'), { recursive: true });
    writeFileSync(join(home, '.aliyun', 'config.json'), '{"current": "default", "profiles": [{"access_key_secret": "TopSecretValue" x');
    expect(await sb.runWith({ HOME: home }, 'kms', 'ListSecrets')).toEqual({
      code: 3,
      stdout: '',
      // The error names the fault, never the file's content (it holds secrets).
      stderr: "ERROR: load current configuration failed init config failed invalid character 'x' after object key:value pair\n\nConfiguration failed, use `aliyun configure` to configure it\n",
    });
    writeFileSync(join(home, '.aliyun', 'config.json'), '{"current": ');
    expect((await sb.runWith({ HOME: home }, 'version')).stderr).toBe(
      'ERROR: load current configuration failed init config failed unexpected end of JSON input\n\nConfiguration failed, use `aliyun configure` to configure it\n',
    );
  });

  test('a current profile that does not exist', async () => {
    const home = join(sb.root, 'odd-home');
    mkdirSync(join(home, '.aliyun'), { recursive: true });
    writeFileSync(join(home, '.aliyun', 'config.json'), JSON.stringify({ current: 'ghost', profiles: [{ name: 'default', mode: '' }] }));
    expect(await sb.runWith({ HOME: home }, 'kms', 'ListSecrets')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'ERROR: load current configuration failed unknown profile ghost, run configure to check\n\nConfiguration failed, use `aliyun configure` to configure it\n',
    });
    expect(await sb.run('kms', 'ListSecrets', '--profile', 'ghost')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'ERROR: unknown profile ghost, run configure to check\n\nConfiguration failed, use `aliyun configure` to configure it\n',
    });
  });

  test('an invalid region or backend', async () => {
    expect(await sb.run('kms', 'ListSecrets', '--region', 'cn_hangzhou')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'ERROR: invalid region cn_hangzhou\n\nConfiguration failed, use `aliyun configure` to configure it\n',
    });
    expect(await sb.run('kms', 'ListSecrets', '--backend', 'cloud')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'ERROR: invalid backend cloud\n\nUse `--backend local` or `--backend remote` (or ALIYUN_KMS_BACKEND)\n',
    });
  });
});

test('normalize hides only ids and times', () => {
  expect(normalize('3bf02f7a-015b-4f93-be0f-cc043fda2dd3 2020-01-22T03:55:18Z x')).toBe('<uuid> <time> x');
});

test('--dryrun on the local store validates and changes nothing', async () => {
  expect(await sb.run('kms', 'CreateSecret', '--SecretName', 'dry', '--SecretData', 'x', '--VersionId', 'v1', '--dryrun')).toEqual({
    code: 0,
    stdout: `Skip invoke in dry-run mode, request is:\n------------------------------------\nCreateSecret on the local store ${sb.store}, region cn-hangzhou, parameters: SecretData, SecretName, VersionId\n`,
    stderr: '',
  });
  expect((await sb.run('kms', 'DescribeSecret', '--SecretName', 'dry')).stderr).toContain('ErrorCode: Forbidden.ResourceNotFound\n');
  const bad = await sb.run('kms', 'CreateSecret', '--SecretName', 'dry', '--SecretData', 'x', '--VersionId', 'v1', '--SecretDataType', 'blob', '--dryrun');
  expect([bad.code, /ErrorCode: (.*)/.exec(bad.stderr)?.[1]]).toEqual([1, 'InvalidParameter']);
});

test('--cli-dry-run-json describes the call unsigned and sends or changes nothing, on both backends', async () => {
  const expected = (endpoint: string) =>
    `{\n  "style": "RPC",\n  "endpoint": "${endpoint}",\n  "method": "POST",\n  "headers": {\n    "Accept-Encoding": "identity",\n    "x-sdk-client": "golang/1.0.0",\n    "x-sdk-invoke-type": "common"\n  },\n  "query": {\n    "SecretData": "a\\u003cb\\u003e\\u0026c",\n    "SecretName": "cdr",\n    "VersionId": "v1"\n  },\n  "action": "CreateSecret",\n  "version": "2016-01-20"\n}\n`;
  const args = ['kms', 'CreateSecret', '--SecretName', 'cdr', '--SecretData', 'a<b>&c', '--VersionId', 'v1', '--cli-dry-run-json'];
  expect(await sb.run(...args)).toEqual({ code: 0, stdout: expected('kms.cn-hangzhou.aliyuncs.com'), stderr: '' });
  expect((await sb.run('kms', 'DescribeSecret', '--SecretName', 'cdr')).stderr).toContain('ErrorCode: Forbidden.ResourceNotFound\n');
  // Remote: port 9 on loopback refuses connections, so a request sent would fail the call.
  const remote = await sb.runWith({ ALIYUN_KMS_BACKEND: 'remote' }, ...args, '--access-key-id', 'AKID', '--access-key-secret', 'SK', '--endpoint', '127.0.0.1:9', '--insecure', '--region', 'cn-hangzhou');
  expect(remote).toEqual({ code: 0, stdout: expected('127.0.0.1:9'), stderr: '' });
});

describe('checks in the real CLI order, --force, and the edges of the grammar', () => {
  test('--force sends what was typed: no API, parameter or required-parameter check', async () => {
    const unknownParam = await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--OwingService', 'x', '--force', '--cli-query', 'SecretData');
    expect(unknownParam).toEqual({ code: 0, stdout: '"p@ss<word>&"\n', stderr: '' });
    // Without the CLI's check, the service answers a missing parameter itself.
    const missing = await sb.run('kms', 'GetSecretValue', '--force');
    expect([missing.code, /ErrorCode: (.*)/.exec(missing.stderr)?.[1], /Message: (.*)/.exec(missing.stderr)?.[1]]).toEqual([1, 'MissingParameter', 'The parameter "SecretName" is needed but not provided.']);
    const api = await sb.run('kms', 'FooBar', '--force');
    expect([api.code, /ErrorCode: (.*)/.exec(api.stderr)?.[1]]).toEqual([1, 'InvalidAction.NotFound']);
  });

  test('a profile error comes before product, version and positional errors', async () => {
    const tip = '\n\nConfiguration failed, use `aliyun configure` to configure it\n';
    for (const args of [['kmss', 'GetSecretValue'], ['kms', 'GetSecretValue', '--version', '2017-01-01'], ['kms', 'GetSecretValue', 'extra'], ['kms', 'getx']])
      expect(await sb.run(...args, '-p', 'nope')).toEqual({ code: 3, stdout: '', stderr: 'ERROR: unknown profile nope, run configure to check' + tip });
  });

  test('lower-case API names are the plug-in path; REST verbs are not', async () => {
    expect(await sb.run('kms', 'getsecretvalue', '--SecretName', 'app')).toEqual({ code: 2, stdout: '', stderr: "ERROR: 'kms' is not a valid product. See `aliyun help`.\n" });
    expect(await sb.run('kms', 'get', '/x')).toEqual({ code: 3, stdout: '', stderr: 'ERROR: can not find api by path /x\n\nPlease confirm if the API path exists\n' });
  });

  test('--version is checked against the product code as typed', async () => {
    expect((await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--version', '2016-01-20')).code).toBe(0);
    expect(await sb.run('Kms', 'GetSecretValue', '--SecretName', 'app', '--version', '2016-01-20')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'ERROR: unchecked version 2016-01-20\n\nPlease contact the customer support to get more info about API version\n',
    });
  });

  test('a malformed --header is refused on the local backend too', async () => {
    expect(await sb.run('kms', 'GetSecretValue', '--SecretName', 'app', '--header', 'foo')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ERROR: invalid flag --header `foo` use `--header HeaderName=Value`\n',
    });
  });

  test('--X-FILE refuses bytes that are not UTF-8 instead of changing them', async () => {
    const file = join(sb.root, 'binary.dat');
    writeFileSync(file, Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    expect(await sb.run('kms', 'CreateSecret', '--SecretName', 'bin', '--SecretData-FILE', file, '--VersionId', 'v1')).toEqual({
      code: 1,
      stdout: '',
      stderr: `ERROR: read file ${file} for --SecretData failed: the file is not UTF-8 text (Base64-encode binary data, e.g. with --SecretDataType binary)\n`,
    });
  });

  test('the usage lists no hidden sub-command', async () => {
    const r = await sb.run();
    expect(r.stdout).toContain('\nCommands:\n  configure       configure credential and settings\n  auto-completion enable auto completion\n');
    expect(r.stdout).not.toContain('  version');
  });

  test('a transport error names no secret value', async () => {
    const r = await sb.runWith(
      { ALIYUN_KMS_BACKEND: 'remote' },
      'kms', 'CreateSecret', '--SecretName', 'app', '--SecretData', 'TOPSECRETVALUE', '--VersionId', 'v1',
      '--access-key-id', 'AKIDVISIBLE', '--access-key-secret', 'SK', '--endpoint', '127.0.0.1:9', '--insecure', '--region', 'cn-hangzhou',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: Post "http:\/\/127\.0\.0\.1:9\/\?AccessKeyId=\*\*\*&Action=CreateSecret&.*SecretData=\*\*\*&.*": dial tcp 127\.0\.0\.1:9: connect: connection refused\n$/);
    expect(r.stderr).not.toMatch(/TOPSECRETVALUE|AKIDVISIBLE/);
  });
});
