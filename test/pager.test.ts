// --pager (every page merged), --waiter and their flag errors, on the remote and the local backend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run, Sandbox, type RunResult } from './helpers.js';
import { FakeKms } from './fake-kms.js';

const AK = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tTestKeyId', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret-value', ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou' };

let fake: FakeKms;
let home: string;
beforeAll(async () => {
  fake = await new FakeKms().start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'pager-home-'));
  fake.requests.length = 0;
  fake.script.length = 0;
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const kms = (args: string[]): Promise<RunResult> => run(['kms', ...args, '--endpoint', fake.endpoint, '--insecure'], cleanEnv({ HOME: home, NO_COLOR: '1', ...AK }));

const page = (n: number, names: string[], total: number, size: number) => ({
  status: 200,
  body: JSON.stringify({ PageNumber: n, PageSize: size, TotalCount: total, RequestId: `r${n}`, SecretList: { Secret: names.map((SecretName) => ({ SecretName })) } }),
});

describe('--pager', () => {
  test('page-number API: all pages merged (not only the first), PageNumber re-signed per page', async () => {
    fake.script.push(page(1, ['a', 'b'], 5, 2), page(2, ['c', 'd'], 5, 2), page(3, ['e'], 5, 2));
    const r = await kms(['ListSecrets', '--PageSize', '2', '--pager']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ SecretList: { Secret: ['a', 'b', 'c', 'd', 'e'].map((SecretName) => ({ SecretName })) } });
    const reqs = fake.kmsRequests();
    expect(reqs.map((q) => q.params.PageNumber)).toEqual([undefined, '2', '3']);
    expect(reqs.every((q) => q.signatureOk && q.params.PageSize === '2')).toBe(true);
  });

  test('against the store behind the fake gateway: every secret listed with PageSize 1', async () => {
    for (const n of ['p1', 'p2', 'p3']) expect((await kms(['CreateSecret', '--SecretName', n, '--SecretData', 'x', '--VersionId', 'v1'])).code).toBe(0);
    const r = await kms(['ListSecrets', '--PageSize', '1', '--pager']);
    expect(r.code).toBe(0);
    const names = JSON.parse(r.stdout).SecretList.Secret.map((s: any) => s.SecretName).sort();
    expect(names).toEqual(['p1', 'p2', 'p3']);
    expect(fake.kmsRequests().filter((q) => q.params.Action === 'ListSecrets')).toHaveLength(3);
  });

  test('NextToken API: follows the token; path given explicitly; renamed fields', async () => {
    fake.script.push(
      { status: 200, body: '{"Res":{"Item":[1.50,2]},"Next":"t2","RequestId":"a"}' },
      { status: 200, body: '{"Res":{"Item":[3]},"Next":"","RequestId":"b"}' },
    );
    const r = await kms(['ListTagResources', '--ResourceType', 'secret', '--pager', 'path=Res.Item[]', 'NextToken=Next']);
    expect(r.stderr).toBe('');
    // Deliberate deviation: the real CLI re-encodes merged pages from doubles (1.50 → 1.5); ours keeps the literal.
    expect(r.stdout).toBe('{\n\t"Res": {\n\t\t"Item": [\n\t\t\t1.50,\n\t\t\t2,\n\t\t\t3\n\t\t]\n\t}\n}\n');
    expect(fake.kmsRequests().map((q) => q.params.Next)).toEqual([undefined, 't2']);
  });

  test('no collection: the real CLI error', async () => {
    fake.script.push({ status: 200, body: '{"RequestId":"a","Count":1}' });
    const r = await kms(['ListSecrets', '--pager']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "ERROR: call failed can't auto recognize collections path: you need add `--pager path=[jmespath]` to assign manually\n" });
  });

  test('local backend: the same merge', async () => {
    const sb = new Sandbox({ NO_COLOR: '1' });
    try {
      for (const n of ['l1', 'l2', 'l3']) expect((await sb.run('kms', 'CreateSecret', '--SecretName', n, '--SecretData', 'x', '--VersionId', 'v1')).code).toBe(0);
      const r = await sb.run('kms', 'ListSecrets', '--PageSize', '2', '--pager');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).SecretList.Secret).toHaveLength(3);
    } finally {
      sb.cleanup();
    }
  });
});

describe('--waiter', () => {
  test('polls until the expression yields the value, prints that response', async () => {
    fake.script.push({ status: 200, body: '{"State":"Pending","RequestId":"1"}' }, { status: 200, body: '{"State":"Done","RequestId":"2"}' });
    const r = await kms(['DescribeSecret', '--SecretName', 'x', '--waiter', 'expr=State', 'to=Done', 'interval=2']);
    expect(r).toEqual({ code: 0, stdout: '{\n\t"RequestId": "2",\n\t"State": "Done"\n}\n', stderr: '' });
    expect(fake.kmsRequests()).toHaveLength(2);
  });

  test('timeout: the last value in the error', async () => {
    for (let i = 0; i < 3; i++) fake.script.push({ status: 200, body: '{"State":"Pending"}' });
    const r = await kms(['DescribeSecret', '--SecretName', 'x', '--waiter', 'expr=State', 'to=Done', 'timeout=1', 'interval=2']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "ERROR: wait 'State' to 'Done' timeout(1seconds), last='Pending'\n" });
  });

  test('flag errors and a non-string result', async () => {
    const err = async (args: string[]) => (await kms(['DescribeSecret', '--SecretName', 'x', '--waiter', ...args])).stderr;
    expect(await err(['to=Done'])).toBe('ERROR: bad flag format --waiter with field expr= required\n');
    expect(await err(['expr=State'])).toBe('ERROR: bad flag format --waiter with field to= required\n');
    expect(await err(['expr=State', 'to=x', 'timeout=0'])).toBe('ERROR: --waiter timeout=0 must between 1-600 (seconds)\n');
    expect(await err(['expr=State', 'to=x', 'interval=abc'])).toBe('ERROR: --waiter interval=abc must be integer\n');
    fake.script.push({ status: 200, body: '{"State":{"a":1}}' });
    expect(await err(['expr=State', 'to=x'])).toBe("ERROR: object map[a:1] isn't string\n");
  });

  test('--pager and --waiter are exclusive; --dryrun excludes --pager', async () => {
    expect((await kms(['ListSecrets', '--pager', '--waiter', 'expr=a', 'to=b'])).stderr).toBe('ERROR: flag --pager is exclusive with --waiter\n');
    expect((await kms(['ListSecrets', '--pager', '--dryrun'])).stderr).toBe('ERROR: flag --dryrun is exclusive with --pager\n');
  });
});
