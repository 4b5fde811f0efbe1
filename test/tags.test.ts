// Tags through the built binary (kms-secrets-api.md §11.4, §11.5, FetchTags of §5 and §7).
import { normalize, Sandbox, type RunResult, serverError, ok } from './helpers.js';

let sb: Sandbox;
beforeEach(() => (sb = new Sandbox()));
afterEach(() => sb.cleanup());

async function kms(...args: string[]): Promise<RunResult> {
  const r = await sb.run('kms', ...args);
  return { code: r.code, stdout: normalize(r.stdout), stderr: normalize(r.stderr) };
}

const EMPTY = ok('{\n\t"RequestId": "<uuid>"\n}\n');

const INVALID = serverError('InvalidParameter', 'The specified parameter is not valid.');

async function create(name: string, ...extra: string[]) {
  expect((await kms('CreateSecret', '--SecretName', name, '--VersionId', 'v1', '--SecretData', 'x', ...extra)).code).toBe(0);
}

async function tagsOf(name: string): Promise<string[]> {
  const d = await sb.json('kms', 'DescribeSecret', '--SecretName', name, '--FetchTags', 'true');
  return (d.Tags?.Tag ?? []).map((t: any) => `${t.TagKey}=${t.TagValue}`);
}

const tagRow = (id: string, key: string, value: string, type = 'secret') =>
  `\t\t\t{\n\t\t\t\t"ResourceId": "${id}",\n\t\t\t\t"ResourceType": "${type}",\n\t\t\t\t"TagKey": "${key}",\n\t\t\t\t"TagValue": "${value}"\n\t\t\t}`;
const tagList = (rows: string[], next = '') =>
  ok(`{\n\t"NextToken": "${next}",\n\t"RequestId": "<uuid>",\n\t"TagResources": {\n\t\t"TagResource": [\n${rows.join(',\n')}\n\t\t]\n\t}\n}\n`);

test('TagResource adds or overwrites, UntagResource removes; FetchTags shows them in Describe and List', async () => {
  await create('db');
  // No tags: FetchTags prints no Tags field.
  expect((await sb.json('kms', 'DescribeSecret', '--SecretName', 'db', '--FetchTags', 'true')).Tags).toBeUndefined();
  expect(await kms('TagResource', '--SecretName', 'db', '--Tags', '[{"TagKey":"env","TagValue":"dev"},{"TagKey":"team","TagValue":"db"}]')).toEqual(EMPTY);
  expect(await kms('TagResource', '--SecretName', 'db', '--Tags', '[{"TagKey":"env","TagValue":"prod"}]')).toEqual(EMPTY);
  expect(await kms('DescribeSecret', '--SecretName', 'db', '--FetchTags', 'true')).toEqual(
    ok(
      '{\n\t"Arn": "acs:kms:cn-hangzhou:' +
        (await sb.json('kms', 'DescribeSecret', '--SecretName', 'db')).Arn.split(':')[3] +
        ':secret/db",\n\t"CreateTime": "<time>",\n\t"Description": "",\n\t"RequestId": "<uuid>",\n\t"SecretName": "db",\n\t"SecretType": "Generic",\n' +
        '\t"Tags": {\n\t\t"Tag": [\n\t\t\t{\n\t\t\t\t"TagKey": "env",\n\t\t\t\t"TagValue": "prod"\n\t\t\t},\n\t\t\t{\n\t\t\t\t"TagKey": "team",\n\t\t\t\t"TagValue": "db"\n\t\t\t}\n\t\t]\n\t},\n' +
        '\t"UpdateTime": "<time>"\n}\n',
    ),
  );
  expect((await sb.json('kms', 'DescribeSecret', '--SecretName', 'db')).Tags).toBeUndefined();
  const listed = await sb.json('kms', 'ListSecrets', '--FetchTags', 'true');
  expect(listed.SecretList.Secret[0].Tags).toEqual({ Tag: [{ TagKey: 'env', TagValue: 'prod' }, { TagKey: 'team', TagValue: 'db' }] });
  expect((await sb.json('kms', 'ListSecrets')).SecretList.Secret[0].Tags).toBeUndefined();
  // Filters see the new tags.
  const byTag = await sb.json('kms', 'ListSecrets', '--Filters', '[{"Key":"TagValue","Values":["prod"]}]');
  expect(byTag.TotalCount).toBe(1);

  expect(await kms('UntagResource', '--SecretName', 'db', '--TagKeys', '["env","absent"]')).toEqual(EMPTY);
  expect(await tagsOf('db')).toEqual(['team=db']);
});

test('TagResource and UntagResource refusals', async () => {
  await create('db');
  const tag = (...a: string[]) => kms('TagResource', ...a);
  expect(await tag('--Tags', '[{"TagKey":"k","TagValue":"v"}]')).toEqual(INVALID);
  expect(await tag('--SecretName', 'db', '--KeyId', 'key-x', '--Tags', '[{"TagKey":"k","TagValue":"v"}]')).toEqual(INVALID);
  for (const bad of ['[]', '{"TagKey":"k"}', '[{"TagKey":"aliyun-x","TagValue":"v"}]', '[{"TagKey":"acs:x","TagValue":"v"}]', '[{"TagKey":"a b","TagValue":"v"}]', '[{"TagKey":"k","TagValue":"v"},{"TagKey":"k","TagValue":"w"}]', 'x'])
    expect(await tag('--SecretName', 'db', '--Tags', bad)).toEqual(INVALID);
  // At most 20 tags on a secret, counting the ones it has.
  const many = (from: number, n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ TagKey: `k${from + i}`, TagValue: 'v' })));
  expect(await tag('--SecretName', 'db', '--Tags', many(0, 15))).toEqual(EMPTY);
  expect(await tag('--SecretName', 'db', '--Tags', many(15, 6))).toEqual(INVALID);
  expect(await tag('--SecretName', 'db', '--Tags', many(10, 10))).toEqual(EMPTY);
  expect((await tagsOf('db')).length).toBe(20);
  expect(await tag('--SecretName', 'nope', '--Tags', many(0, 1))).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found'));
  expect(await tag('--KeyId', 'key-nope', '--Tags', many(0, 1))).toEqual(serverError('Forbidden.KeyNotFound', 'The specified Key is not found.'));
  expect(await kms('UntagResource', '--SecretName', 'db', '--TagKeys', '[]')).toEqual(INVALID);
  expect(await kms('UntagResource', '--SecretName', 'nope', '--TagKeys', '["k"]')).toEqual(serverError('Forbidden.ResourceNotFound', 'Resource not found'));
  // Pending deletion: tags can be read but not changed.
  await kms('DeleteSecret', '--SecretName', 'db');
  const inWindow = serverError('Rejected.ResourceInDeleteWindow', 'secret in delete peroid');
  expect(await tag('--SecretName', 'db', '--Tags', many(0, 1))).toEqual(inWindow);
  expect(await kms('UntagResource', '--SecretName', 'db', '--TagKeys', '["k0"]')).toEqual(inWindow);
  expect(await kms('TagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--Tag.1.Key', 'a')).toEqual(inWindow);
  expect((await sb.json('kms', 'ListTagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db')).TagResources.TagResource).toHaveLength(20);
});

test('TagResources / ListTagResources / UntagResources with ResourceId.N and Tag.N.Key flattening', async () => {
  await create('app');
  await create('db', '--Tags', '[{"TagKey":"old","TagValue":"1"}]');
  expect(await kms('TagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--ResourceId.2', 'app', '--Tag.1.Key', 'env', '--Tag.1.Value', 'prod', '--Tag.2.Key', 'team')).toEqual(EMPTY);
  expect(await kms('ListTagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--ResourceId.2', 'app')).toEqual(
    tagList([tagRow('db', 'old', '1'), tagRow('db', 'env', 'prod'), tagRow('db', 'team', ''), tagRow('app', 'env', 'prod'), tagRow('app', 'team', '')]),
  );
  // Without ResourceId: every secret of the region, by name; Tag.N selects resources carrying all of them.
  expect(await kms('ListTagResources', '--ResourceType', 'secret', '--Tag.1.Key', 'old')).toEqual(tagList([tagRow('db', 'old', '1'), tagRow('db', 'env', 'prod'), tagRow('db', 'team', '')]));
  expect(await kms('ListTagResources', '--ResourceType', 'secret', '--Tag.1.Key', 'env', '--Tag.1.Value', 'prod', '--Tag.2.Key', 'team')).toEqual(
    tagList([tagRow('app', 'env', 'prod'), tagRow('app', 'team', ''), tagRow('db', 'old', '1'), tagRow('db', 'env', 'prod'), tagRow('db', 'team', '')]),
  );
  expect((await sb.json('kms', 'ListTagResources', '--ResourceType', 'secret', '--Tag.1.Key', 'env', '--Tag.1.Value', 'dev')).TagResources).toEqual({ TagResource: [] });

  expect(await kms('UntagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--ResourceId.2', 'app', '--TagKey.1', 'team', '--TagKey.2', 'nothere')).toEqual(EMPTY);
  expect([await tagsOf('db'), await tagsOf('app')]).toEqual([['old=1', 'env=prod'], ['env=prod']]);
  // Neither TagKey nor All: nothing removed. All=true: every tag removed.
  expect(await kms('UntagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db')).toEqual(EMPTY);
  expect(await tagsOf('db')).toEqual(['old=1', 'env=prod']);
  expect(await kms('UntagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--All', 'true')).toEqual(EMPTY);
  expect(await tagsOf('db')).toEqual([]);
});

test('batch refusals change nothing', async () => {
  await create('db');
  const notFound = serverError('InvalidResourceId.NotFound', 'The specified ResourceId is not found.');
  expect(await kms('TagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--ResourceId.2', 'nope', '--Tag.1.Key', 'k')).toEqual(notFound);
  expect(await tagsOf('db')).toEqual([]);
  expect(await kms('UntagResources', '--ResourceType', 'secret', '--ResourceId.1', 'nope', '--All', 'true')).toEqual(notFound);
  expect(await kms('ListTagResources', '--ResourceType', 'secret', '--ResourceId.1', 'nope')).toEqual(notFound);
  expect(await kms('TagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--Tag.1.Key', 'k', '--Tag.2.Key', 'k')).toEqual(
    serverError('Duplicate.TagKey', 'The specified tagKey is duplicate.'),
  );
  expect(await kms('ListTagResources', '--ResourceType', 'secret', '--Tag.1.Key', 'k', '--Tag.2.Key', 'k')).toEqual(serverError('Duplicate.TagKey', 'The specified tagKey is duplicate.'));
  expect(await kms('TagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--Tag.1.Key', 'aliyun:x')).toEqual(serverError('InvalidParameter.TagKey', 'The specified parameter is not valid.'));
  expect(await kms('TagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--Tag.1.Value', 'v')).toEqual(serverError('InvalidParameter.TagKey', 'The specified parameter is not valid.'));
  expect(await kms('TagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', '--Tag.1.Key', 'k', '--Tag.1.Value', 'v w')).toEqual(
    serverError('InvalidParameter.TagValue', 'The specified parameter is not valid.'),
  );
  expect(await kms('TagResources', '--ResourceType', 'instance', '--ResourceId.1', 'db', '--Tag.1.Key', 'k')).toEqual(INVALID);
  const ids = Array.from({ length: 51 }, (_, i) => [`--ResourceId.${i + 1}`, 'db']).flat();
  expect(await kms('TagResources', '--ResourceType', 'secret', ...ids, '--Tag.1.Key', 'k')).toEqual(INVALID);
  const tags = Array.from({ length: 21 }, (_, i) => [`--Tag.${i + 1}.Key`, `k${i}`]).flat();
  expect(await kms('TagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db', ...tags)).toEqual(INVALID);
  expect(await kms('TagResources', '--ResourceType', 'secret', '--ResourceId.1', 'db')).toEqual(serverError('MissingParameter', 'The parameter "Tag" is needed but not provided.'));
  expect(await kms('ListTagResources', '--ResourceType', 'secret', '--NextToken', 'garbage')).toEqual(INVALID);
  expect(await tagsOf('db')).toEqual([]);
});

test('ListTagResources pages by 200 rows with NextToken; keys can be tagged too', async () => {
  const twenty = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ TagKey: `k${String(i).padStart(2, '0')}`, TagValue: 'v' })));
  for (let i = 0; i < 11; i++) await create(`s${String(i).padStart(2, '0')}`, '--Tags', twenty);
  const first = await sb.json('kms', 'ListTagResources', '--ResourceType', 'secret');
  expect(first.TagResources.TagResource).toHaveLength(200);
  expect(first.NextToken).not.toBe('');
  const second = await sb.json('kms', 'ListTagResources', '--ResourceType', 'secret', '--NextToken', first.NextToken);
  expect([second.NextToken, second.TagResources.TagResource.length, second.TagResources.TagResource[0]]).toEqual(['', 20, { ResourceId: 's10', ResourceType: 'secret', TagKey: 'k00', TagValue: 'v' }]);

  const key = (await sb.json('kms', 'CreateKey')).KeyMetadata.KeyId;
  expect(await kms('TagResources', '--ResourceType', 'key', '--ResourceId.1', key, '--Tag.1.Key', 'owner', '--Tag.1.Value', 'me')).toEqual(EMPTY);
  expect(await kms('TagResource', '--KeyId', key, '--Tags', '[{"TagKey":"env","TagValue":"prod"}]')).toEqual(EMPTY);
  expect(await kms('ListTagResources', '--ResourceType', 'key', '--ResourceId.1', key)).toEqual(tagList([tagRow(key, 'owner', 'me', 'key'), tagRow(key, 'env', 'prod', 'key')]));
  expect(await kms('UntagResource', '--KeyId', key, '--TagKeys', '["owner"]')).toEqual(EMPTY);
  expect(await kms('ListTagResources', '--ResourceType', 'key')).toEqual(tagList([tagRow(key, 'env', 'prod', 'key')]));
});
