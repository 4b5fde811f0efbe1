// Versions and stage labels of generic secrets through the built binary (kms-secrets-api.md §3, §9, §10).
import { normalize, Sandbox, type RunResult, serverError, ok } from './helpers.js';

let sb: Sandbox;
beforeEach(() => (sb = new Sandbox()));
afterEach(() => sb.cleanup());

async function kms(...args: string[]): Promise<RunResult> {
  const r = await sb.run('kms', ...args);
  return { code: r.code, stdout: normalize(r.stdout), stderr: normalize(r.stderr) };
}



/** The version ids of a secret, newest first, with their labels. */
async function versions(name: string): Promise<string[]> {
  const out = await sb.json('kms', 'ListSecretVersionIds', '--SecretName', name, '--IncludeDeprecated', 'true', '--PageSize', '100');
  return out.VersionIds.VersionId.map((v: any) => [v.VersionId, ...(v.VersionStages?.VersionStage ?? [])].join(':'));
}

async function create(name = 'db', data = 'pw-1', id = 'v1') {
  const r = await kms('CreateSecret', '--SecretName', name, '--VersionId', id, '--SecretData', data);
  expect(r.code).toBe(0);
}

test('rollback: put v2, read ACSPrevious = v1, move ACSCurrent back to v1, read current = v1', async () => {
  await create();
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'pw-2')).toEqual(
    ok('{\n\t"RequestId": "<uuid>",\n\t"SecretName": "db",\n\t"VersionId": "v2",\n\t"VersionStages": {\n\t\t"VersionStage": [\n\t\t\t"ACSCurrent"\n\t\t]\n\t}\n}\n'),
  );
  const previous = (stage: string, id: string, data: string) =>
    ok(
      `{\n\t"CreateTime": "<time>",\n\t"RequestId": "<uuid>",\n\t"SecretData": "${data}",\n\t"SecretDataType": "text",\n\t"SecretName": "db",\n\t"SecretType": "Generic",\n\t"VersionId": "${id}",\n\t"VersionStages": {\n\t\t"VersionStage": [\n\t\t\t"${stage}"\n\t\t]\n\t}\n}\n`,
    );
  expect(await kms('GetSecretValue', '--SecretName', 'db', '--VersionStage', 'ACSPrevious')).toEqual(previous('ACSPrevious', 'v1', 'pw-1'));
  expect(await kms('GetSecretValue', '--SecretName', 'db')).toEqual(previous('ACSCurrent', 'v2', 'pw-2'));

  expect(await kms('UpdateSecretVersionStage', '--SecretName', 'db', '--VersionStage', 'ACSCurrent', '--MoveToVersion', 'v1')).toEqual(
    ok('{\n\t"RequestId": "<uuid>",\n\t"SecretName": "db"\n}\n'),
  );
  expect(await kms('GetSecretValue', '--SecretName', 'db')).toEqual(previous('ACSCurrent', 'v1', 'pw-1'));
  // The bad version keeps ACSPrevious, so it can be inspected or rolled forward again.
  expect(await kms('GetSecretValue', '--SecretName', 'db', '--VersionStage', 'ACSPrevious')).toEqual(previous('ACSPrevious', 'v2', 'pw-2'));
  expect(await kms('ListSecretVersionIds', '--SecretName', 'db')).toEqual(
    ok(
      '{\n\t"PageNumber": 1,\n\t"PageSize": 20,\n\t"RequestId": "<uuid>",\n\t"SecretName": "db",\n\t"TotalCount": 2,\n\t"VersionIds": {\n\t\t"VersionId": [\n' +
        '\t\t\t{\n\t\t\t\t"CreateTime": "<time>",\n\t\t\t\t"VersionId": "v2",\n\t\t\t\t"VersionStages": {\n\t\t\t\t\t"VersionStage": [\n\t\t\t\t\t\t"ACSPrevious"\n\t\t\t\t\t]\n\t\t\t\t}\n\t\t\t},\n' +
        '\t\t\t{\n\t\t\t\t"CreateTime": "<time>",\n\t\t\t\t"VersionId": "v1",\n\t\t\t\t"VersionStages": {\n\t\t\t\t\t"VersionStage": [\n\t\t\t\t\t\t"ACSCurrent"\n\t\t\t\t\t]\n\t\t\t\t}\n\t\t\t}\n' +
        '\t\t]\n\t}\n}\n',
    ),
  );
});

test('a third put takes ACSPrevious from v1, which becomes an unlabelled (deprecated) version', async () => {
  await create();
  await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'pw-2');
  await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v3', '--SecretData', 'pw-3');
  expect(await versions('db')).toEqual(['v3:ACSCurrent', 'v2:ACSPrevious', 'v1']);
  const listed = await sb.json('kms', 'ListSecretVersionIds', '--SecretName', 'db');
  expect(listed.TotalCount).toBe(2);
  expect(listed.VersionIds.VersionId.map((v: any) => v.VersionId)).toEqual(['v3', 'v2']);
  // A deprecated version is still readable by id, with no labels.
  const v1 = await sb.json('kms', 'GetSecretValue', '--SecretName', 'db', '--VersionId', 'v1');
  expect([v1.SecretData, v1.VersionStages]).toEqual(['pw-1', { VersionStage: [] }]);
});

test('the eleventh and twelfth versions evict the oldest unlabelled versions, never a labelled one', async () => {
  await create('plain');
  await create('kept');
  // A custom label protects v1 of "kept" from rolling deletion.
  expect((await kms('UpdateSecretVersionStage', '--SecretName', 'kept', '--VersionStage', 'keep', '--MoveToVersion', 'v1')).code).toBe(0);
  for (let i = 2; i <= 10; i++) {
    for (const name of ['plain', 'kept']) expect((await kms('PutSecretValue', '--SecretName', name, '--VersionId', `v${i}`, '--SecretData', `pw-${i}`)).code).toBe(0);
  }
  expect(await versions('plain')).toEqual(['v10:ACSCurrent', 'v9:ACSPrevious', 'v8', 'v7', 'v6', 'v5', 'v4', 'v3', 'v2', 'v1']);
  for (const name of ['plain', 'kept']) await kms('PutSecretValue', '--SecretName', name, '--VersionId', 'v11', '--SecretData', 'pw-11');
  expect(await versions('plain')).toEqual(['v11:ACSCurrent', 'v10:ACSPrevious', 'v9', 'v8', 'v7', 'v6', 'v5', 'v4', 'v3', 'v2']);
  for (const name of ['plain', 'kept']) await kms('PutSecretValue', '--SecretName', name, '--VersionId', 'v12', '--SecretData', 'pw-12');
  expect(await versions('plain')).toEqual(['v12:ACSCurrent', 'v11:ACSPrevious', 'v10', 'v9', 'v8', 'v7', 'v6', 'v5', 'v4', 'v3']);
  expect(await versions('kept')).toEqual(['v12:ACSCurrent', 'v11:ACSPrevious', 'v10', 'v9', 'v8', 'v7', 'v6', 'v5', 'v4', 'v1:keep']);
  expect(await kms('GetSecretValue', '--SecretName', 'plain', '--VersionId', 'v2')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found.'));
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'kept', '--VersionStage', 'keep')).SecretData).toBe('pw-1');
  // An evicted id is free again: writing it creates a new version.
  expect((await kms('PutSecretValue', '--SecretName', 'plain', '--VersionId', 'v1', '--SecretData', 'again', '--VersionStages', '["again"]')).code).toBe(0);
  expect((await versions('plain'))[0]).toBe('v1:again');
});

test('VersionStages gives the new version exactly those labels; other labels stay where they are', async () => {
  await create();
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'pw-2', '--VersionStages', '["MyPendingLabel"]')).toEqual(
    ok('{\n\t"RequestId": "<uuid>",\n\t"SecretName": "db",\n\t"VersionId": "v2",\n\t"VersionStages": {\n\t\t"VersionStage": [\n\t\t\t"MyPendingLabel"\n\t\t]\n\t}\n}\n'),
  );
  expect(await versions('db')).toEqual(['v2:MyPendingLabel', 'v1:ACSCurrent']);
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'db')).VersionId).toBe('v1');
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'db', '--VersionStage', 'MyPendingLabel')).SecretData).toBe('pw-2');

  // Naming ACSCurrent moves it and leaves ACSPrevious on the old current; a label marks one version.
  const r = await sb.json('kms', 'PutSecretValue', '--SecretName', 'db', '--VersionId', 'v3', '--SecretData', 'pw-3', '--VersionStages', '["MyPendingLabel","ACSCurrent"]');
  expect(r.VersionStages).toEqual({ VersionStage: ['ACSCurrent', 'MyPendingLabel'] });
  expect(await versions('db')).toEqual(['v3:ACSCurrent:MyPendingLabel', 'v2', 'v1:ACSPrevious']);

  // The 2020 form of the parameter is understood too.
  await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v4', '--SecretData', 'pw-4', '--VersionStages', '{"VersionStage":["ACSCurrent"]}');
  expect(await versions('db')).toEqual(['v4:ACSCurrent', 'v3:ACSPrevious:MyPendingLabel', 'v2', 'v1']);

  // Both built-ins named: the new version keeps both, the old current keeps none.
  await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v5', '--SecretData', 'pw-5', '--VersionStages', '["ACSPrevious","ACSCurrent"]');
  expect(await versions('db')).toEqual(['v5:ACSCurrent:ACSPrevious', 'v4', 'v3:MyPendingLabel', 'v2', 'v1']);

  // An empty list: the new version carries no label at all (a deprecated version from the start).
  const none = await sb.json('kms', 'PutSecretValue', '--SecretName', 'db', '--VersionId', 'v6', '--SecretData', 'pw-6', '--VersionStages', '[]');
  expect(none.VersionStages).toEqual({ VersionStage: [] });
  expect((await versions('db'))[0]).toBe('v6');

  for (const bad of ['ACSCurrent', '[1]', '[""]', 'not json'])
    expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'x', '--SecretData', 'x', '--VersionStages', bad)).toEqual(
      serverError('InvalidParameter', 'some of the specified parameters "\\" is not valid'),
    );
});

test('GetSecretValue by VersionId, by any label, and both (which must name the same version)', async () => {
  await create();
  await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'pw-2', '--VersionStages', '["blue"]');
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--VersionStage', 'blue')).SecretData).toBe('pw-2');
  expect(await kms('GetSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--VersionStage', 'ACSCurrent')).toEqual(
    serverError('InvalidParameter', 'The specified parameter is not valid.'),
  );
  expect(await kms('GetSecretValue', '--SecretName', 'db', '--VersionStage', 'green')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found.'));
  expect(await kms('GetSecretValue', '--SecretName', 'db', '--VersionId', 'v9')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found.'));
});

test('same VersionId with the same data is a silent success; with other data it is refused', async () => {
  await create();
  await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'pw-2');
  await kms('UpdateSecretVersionStage', '--SecretName', 'db', '--VersionStage', 'ACSCurrent', '--MoveToVersion', 'v1');
  const before = await versions('db');
  // The replay reports the version as it is now and moves nothing (§3.4), whatever it asks for.
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'pw-2', '--VersionStages', '["ACSCurrent"]')).toEqual(
    ok('{\n\t"RequestId": "<uuid>",\n\t"SecretName": "db",\n\t"VersionId": "v2",\n\t"VersionStages": {\n\t\t"VersionStage": [\n\t\t\t"ACSPrevious"\n\t\t]\n\t}\n}\n'),
  );
  expect(await versions('db')).toEqual(before);
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'other')).toEqual(
    serverError('Rejected.ResourceExist', 'The request was rejected becasue key already exsit'),
  );
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v1', '--SecretData', 'pw-1 ')).toEqual(
    serverError('Rejected.ResourceExist', 'The request was rejected becasue key already exsit'),
  );
  expect(await versions('db')).toEqual(before);
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'db', '--VersionId', 'v2')).SecretData).toBe('pw-2');
});

test('binary values are stored and returned verbatim with their type', async () => {
  await create();
  const r = await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'AAEC/w==', '--SecretDataType', 'binary');
  expect(r.code).toBe(0);
  const v = await sb.json('kms', 'GetSecretValue', '--SecretName', 'db');
  expect([v.SecretData, v.SecretDataType]).toEqual(['AAEC/w==', 'binary']);
  expect((await sb.json('kms', 'GetSecretValue', '--SecretName', 'db', '--VersionStage', 'ACSPrevious')).SecretDataType).toBe('text');
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v3', '--SecretData', 'x', '--SecretDataType', 'hex')).toEqual(
    serverError('InvalidParameter', 'some of the specified parameters "\\" is not valid'),
  );
});

test('at most 8 labels per secret, through PutSecretValue and UpdateSecretVersionStage', async () => {
  await create();
  await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'pw-2', '--VersionStages', '["ACSCurrent","l1","l2","l3"]');
  for (const l of ['l4', 'l5', 'l6']) expect((await kms('UpdateSecretVersionStage', '--SecretName', 'db', '--VersionStage', l, '--MoveToVersion', 'v1')).code).toBe(0);
  expect(await versions('db')).toEqual(['v2:ACSCurrent:l1:l2:l3', 'v1:ACSPrevious:l4:l5:l6']);
  const limit = serverError('Rejected.LimitExceeded', 'exceed secret limits error');
  expect(await kms('UpdateSecretVersionStage', '--SecretName', 'db', '--VersionStage', 'l7', '--MoveToVersion', 'v1')).toEqual(limit);
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v3', '--SecretData', 'pw-3', '--VersionStages', '["l7"]')).toEqual(limit);
  // Nothing was written by the refused put.
  expect(await kms('GetSecretValue', '--SecretName', 'db', '--VersionId', 'v3')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found.'));
  // Moving a label that exists does not count as a new one; neither does the default put.
  expect((await kms('UpdateSecretVersionStage', '--SecretName', 'db', '--VersionStage', 'l1', '--MoveToVersion', 'v1')).code).toBe(0);
  expect((await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v3', '--SecretData', 'pw-3', '--VersionStages', '["l2","l3"]')).code).toBe(0);
  expect(await versions('db')).toEqual(['v3:l2:l3', 'v2:ACSCurrent', 'v1:ACSPrevious:l4:l5:l6:l1']);
});

test('the ACSPrevious that a moving ACSCurrent leaves behind counts toward the 8 labels', async () => {
  await create();
  const limit = serverError('Rejected.LimitExceeded', 'exceed secret limits error');
  // ACSCurrent and seven labels of our own are eight, but v1 would keep ACSPrevious: nine, refused.
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'pw-2', '--VersionStages', '["ACSCurrent","L1","L2","L3","L4","L5","L6","L7"]')).toEqual(limit);
  expect(await versions('db')).toEqual(['v1:ACSCurrent']);
  const s2 = 'db2';
  await kms('CreateSecret', '--SecretName', s2, '--VersionId', 'v1', '--SecretData', 'one');
  await kms('PutSecretValue', '--SecretName', s2, '--VersionId', 'v2', '--SecretData', 'two', '--VersionStages', '["L1","L2","L3","L4","L5","L6","L7"]');
  expect(await versions(s2)).toEqual(['v2:L1:L2:L3:L4:L5:L6:L7', 'v1:ACSCurrent']);
  // Moving ACSCurrent to v2 would give v1 ACSPrevious: a ninth label, refused, nothing changed.
  expect(await kms('UpdateSecretVersionStage', '--SecretName', s2, '--VersionStage', 'ACSCurrent', '--MoveToVersion', 'v2')).toEqual(limit);
  expect(await kms('PutSecretValue', '--SecretName', s2, '--VersionId', 'v3', '--SecretData', 'three')).toEqual(limit);
  expect(await versions(s2)).toEqual(['v2:L1:L2:L3:L4:L5:L6:L7', 'v1:ACSCurrent']);
});

test('UpdateSecretVersionStage: move, remove, move between versions and every refusal', async () => {
  await create();
  await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'pw-2');
  await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v3', '--SecretData', 'pw-3', '--VersionStages', '["blue"]');
  const stage = (...a: string[]) => kms('UpdateSecretVersionStage', '--SecretName', 'db', ...a);
  const mismatch = serverError('Rejected.InvalidRequest', 'param mismatch');

  // Built-in labels can only be moved.
  expect(await stage('--VersionStage', 'ACSCurrent', '--RemoveFromVersion', 'v2')).toEqual(mismatch);
  expect(await stage('--VersionStage', 'ACSPrevious', '--RemoveFromVersion', 'v1')).toEqual(mismatch);
  // RemoveFromVersion must hold the label.
  expect(await stage('--VersionStage', 'blue', '--RemoveFromVersion', 'v2')).toEqual(mismatch);
  expect(await stage('--VersionStage', 'blue', '--RemoveFromVersion', 'v1', '--MoveToVersion', 'v2')).toEqual(mismatch);
  expect(await stage('--VersionStage', 'blue', '--MoveToVersion', 'v9')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found'));
  expect(await stage('--VersionStage', 'blue', '--RemoveFromVersion', 'v9')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found'));
  expect(await stage('--VersionStage', 'blue')).toEqual(serverError('MissingParameter', 'The parameter "MoveToVersion" is needed but not provided.'));
  expect(await versions('db')).toEqual(['v3:blue', 'v2:ACSCurrent', 'v1:ACSPrevious']);

  expect((await stage('--VersionStage', 'blue', '--RemoveFromVersion', 'v3', '--MoveToVersion', 'v1')).code).toBe(0);
  expect(await versions('db')).toEqual(['v3', 'v2:ACSCurrent', 'v1:ACSPrevious:blue']);
  expect((await stage('--VersionStage', 'blue', '--RemoveFromVersion', 'v1')).code).toBe(0);
  expect(await versions('db')).toEqual(['v3', 'v2:ACSCurrent', 'v1:ACSPrevious']);
  // ACSPrevious moved on its own; ACSCurrent moved with an explicit RemoveFromVersion.
  expect((await stage('--VersionStage', 'ACSPrevious', '--MoveToVersion', 'v3')).code).toBe(0);
  expect(await versions('db')).toEqual(['v3:ACSPrevious', 'v2:ACSCurrent', 'v1']);
  expect((await stage('--VersionStage', 'ACSCurrent', '--RemoveFromVersion', 'v2', '--MoveToVersion', 'v3')).code).toBe(0);
  expect(await versions('db')).toEqual(['v3:ACSCurrent', 'v2:ACSPrevious', 'v1']);
  // Moving a label onto the version that holds it changes nothing.
  expect((await stage('--VersionStage', 'ACSCurrent', '--MoveToVersion', 'v3')).code).toBe(0);
  expect(await versions('db')).toEqual(['v3:ACSCurrent', 'v2:ACSPrevious', 'v1']);
  expect(await kms('UpdateSecretVersionStage', '--SecretName', 'nope', '--VersionStage', 'x', '--MoveToVersion', 'v1')).toEqual(
    serverError('Forbidden.ResourceNotFound', 'Resource not found'),
  );
});

test('ListSecretVersionIds pages newest first and hides unlabelled versions unless IncludeDeprecated', async () => {
  await create();
  for (const id of ['v2', 'v3', 'v4']) await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', id, '--SecretData', id);
  const p2 = await kms('ListSecretVersionIds', '--SecretName', 'db', '--IncludeDeprecated', 'true', '--PageSize', '1', '--PageNumber', '3');
  expect(p2).toEqual(
    ok(
      '{\n\t"PageNumber": 3,\n\t"PageSize": 1,\n\t"RequestId": "<uuid>",\n\t"SecretName": "db",\n\t"TotalCount": 4,\n\t"VersionIds": {\n\t\t"VersionId": [\n' +
        '\t\t\t{\n\t\t\t\t"CreateTime": "<time>",\n\t\t\t\t"VersionId": "v2"\n\t\t\t}\n\t\t]\n\t}\n}\n',
    ),
  );
  const labelled = await sb.json('kms', 'ListSecretVersionIds', '--SecretName', 'db', '--PageSize', '1', '--PageNumber', '2');
  expect([labelled.TotalCount, labelled.VersionIds.VersionId.map((v: any) => v.VersionId)]).toEqual([2, ['v3']]);
  const beyond = await sb.json('kms', 'ListSecretVersionIds', '--SecretName', 'db', '--PageNumber', '5');
  expect(beyond.VersionIds).toEqual({ VersionId: [] });
  for (const bad of [['--PageSize', '0'], ['--PageSize', '101'], ['--PageNumber', 'x'], ['--IncludeDeprecated', 'yes']])
    expect(await kms('ListSecretVersionIds', '--SecretName', 'db', ...bad)).toEqual(serverError('InvalidParameter', 'The specified parameter is not valid.'));
  expect(await kms('ListSecretVersionIds', '--SecretName', 'nope')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found'));
});

test('a secret pending deletion refuses writes but lists its versions; restored, it takes writes again', async () => {
  await create();
  expect((await kms('DeleteSecret', '--SecretName', 'db')).code).toBe(0);
  const inWindow = serverError('Rejected.ResourceInDeleteWindow', 'secret in delete peroid');
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'x')).toEqual(inWindow);
  expect(await kms('UpdateSecretVersionStage', '--SecretName', 'db', '--VersionStage', 'x', '--MoveToVersion', 'v1')).toEqual(inWindow);
  expect(await kms('UpdateSecret', '--SecretName', 'db', '--Description', 'x')).toEqual(inWindow);
  expect(await kms('GetSecretValue', '--SecretName', 'db')).toEqual(inWindow);
  expect(await versions('db')).toEqual(['v1:ACSCurrent']);
  expect((await kms('RestoreSecret', '--SecretName', 'db')).code).toBe(0);
  expect((await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v2', '--SecretData', 'x')).code).toBe(0);
});

test('PutSecretValue and friends accept the secret ARN and refuse unknown secrets', async () => {
  await create();
  const arn = (await sb.json('kms', 'DescribeSecret', '--SecretName', 'db')).Arn;
  const r = await sb.json('kms', 'PutSecretValue', '--SecretName', arn, '--VersionId', 'v2', '--SecretData', 'x');
  expect(r.SecretName).toBe('db');
  expect((await sb.json('kms', 'ListSecretVersionIds', '--SecretName', arn)).SecretName).toBe('db');
  expect(await kms('PutSecretValue', '--SecretName', 'nope', '--VersionId', 'v2', '--SecretData', 'x')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found'));
  expect(await kms('PutSecretValue', '--SecretName', 'db', '--VersionId', 'v 2', '--SecretData', 'x')).toEqual(
    serverError('InvalidParameter', 'some of the specified parameters "\\" is not valid'),
  );
});

test('UpdateSecret changes the description and UpdateTime; custom data is for managed secrets only', async () => {
  await sb.runWith({ ALIYUN_KMS_LOCAL_TIME_OFFSET: '-3600' }, 'kms', 'CreateSecret', '--SecretName', 'db', '--VersionId', 'v1', '--SecretData', 'x', '--Description', 'old');
  expect(await kms('UpdateSecret', '--SecretName', 'db', '--Description', 'new text')).toEqual(ok('{\n\t"RequestId": "<uuid>",\n\t"SecretName": "db"\n}\n'));
  const d = await sb.json('kms', 'DescribeSecret', '--SecretName', 'db');
  expect(d.Description).toBe('new text');
  expect(Date.parse(d.UpdateTime) - Date.parse(d.CreateTime)).toBeGreaterThanOrEqual(3600_000);
  expect(await kms('UpdateSecret', '--SecretName', 'db', '--ExtendedConfig.CustomData', '{"k":"v"}')).toEqual(
    serverError('InvalidParameter', 'The specified parameter is not valid.'),
  );
  expect(await kms('UpdateSecret', '--SecretName', 'nope', '--Description', 'x')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found'));
  // An empty description is a description: it clears the old one.
  expect((await kms('UpdateSecret', '--SecretName', 'db', '--Description', '')).code).toBe(0);
  expect((await sb.json('kms', 'DescribeSecret', '--SecretName', 'db')).Description).toBe('');
});
