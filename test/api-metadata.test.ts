// Every KMS API described from the real CLI's API metadata (aliyun-openapi-meta @2563691c, the
// submodule of aliyun-cli v3.4.11): parameter names, types and required flags drive the unknown-
// parameter error, the missing-parameter error and `--help`, for the APIs the local service does not
// implement as for the ones it does, on both backends.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiMeta, completionParameters, findParameter, KMS_API_NAMES, OPERATIONS, requiredParameters, type MetaParam } from '../src/operations/catalog.js';
import { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeAll(() => {
  sb = new Sandbox({ NO_COLOR: '1' });
});
afterAll(() => sb.cleanup());

describe('the metadata table', () => {
  test('85 APIs, the names the real CLI accepts, sorted as Go sorts them', () => {
    expect(KMS_API_NAMES.length).toBe(85);
    expect([...KMS_API_NAMES].sort()).toEqual(KMS_API_NAMES);
    for (const n of KMS_API_NAMES) expect(apiMeta(n)?.name).toBe(n);
    expect(apiMeta('encrypt')).toBeUndefined();
    expect(apiMeta('toString')).toBeUndefined();
  });

  test('the APIs we describe richly declare exactly the parameters the metadata has', () => {
    const shape = (params: readonly MetaParam[]) => params.map((p) => `${p.name}${p.required ? '!' : ''}:${p.type}${p.subParams ? `(${p.subParams.map((s) => s.name).join('|')})` : ''}`);
    for (const [name, op] of Object.entries(OPERATIONS)) {
      const ours = Object.entries(op.params).map(([n, p]) => `${n}${p.required ? '!' : ''}:${p.type}${p.subParams ? `(${p.subParams.join('|')})` : ''}`);
      expect([name, ours]).toEqual([name, shape(apiMeta(name)!.params)]);
    }
  });

  test('facts spot-checked against metadatas/kms/*.json', () => {
    expect(apiMeta('Encrypt')).toEqual({
      name: 'Encrypt',
      method: 'POST',
      params: [
        { name: 'DryRun', type: 'String', required: false },
        { name: 'EncryptionContext', type: 'String', required: false },
        { name: 'KeyId', type: 'String', required: true },
        { name: 'Plaintext', type: 'String', required: true },
      ],
    });
    expect(apiMeta('ImportKeyMaterial')!.params.find((p) => p.name === 'KeyMaterialExpireUnix')).toEqual({ name: 'KeyMaterialExpireUnix', type: 'Long', required: true });
    // meta/api.go GetMethod: "GET|POST" and "POST" send POST, "GET" sends GET.
    expect(['GetClientKey', 'ListClientKeys', 'SetSecretPolicy', 'Decrypt'].map((n) => apiMeta(n)!.method)).toEqual(['GET', 'GET', 'POST', 'POST']);
    expect(requiredParameters(apiMeta('TagResources')!)).toEqual(['RegionId', 'ResourceType']);
    expect(apiMeta('DescribeRegions')!.params).toEqual([]);
  });

  test('completion lists parameters as they are typed (meta/api.go ForeachParameters)', () => {
    expect(completionParameters('ListTagResources')).toEqual(['NextToken', 'RegionId', 'ResourceId.1', 'ResourceType', 'Tag.1.Key', 'Tag.1.Value']);
    expect(completionParameters('Nope')).toEqual([]);
  });

  // The cases of meta/api_test.go TestApi_FindParameter.
  test('parameter lookup follows meta/api.go findParameterInner', () => {
    const sub: MetaParam[] = [{ name: 'paramter', type: 'String', required: false, subParams: [{ name: 'subparameters', type: 'String', required: false }] }];
    expect(findParameter([{ name: 'paramter', type: 'String', required: false }], 'paramter')?.name).toBe('paramter');
    expect(findParameter(sub, 'paramter_test')).toBeUndefined();
    expect(findParameter(sub, 'paramter.1.10')).toBeUndefined();
    for (const n of ['paramter.1.subparameters', 'paramter.10.subparameters', 'paramter.100.subparameters']) expect(findParameter(sub, n)?.name).toBe('subparameters');
    const list: MetaParam[] = [{ name: 'paramter', type: 'RepeatList', required: false }];
    expect(findParameter(list, 'paramter.1.1')?.name).toBe('paramter');
    expect(findParameter(list, 'paramter_test')).toBeUndefined();
    expect(findParameter([], 'paramter.1.10')).toBeUndefined();
    const both: MetaParam[] = [{ ...sub[0], type: 'RepeatList' }, { name: 'paramtercount', type: 'Integer', required: false }];
    expect(findParameter(both, 'paramtercount')?.name).toBe('paramtercount');
    expect(findParameter(both, 'subparameters_test')).toBeUndefined();
    expect(findParameter(both, 'subparameters')).toBeUndefined();
    expect(findParameter(both, 'paramter.1.10')).toBeUndefined();
    expect(findParameter(both, 'paramter.100.subparameters')?.name).toBe('subparameters');
  });
});

describe('APIs the local service does not implement are checked like the secret APIs', () => {
  // openapi/rpc.go Prepare + openapi/errors.go InvalidParameterError: suggestions from the API's
  // parameters, then every root flag.
  test('an unknown parameter: exit 2, Did you mean on stdout', async () => {
    expect(await sb.run('kms', 'Encrypt', '--KeyId', 'k', '--Plaintxt', 'aGk=')).toEqual({
      code: 2,
      stdout: '\nDid you mean:\n  Plaintext\n',
      stderr: "ERROR: '--Plaintxt' is not a valid parameter or flag. See `aliyun help kms Encrypt`.\n",
    });
    expect(await sb.run('kms', 'DescribeRegions', '--KeyId', 'k')).toEqual({
      code: 2,
      stdout: '',
      stderr: "ERROR: '--KeyId' is not a valid parameter or flag. See `aliyun help kms DescribeRegions`.\n",
    });
  });

  // meta/api.go CheckRequiredParameters: metadata order, RepeatLists never checked.
  test('missing required parameters: exit 3 and the tip', async () => {
    expect(await sb.run('kms', 'AsymmetricSign', '--KeyId', 'k')).toEqual({
      code: 3,
      stdout: '',
      stderr: 'ERROR: required parameters not assigned: \n  --Algorithm\n  --Digest\n  --KeyVersionId\n\nuse `aliyun kms AsymmetricSign --help` to get more information\n',
    });
    // A flag given with no value counts as given (the service judges the empty value).
    const r = await sb.run('kms', 'UpdateAlias', '--AliasName', '--KeyId', 'k');
    expect(r.stderr).not.toContain('required parameters');
  });

  test('a valid call reaches the local service, which answers as today for what it does not implement', async () => {
    const r = await sb.run('kms', 'Encrypt', '--KeyId', 'k', '--Plaintext', 'aGk=');
    expect([r.code, /ErrorCode: (.*)/.exec(r.stderr)?.[1]]).toEqual([1, 'InvalidAction.NotFound']);
  });

  // meta/api.go findParameterInner through the binary: the odd forms the real CLI accepts and refuses.
  test('RepeatList forms: Name.N, Name.N.Sub, the bare name; Name.N alone refused when it has members', async () => {
    const ok = await sb.run('kms', 'ListTagResources', '--ResourceType', 'secret', '--ResourceId.1', 'x', '--Tag.1.Key', 'k', '--Tag.1.Value', 'v', '--cli-dry-run-json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).query).toMatchObject({ 'ResourceId.1': 'x', 'Tag.1.Key': 'k', 'Tag.1.Value': 'v', RegionId: 'cn-hangzhou' });
    expect((await sb.run('kms', 'ListTagResources', '--ResourceType', 'secret', '--ResourceId', 'x', '--cli-dry-run-json')).code).toBe(0);
    expect(await sb.run('kms', 'ListTagResources', '--ResourceType', 'secret', '--Tag.1', 'x')).toEqual({
      code: 2,
      stdout: '\nDid you mean:\n  Tag\n',
      stderr: "ERROR: '--Tag.1' is not a valid parameter or flag. See `aliyun help kms ListTagResources`.\n",
    });
    expect((await sb.run('kms', 'ListTagResources', '--ResourceType', 'secret', '--Tag.1.Nope', 'x')).code).toBe(2);
  });

  test('--force skips the checks for these APIs too', async () => {
    const r = await sb.run('kms', 'Encrypt', '--Bogus', 'x', '--force');
    expect([r.code, /ErrorCode: (.*)/.exec(r.stderr)?.[1]]).toEqual([1, 'InvalidAction.NotFound']);
  });
});

describe('the remote backend refuses before sending and sends valid calls', () => {
  let server: Server;
  const seen: { method: string; url: string; body: string }[] = [];
  let endpoint = '';
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d) => (body += d)).on('end', () => {
        seen.push({ method: req.method!, url: req.url!, body });
        res.setHeader('Content-Type', 'application/json');
        res.end('{"RequestId":"r-1","KeyId":"k","CiphertextBlob":"c"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  const remote = (...args: string[]) =>
    sb.runWith(
      { ALIYUN_KMS_BACKEND: 'remote', ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tTestKeyId', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret', ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou' },
      'kms',
      ...args,
      '--endpoint',
      endpoint,
      '--insecure',
    );

  test('unknown and missing parameters never reach the network', async () => {
    const unknown = await remote('Encrypt', '--KeyId', 'k', '--Plaintxt', 'aGk=');
    expect([unknown.code, unknown.stdout]).toEqual([2, '\nDid you mean:\n  Plaintext\n']);
    const missing = await remote('GenerateDataKey');
    expect([missing.code, missing.stderr]).toEqual([3, 'ERROR: required parameters not assigned: \n  --KeyId\n\nuse `aliyun kms GenerateDataKey --help` to get more information\n']);
    expect(seen).toEqual([]);
  });

  test('a valid call is sent with its parameters', async () => {
    const r = await remote('Encrypt', '--KeyId', 'k', '--Plaintext', 'aGk=');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ CiphertextBlob: 'c', KeyId: 'k', RequestId: 'r-1' });
    expect(seen).toHaveLength(1);
    const sent = new URLSearchParams(seen[0].url.split('?')[1] + '&' + seen[0].body);
    expect([seen[0].method, sent.get('Action'), sent.get('KeyId'), sent.get('Plaintext')]).toEqual(['POST', 'Encrypt', 'k', 'aGk=']);
  });

  // meta/api.go GetMethod + openapi/rpc.go Prepare: the metadata's method unless --method says otherwise.
  test('an API the metadata marks GET is sent with GET', async () => {
    seen.length = 0;
    expect((await remote('ListClientKeys')).code).toBe(0);
    expect((await remote('ListClientKeys', '--method', 'POST')).code).toBe(0);
    expect(seen.map((r) => r.method)).toEqual(['GET', 'POST']);
  });
});

describe('--help for every API', () => {
  // openapi/library.go printParameters: required first then by name; RepeatList members under
  // `Name.n.` with their own type and flag; Header/Domain never occur for KMS.
  test('an API we do not describe: names, types, required from the metadata, our notes', async () => {
    const r = await sb.run('kms', 'GenerateDataKey', '--help');
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'Alibaba Cloud Command Line Interface Version 3.4.11\n\nProduct: Kms (KeyManagementService)\n\nParameters:\n' +
        '  --KeyId String  Required\n\n  The ID, alias or ARN of the key.\n\n' +
        '  --DryRun String  Optional\n\n  true to check the call without performing it.\n\n' +
        '  --EncryptionContext String  Optional\n\n  A JSON object of string pairs bound to the ciphertext; decrypting needs the same pairs.\n\n' +
        '  --KeySpec String  Optional\n\n  The length of the data key: AES_256 or AES_128.\n\n' +
        '  --NumberOfBytes Integer Optional\n\n  The length of the data key in bytes.\n\n',
    });
    expect(await sb.run('help', 'kms', 'GenerateDataKey')).toEqual(r);
  });

  test('RepeatList members print as Name.n.Sub with their own type, after the required ones', async () => {
    const r = await sb.run('help', 'kms', 'TagResources');
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('  --'));
    expect(lines).toEqual(['  --RegionId String  Required', '  --ResourceId.n RepeatList Required', '  --ResourceType String  Required', '  --Tag.n.Key String  Optional', '  --Tag.n.Value String  Optional']);
    // A member's description is looked up by its own name (openapi/library.go getDescription): none.
    expect(r.stdout.endsWith('  --Tag.n.Key String  Optional\n\n  \n\n  --Tag.n.Value String  Optional\n\n  \n\n')).toBe(true);
    expect((await sb.run('help', 'kms', 'AsymmetricVerify')).stdout).toContain('  --Value String  Required\n\n  The signature to check, Base64-encoded.\n\n');
  });

  test('described APIs keep our descriptions', async () => {
    const r = await sb.run('help', 'kms', 'GetSecretValue');
    expect(r.stdout).toContain('  --SecretName String  Required\n\n  The name or ARN of the secret.\n\n');
    expect(r.stdout).toContain('  --FetchExtendedConfig Boolean Optional\n\n');
  });

  test('the product help lists all 85 APIs', async () => {
    const r = await sb.run('help', 'kms');
    const apis = r.stdout.split('\n').filter((l) => /^ {2}[A-Z]/.test(l));
    expect(apis.map((l) => l.trim().split(' ')[0])).toEqual(KMS_API_NAMES);
    // "  %-32s %s" (openapi/library.go); every API has a summary of ours.
    expect(apis).toContain('  GenerateDataKeyWithoutPlaintext  Makes a data key, returned encrypted only.');
    expect(apis.filter((l) => l.endsWith(' '))).toEqual([]);
  });
});
