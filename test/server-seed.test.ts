// `aliyun kms serve --seed FILE`: the format, idempotence, conflicts naming the secret, bad
// files refused before any store is touched, and values never in an error.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from './helpers.js';
import { AK, SK, ServerProcess, rawRequest, signedCall } from './server.harness.js';

const KEYS = ['--access-key-id', AK, '--access-key-secret', SK];
let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

const seedFile = (doc: unknown, name = 'seed.json') => {
  const p = join(sb.root, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
};

/** The example. */
const EXAMPLE = {
  Secrets: [
    {
      SecretName: 'db',
      Description: 'the database',
      Tags: [{ TagKey: 'team', TagValue: 'core' }],
      Versions: [
        { VersionId: 'v1', SecretData: 'seed-old-Zq9', SecretDataType: 'text', VersionStages: ['ACSPrevious'] },
        { VersionId: 'v2', SecretData: 'seed-new-Zq9' },
      ],
    },
    { SecretName: 'api/token', Versions: [{ VersionId: '1', SecretData: '{"k":"seed-json-Zq9"}', SecretDataType: 'binary' }] },
  ],
};

/** Every file of the store with its bytes and mtime: "changes nothing" means this is equal. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[p] = `${st.mtimeMs}:${readFileSync(p, 'base64')}`;
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

test("the issue's example: versions, stages (last takes ACSCurrent), description, tags, data type; the CLI reads them", async () => {
  const srv = await ServerProcess.start(sb, [...KEYS, '--seed', seedFile(EXAMPLE)]);
  try {
    expect(srv.stderr).toContain(`seeded 2 secret(s) into region cn-hangzhou from ${join(sb.root, 'seed.json')}\n`);
    const cur = await signedCall(srv.url, 'GetSecretValue', { SecretName: 'db' });
    expect(cur.body).toMatchObject({ SecretData: 'seed-new-Zq9', VersionId: 'v2', VersionStages: { VersionStage: ['ACSCurrent'] }, SecretDataType: 'text' });
    const prev = await signedCall(srv.url, 'GetSecretValue', { SecretName: 'db', VersionStage: 'ACSPrevious' });
    expect(prev.body).toMatchObject({ SecretData: 'seed-old-Zq9', VersionId: 'v1' });
    const d = await signedCall(srv.url, 'DescribeSecret', { SecretName: 'db', FetchTags: 'true' });
    expect(d.body).toMatchObject({ Description: 'the database', Tags: { Tag: [{ TagKey: 'team', TagValue: 'core' }] } });
    const api = await signedCall(srv.url, 'GetSecretValue', { SecretName: 'api/token' });
    expect(api.body).toMatchObject({ SecretData: '{"k":"seed-json-Zq9"}', SecretDataType: 'binary', VersionId: '1' });
    expect((await rawRequest(srv.url, 'GET', '/health', {})).body.Secrets).toBe(2);
  } finally {
    await srv.stop();
  }
  expect((await sb.json('kms', 'ListSecretVersionIds', '--SecretName', 'db')).VersionIds.VersionId.map((v: any) => [v.VersionId, v.VersionStages?.VersionStage])).toEqual([
    ['v2', ['ACSCurrent']],
    ['v1', ['ACSPrevious']],
  ]);
  expect(JSON.stringify(snapshot(sb.store))).not.toContain(Buffer.from('seed-new-Zq9').toString('base64').slice(0, 12));
});

test('a seed file saved with a byte-order mark is read', async () => {
  const srv = await ServerProcess.start(sb, [...KEYS, '--seed', seedFile('\uFEFF' + JSON.stringify({ Secrets: [{ SecretName: 'bom', Versions: [{ VersionId: 'v1', SecretData: 'x' }] }] }))]);
  try {
    expect((await signedCall(srv.url, 'GetSecretValue', { SecretName: 'bom' })).body.SecretData).toBe('x');
  } finally {
    await srv.stop();
  }
});

test('stages: an explicit ACSCurrent on an older version keeps it there; custom labels; a version with none is kept unlabelled', async () => {
  const doc = {
    Secrets: [
      {
        SecretName: 's',
        Versions: [
          { VersionId: 'a', SecretData: '1', VersionStages: ['ACSCurrent', 'stable'] },
          { VersionId: 'b', SecretData: '2', VersionStages: ['canary'] },
          { VersionId: 'c', SecretData: '3' },
        ],
      },
    ],
  };
  const srv = await ServerProcess.start(sb, [...KEYS, '--seed', seedFile(doc)]);
  await srv.stop();
  const ids = await sb.json('kms', 'ListSecretVersionIds', '--SecretName', 's', '--IncludeDeprecated', 'true');
  expect(ids.VersionIds.VersionId.map((v: any) => [v.VersionId, v.VersionStages?.VersionStage ?? []])).toEqual([
    ['c', []],
    ['b', ['canary']],
    ['a', ['ACSCurrent', 'stable']],
  ]);
});

test('idempotent: a second start with the same file changes nothing, even after the application rotated a secret', async () => {
  const file = seedFile(EXAMPLE);
  (await ServerProcess.start(sb, [...KEYS, '--seed', file])).stop();
  await new Promise((r) => setTimeout(r, 500));
  // The application moves on: a new version and a new description.
  await sb.json('kms', 'PutSecretValue', '--SecretName', 'db', '--SecretData', 'rotated', '--VersionId', 'v3');
  await sb.json('kms', 'UpdateSecret', '--SecretName', 'db', '--Description', 'changed');
  const before = snapshot(sb.store);
  const srv = await ServerProcess.start(sb, [...KEYS, '--seed', file]);
  try {
    expect(srv.stderr).toContain('seeded 0 secret(s) into region cn-hangzhou from');
    expect(srv.stderr).toContain('(2 already in the store, unchanged)');
    expect((await signedCall(srv.url, 'GetSecretValue', { SecretName: 'db' })).body.SecretData).toBe('rotated');
  } finally {
    await srv.stop();
  }
  const after = snapshot(sb.store);
  expect(after).toEqual(before);
});

test('a conflict names the secret, never the value, and nothing is seeded (not even the secrets before it)', async () => {
  await sb.json('kms', 'CreateSecret', '--SecretName', 'db', '--SecretData', 'store-value-Zq9', '--VersionId', 'v1');
  const before = snapshot(sb.store);
  const doc = { Secrets: [{ SecretName: 'first', Versions: [{ VersionId: 'v1', SecretData: 'x' }] }, ...EXAMPLE.Secrets] };
  const r = await sb.run('kms', 'serve', '--port', '0', '--seed', seedFile(doc));
  expect(r).toEqual({
    code: 1,
    stdout: '',
    stderr: `ERROR: seed file ${join(sb.root, 'seed.json')}, secret "db": version "v1" has another value in the store; nothing was seeded (remove the secret from the store or the seed file, or use --ephemeral)\n`,
  });
  expect(snapshot(sb.store)).toEqual(before);
  // Other conflicts.
  const cases: [unknown, string][] = [
    [{ Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v9', SecretData: 'store-value-Zq9' }] }] }, 'the store has no version "v9"'],
    [{ Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 'store-value-Zq9', SecretDataType: 'binary' }] }] }, 'version "v1" has another value in the store'],
  ];
  for (const [d, msg] of cases) {
    const x = await sb.run('kms', 'serve', '--port', '0', '--seed', seedFile(d));
    expect(x.stderr).toBe(`ERROR: seed file ${join(sb.root, 'seed.json')}, secret "db": ${msg}; nothing was seeded (remove the secret from the store or the seed file, or use --ephemeral)\n`);
    expect(x.stderr).not.toContain('Zq9');
  }
  await sb.json('kms', 'DeleteSecret', '--SecretName', 'db');
  const pending = await sb.run('kms', 'serve', '--port', '0', '--seed', seedFile({ Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 'store-value-Zq9' }] }] }));
  expect(pending.stderr).toContain('secret "db": the store has it pending deletion;');
});

describe('bad seed files are refused before the store is created or opened', () => {
  const bad: [string, unknown, string][] = [
    ['not JSON', '{"Secrets": [', 'is not JSON: '],
    ['no Secrets', { secrets: [] }, 'must be a JSON object with a "Secrets" array'],
    ['an array', [], 'must be a JSON object with a "Secrets" array'],
    ['an unknown top-level field', { Secrets: [], Keys: [] }, 'has an unknown field "Keys" (only "Secrets" is read)'],
    ['a secret not an object', { Secrets: ['db'] }, 'Secrets[0]: must be an object with SecretName and Versions'],
    ['no name', { Secrets: [{ Versions: [] }] }, 'Secrets[0]: "SecretName" must be a string'],
    ['a typo in a field', { Secrets: [{ SecretName: 'db', Version: [] }] }, 'secret "db": unknown field "Version" (known: SecretName, Description, Tags, EncryptionKeyId, SecretType, Versions)'],
    ['no versions', { Secrets: [{ SecretName: 'db', Versions: [] }] }, 'secret "db": "Versions" must be a non-empty array'],
    ['a bad name', { Secrets: [{ SecretName: 'bad name!', Versions: [{ VersionId: 'v1', SecretData: 'x' }] }] }, 'secret "bad name!": "SecretName" is not valid for CreateSecret'],
    ['a reserved name', { Secrets: [{ SecretName: 'acs/x', Versions: [{ VersionId: 'v1', SecretData: 'x' }] }] }, 'secret "acs/x": "SecretName" is reserved'],
    ['a managed type', { Secrets: [{ SecretName: 'db', SecretType: 'Rds', Versions: [{ VersionId: 'v1', SecretData: 'x' }] }] }, 'only "SecretType": "Generic" secrets can be seeded'],
    ['bad tags', { Secrets: [{ SecretName: 'db', Tags: [{ Key: 'k' }], Versions: [{ VersionId: 'v1', SecretData: 'x' }] }] }, 'secret "db": "Tags" is not valid for CreateSecret'],
    ['a number as data', { Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 42 }] }] }, 'secret "db": Versions[0] ("v1"): "SecretData" must be a string'],
    ['data too long', { Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 'x'.repeat(30721) }] }] }, '"SecretData" is not valid (at most 30720 bytes)'],
    ['a bad data type', { Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 'x', SecretDataType: 'json' }] }] }, '"SecretDataType" is not valid for PutSecretValue'],
    ['a duplicate version', { Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 'x' }, { VersionId: 'v1', SecretData: 'y' }] }] }, 'Versions[1] ("v1"): the VersionId is listed twice'],
    ['a stage on two versions', { Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 'x', VersionStages: ['ACSCurrent'] }, { VersionId: 'v2', SecretData: 'y', VersionStages: ['ACSCurrent'] }] }] }, 'stage "ACSCurrent" is given to two versions ("v1" and "v2")'],
    ['stages not a list', { Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 'x', VersionStages: 'ACSCurrent' }] }] }, '"VersionStages" must be an array of stage names'],
    ['eleven versions', { Secrets: [{ SecretName: 'db', Versions: Array.from({ length: 11 }, (_, i) => ({ VersionId: `v${i}`, SecretData: 'x' })) }] }, 'at most 10 versions'],
    ['a duplicate secret', { Secrets: [{ SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 'x' }] }, { SecretName: 'db', Versions: [{ VersionId: 'v1', SecretData: 'x' }] }] }, 'secret "db": the secret is listed twice'],
  ];
  test.each(bad)('%s', async (_, doc, message) => {
    const file = seedFile(doc);
    const r = await sb.run('kms', 'serve', '--port', '0', '--seed', file);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(new RegExp(`^ERROR: (seed file|the seed file) ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(r.stderr.split('\n').length).toBe(2);
    expect(existsSync(sb.store)).toBe(false);
  });

  test('a missing file, a directory, a device', async () => {
    const missing = await sb.run('kms', 'serve', '--port', '0', '--seed', join(sb.root, 'nope.json'));
    expect(missing.stderr).toBe(`ERROR: cannot read the seed file ${join(sb.root, 'nope.json')}: no such file\n`);
    mkdirSync(join(sb.root, 'dir'));
    const dir = await sb.run('kms', 'serve', '--port', '0', '--seed', join(sb.root, 'dir'));
    expect(dir.stderr).toBe(`ERROR: cannot read the seed file ${join(sb.root, 'dir')}: it is a directory\n`);
    // A device would be read forever.
    const dev = await sb.run('kms', 'serve', '--port', '0', '--seed', '/dev/zero');
    expect(dev).toEqual({ code: 1, stdout: '', stderr: 'ERROR: the seed file /dev/zero is not a file\n' });
  });

  test('an unknown EncryptionKeyId is an error naming the secret', async () => {
    const r = await sb.run('kms', 'serve', '--port', '0', '--seed', seedFile({ Secrets: [{ SecretName: 'db', EncryptionKeyId: 'key-nope', Versions: [{ VersionId: 'v1', SecretData: 'x' }] }] }));
    expect(r.stderr).toContain('secret "db": EncryptionKeyId "key-nope" is not a key of region cn-hangzhou in this store;');
  });
});

test('a key created in the store can be named by EncryptionKeyId; --region picks the region; 1,000 secrets are all there', async () => {
  const key = (await sb.json('kms', 'CreateKey', '--region', 'eu-central-1')).KeyMetadata.KeyId;
  const secrets = Array.from({ length: 1000 }, (_, i) => ({ SecretName: `bulk-${i}`, EncryptionKeyId: key, Versions: [{ VersionId: 'v1', SecretData: `value-${i}` }] }));
  const srv = await ServerProcess.start(sb, [...KEYS, '--region', 'eu-central-1', '--seed', seedFile({ Secrets: secrets })]);
  try {
    const h = (await rawRequest(srv.url, 'GET', '/health', {})).body;
    expect(h.Regions['eu-central-1']).toEqual({ Secrets: 1000, Keys: 1 });
    const got = await signedCall(srv.url, 'GetSecretValue', { SecretName: 'bulk-777' });
    expect(got.body.SecretData).toBe('value-777');
    expect((await signedCall(srv.url, 'DescribeSecret', { SecretName: 'bulk-1' })).body.EncryptionKeyId).toBe(key);
  } finally {
    await srv.stop();
  }
}, 60_000);

test('a seeding server killed at any moment leaves no damaged file; the next start completes the seed', async () => {
  const secrets = Array.from({ length: 2000 }, (_, i) => ({ SecretName: `k-${i}`, Versions: [{ VersionId: 'v1', SecretData: `value-${i}` }] }));
  const file = seedFile({ Secrets: secrets });
  for (const delay of [150, 400, 800]) {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('./helpers.js');
    const child = spawn(process.execPath, [BIN, 'kms', 'serve', '--port', '0', '--seed', file, ...KEYS], { env: sb.env, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  const srv = await ServerProcess.start(sb, [...KEYS, '--seed', file]);
  try {
    expect(srv.stderr).toMatch(/seeded \d+ secret\(s\) into region cn-hangzhou/);
    expect((await rawRequest(srv.url, 'GET', '/health', {})).body.Secrets).toBe(2000);
    const list = await signedCall(srv.url, 'ListSecrets', { PageSize: '100' });
    expect([list.status, list.body.TotalCount]).toEqual([200, 2000]);
    expect((await signedCall(srv.url, 'GetSecretValue', { SecretName: 'k-1999' })).body.SecretData).toBe('value-1999');
  } finally {
    await srv.stop();
  }
  const names = readdirSync(join(sb.store, 'regions', 'cn-hangzhou', 'secrets'));
  expect(names.filter((n) => !n.endsWith('.json'))).toEqual([]);
}, 90_000);

test('SIGTERM while a large seed is applied: the seed finishes whole, the server stops, an ephemeral store is removed', async () => {
  const { spawn } = await import('node:child_process');
  const { BIN } = await import('./helpers.js');
  const tmp = join(sb.root, 'tmp');
  mkdirSync(tmp);
  const file = seedFile({ Secrets: Array.from({ length: 3000 }, (_, i) => ({ SecretName: `t-${i}`, Versions: [{ VersionId: 'v1', SecretData: 'x' }] })) });
  const child = spawn(process.execPath, [BIN, 'kms', 'serve', '--port', '0', '--ephemeral', '--seed', file, ...KEYS], { env: { ...sb.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
  // Signal once the ephemeral store exists (the seed of 3,000 secrets is then under way or done).
  for (let i = 0; i < 200 && readdirSync(tmp).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(readdirSync(tmp).length).toBe(1);
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.once('exit', r));
  expect(code).toBe(0);
  expect(err).toMatch(/SIGTERM: (stopping before serving|finishing 0 request\(s\) in flight and stopping)\n/);
  expect(readdirSync(tmp)).toEqual([]);
}, 60_000);
