// Concurrent writers through the built binary: the store lock keeps the label state machine whole.
import { Sandbox } from './helpers.js';

let sb: Sandbox;
beforeEach(() => (sb = new Sandbox()));
afterEach(() => sb.cleanup());

test('eight concurrent PutSecretValue calls: every version kept, one ACSCurrent, one ACSPrevious', async () => {
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'db', '--VersionId', 'v0', '--SecretData', 'x')).code).toBe(0);
  const ids = Array.from({ length: 8 }, (_, i) => `c${i}`);
  const results = await Promise.all(ids.map((id) => sb.run('kms', 'PutSecretValue', '--SecretName', 'db', '--VersionId', id, '--SecretData', `data-${id}`)));
  expect(results.map((r) => [r.code, r.stderr])).toEqual(ids.map(() => [0, '']));
  const list = await sb.json('kms', 'ListSecretVersionIds', '--SecretName', 'db', '--IncludeDeprecated', 'true');
  const versions: { VersionId: string; VersionStages?: { VersionStage: string[] } }[] = list.VersionIds.VersionId;
  expect(versions.map((v) => v.VersionId).sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'v0']);
  const holders = (label: string) => versions.filter((v) => v.VersionStages?.VersionStage.includes(label)).map((v) => v.VersionId);
  // The last writer holds ACSCurrent, the one before it ACSPrevious; all others are unlabelled.
  expect(holders('ACSCurrent')).toEqual([versions[0].VersionId]);
  expect(holders('ACSPrevious')).toEqual([versions[1].VersionId]);
  expect(versions.slice(2).every((v) => v.VersionStages === undefined)).toBe(true);
  const current = await sb.json('kms', 'GetSecretValue', '--SecretName', 'db');
  expect(current.SecretData).toBe(`data-${versions[0].VersionId}`);
});

test('concurrent replays of one VersionId: one version, every call succeeds; a conflicting value is refused', async () => {
  expect((await sb.run('kms', 'CreateSecret', '--SecretName', 'db', '--VersionId', 'v0', '--SecretData', 'x')).code).toBe(0);
  const same = await Promise.all(Array.from({ length: 6 }, () => sb.run('kms', 'PutSecretValue', '--SecretName', 'db', '--VersionId', 'v1', '--SecretData', 'same')));
  expect(same.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
  // Whoever came first created the version with ACSCurrent; the replays report it unchanged.
  expect(same.map((r) => JSON.parse(r.stdout).VersionStages)).toEqual(same.map(() => ({ VersionStage: ['ACSCurrent'] })));
  const list = await sb.json('kms', 'ListSecretVersionIds', '--SecretName', 'db', '--IncludeDeprecated', 'true');
  expect(list.TotalCount).toBe(2);
  const other = await sb.run('kms', 'PutSecretValue', '--SecretName', 'db', '--VersionId', 'v1', '--SecretData', 'different');
  expect([other.code, other.stderr.split('\n')[1]]).toEqual([1, 'ErrorCode: Rejected.ResourceExist']);
});
