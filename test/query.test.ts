// --cli-query, --output tables, --pager and --waiter in the real CLI's JMESPath dialect (go-jmespath
// 0.4 as alibabacloud-go/go-jmespath v0.4.0-aliyun runs it), numbers kept as the server wrote them,
// and --cli-dry-run(-json). Bodies come from the fake gateway so that they can carry any number.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run, type RunResult } from './helpers.js';
import { FakeKms } from './fake-kms.js';

const AK = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tTestKeyId', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret-value', ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou' };

let fake: FakeKms;
let home: string;
beforeAll(async () => {
  fake = await new FakeKms().start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'query-home-'));
  fake.requests.length = 0;
  fake.script.length = 0;
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const kms = (args: string[]): Promise<RunResult> => run(['kms', ...args, '--endpoint', fake.endpoint, '--insecure'], cleanEnv({ HOME: home, NO_COLOR: '1', ...AK }));
/** One call answered with `body`, filtered by --cli-query `query`. */
const query = (body: unknown, q: string, ...more: string[]): Promise<RunResult> => {
  fake.script.push({ status: 200, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return kms(['DescribeSecret', '--SecretName', 'x', '--cli-query', q, ...more]);
};
const out = (stdout: string): RunResult => ({ code: 0, stdout, stderr: '' });
const fail = (stderr: string): RunResult => ({ code: 1, stdout: '', stderr: `ERROR: ${stderr}\n` });

// A body whose numbers JavaScript would change: 1.50 → 1.5, the 23-digit integer rounded.
const PRICES = '{"RequestId":"r","Price":1.50,"Big":12345678901234567890123,"Items":[{"n":1.50,"k":"a"},{"n":3,"k":"b"},{"n":0.5,"k":"c"}]}';

describe('--cli-query: the results of openapi/commando_test.go TestApplyQueryFilter', () => {
  // Each case follows a t.Run of TestApplyQueryFilter; ours prints after sortJSON (tab-indented).
  test('fields, nesting, arrays, null, number, boolean, filter, to_entries', async () => {
    expect(await query({ key: 'value' }, 'key')).toEqual(out('"value"\n'));
    expect(await query({ nested: { field: 'value' } }, 'nested.field')).toEqual(out('"value"\n'));
    expect(await query({ items: [{ name: 'item1' }, { name: 'item2' }] }, 'items[*].name')).toEqual(out('[\n\t"item1",\n\t"item2"\n]\n'));
    expect(await query({ instances: [{ instanceId: 'i-xxx', status: 'Running' }] }, 'instances[*].[instanceId,status]')).toEqual(out('[\n\t[\n\t\t"i-xxx",\n\t\t"Running"\n\t]\n]\n'));
    expect(await query({ instances: [{ instanceId: 'i-xxx', instanceName: 'test' }] }, 'instances[*].{id: instanceId, name: instanceName}')).toEqual(out('[\n\t{\n\t\t"id": "i-xxx",\n\t\t"name": "test"\n\t}\n]\n'));
    expect(await query({ key: 'value' }, 'nonexistent')).toEqual(out('null\n'));
    expect(await query({ count: 42 }, 'count')).toEqual(out('42\n'));
    expect(await query({ enabled: true }, 'enabled')).toEqual(out('true\n'));
    expect(await query({ items: [1, 2, 3] }, 'items')).toEqual(out('[\n\t1,\n\t2,\n\t3\n]\n'));
    expect(await query({ data: { items: [{ name: 'first' }, { name: 'second' }] } }, 'data.items[0].name')).toEqual(out('"first"\n'));
    const statuses = { items: [{ name: 'item1', status: 'active' }, { name: 'item2', status: 'inactive' }] };
    expect(await query(statuses, "items[?status=='active'].name")).toEqual(out('[\n\t"item1"\n]\n'));
    // QueryToEntriesWithFilter: the fork's to_entries, entries in key order.
    expect(await query({ items: { status: 'active', name: 'item1' } }, 'to_entries(items)')).toEqual(
      out('[\n\t{\n\t\t"key": "name",\n\t\t"value": "item1"\n\t},\n\t{\n\t\t"key": "status",\n\t\t"value": "active"\n\t}\n]\n'),
    );
  });

  // The cases the fork adds to compliance/functions.json.
  test('to_entries: alibabacloud-go/go-jmespath compliance/functions.json', async () => {
    const given = { foo: -1, objects: { foo: 'bar', bar: 'baz' }, empty_hash: {} };
    expect(await query(given, 'to_entries(objects)')).toEqual(out('[\n\t{\n\t\t"key": "bar",\n\t\t"value": "baz"\n\t},\n\t{\n\t\t"key": "foo",\n\t\t"value": "bar"\n\t}\n]\n'));
    expect(await query(given, 'to_entries(empty_hash)')).toEqual(out('[]\n'));
    expect(await query(given, 'to_entries(foo)')).toEqual(fail('JMESPath query failed: Invalid type for: -1, expected: []jmespath.jpType{"object"}'));
  });

  test('an empty --cli-query filters nothing (QueryFlagEmpty)', async () => {
    expect(await query({ b: 1, a: 'x' }, '')).toEqual(out('{\n\t"a": "x",\n\t"b": 1\n}\n'));
  });
});

describe('--cli-query errors in go-jmespath words, behind "JMESPath query failed: " (openapi/commando.go ApplyQueryFilter), exit 1', () => {
  // Texts from go-jmespath lexer.go / parser.go (SyntaxError.Error() is "SyntaxError: " + msg).
  test('syntax errors', async () => {
    expect(await query({ a: 1 }, 'foo[')).toEqual(fail('JMESPath query failed: SyntaxError: Expected tStar, received: tEOF'));
    expect(await query({ a: 1 }, 'invalid[')).toEqual(fail('JMESPath query failed: SyntaxError: Expected tStar, received: tEOF'));
    expect(await query({ a: 1 }, 'a.')).toEqual(fail('JMESPath query failed: SyntaxError: Expected identifier, lbracket, or lbrace'));
    expect(await query({ a: 1 }, 'a b')).toEqual(fail('JMESPath query failed: SyntaxError: Unexpected token at the end of the expression: tUnquotedIdentifier'));
    expect(await query({ a: 1 }, '"a"(@)')).toEqual(fail("JMESPath query failed: SyntaxError: Can't have quoted identifier as function name."));
    expect(await query({ a: 1 }, "'abc' == `x")).toEqual(fail('JMESPath query failed: SyntaxError: Unclosed delimiter: `'));
  });

  test('JMESPath Community extensions are refused as the real CLI refuses them', async () => {
    // Arithmetic: go-jmespath has no + - * / % // operators.
    expect(await query({ a: 1, b: 2 }, 'a + b')).toEqual(fail("JMESPath query failed: SyntaxError: Unknown char: '+'"));
    expect(await query({ a: 1, b: 2 }, 'a / b')).toEqual(fail("JMESPath query failed: SyntaxError: Unknown char: '/'"));
    expect(await query({ a: 1, b: 2 }, 'a % b')).toEqual(fail("JMESPath query failed: SyntaxError: Unknown char: '%'"));
    expect(await query({ a: 1, b: 2 }, 'a * b')).toEqual(fail('JMESPath query failed: SyntaxError: Unexpected token: tStar'));
    expect(await query({ a: 1, b: 2 }, 'a - b')).toEqual(fail('JMESPath query failed: SyntaxError: Unexpected token at the end of the expression: tNumber'));
    // `let` and variables.
    expect(await query({ a: 1 }, 'let $x = a in $x')).toEqual(fail("JMESPath query failed: SyntaxError: Unknown char: '$'"));
    // Functions only the community dialect has: refused when called (go-jmespath functions.go CallFunction).
    for (const fn of ['items(@)', 'from_items(@)', 'zip(a, a)', 'group_by(a, &b)', 'lower(a)', 'find_first(a, `"1"`)'])
      expect(await query({ a: [] }, fn)).toEqual(fail(`JMESPath query failed: unknown function: ${fn.slice(0, fn.indexOf('('))}`));
    // A ternary is not JMESPath either.
    expect(await query({ a: 1 }, 'a ? `1` : `2`')).toEqual(fail("JMESPath query failed: SyntaxError: Unknown char: '?'"));
  });

  test('function errors (go-jmespath functions.go)', async () => {
    expect(await query({ a: 'x' }, 'abs(a)')).toEqual(fail('JMESPath query failed: Invalid type for: x, expected: []jmespath.jpType{"number"}'));
    expect(await query({ a: 'x' }, 'length(a, a)')).toEqual(fail('JMESPath query failed: incorrect number of args'));
    expect(await query({ a: 'x' }, 'not_null()')).toEqual(fail('JMESPath query failed: invalid arity'));
    expect(await query({ a: [{ b: 1 }, { b: 'x' }] }, 'sort_by(a, &b)')).toEqual(fail('JMESPath query failed: error in sort_by comparison'));
    expect(await query({ a: [1, 2] }, 'a[::0]')).toEqual(fail('JMESPath query failed: Invalid slice, step cannot be 0'));
    // A JSON literal that is not JSON: encoding/json's own words.
    expect(await query({ a: 1 }, '`{a}`')).toEqual(fail("JMESPath query failed: invalid character 'a' looking for beginning of object key string"));
    // json.Marshal of the result refuses NaN (avg of nothing is 0/0).
    expect(await query({ a: [] }, 'avg(a)')).toEqual(fail('failed to marshal query result: json: unsupported value: NaN'));
  });
});

describe('a 2xx body that is not JSON (openapi/commando.go processInvoke)', () => {
  const plain = () => fake.script.push({ status: 200, body: 'plain text', headers: { 'Content-Type': 'text/plain' } });
  test('--cli-query cannot decode it: ApplyQueryFilter\'s error; --quiet prints nothing', async () => {
    plain();
    expect(await kms(['ListSecrets', '--cli-query', 'a'])).toEqual(fail("failed to parse JSON response: invalid character 'p' looking for beginning of value"));
    plain();
    expect(await kms(['ListSecrets', '--quiet'])).toEqual(out(''));
  });
  test('--output wraps it in {"RootFilter":[…]} first (output_filter.go FilterOutput)', async () => {
    fake.script.push({ status: 200, body: 'test', headers: { 'Content-Type': 'text/plain' } });
    // The expectation of output_filter_test.go TestGetOutputFilter for the same body.
    expect(await kms(['ListSecrets', '--output', 'cols=a'])).toEqual(fail("unmarshal output failed invalid character 'e' in literal true (expecting 'r')"));
  });
  test('--pager and --waiter: json.Unmarshal\'s error behind their own prefixes', async () => {
    plain();
    expect(await kms(['ListSecrets', '--pager'])).toEqual(fail("call failed unmarshal invalid character 'p' looking for beginning of value"));
    plain();
    expect(await kms(['ListSecrets', '--waiter', 'expr=a', 'to=b'])).toEqual(fail("unmarshal failed invalid character 'p' looking for beginning of value"));
  });
});

describe('numbers keep the literal the server sent', () => {
  // openapi/commando.go ApplyQueryFilter decodes with UseNumber; json.Number marshals as its text.
  test('--cli-query: a number passed through is printed as it came', async () => {
    expect(await query(PRICES, 'Price')).toEqual(out('1.50\n'));
    expect(await query(PRICES, 'Big')).toEqual(out('12345678901234567890123\n'));
    expect(await query(PRICES, 'Items[?n > `1`].n')).toEqual(out('[\n\t1.50,\n\t3\n]\n'));
    expect(await query(PRICES, 'Items[?n == `1.5`].k')).toEqual(out('[\n\t"a"\n]\n'));
    expect(await query(PRICES, 'max_by(Items, &n).n')).toEqual(out('3\n'));
    expect(await query(PRICES, 'sort_by(Items, &n)[*].n')).toEqual(out('[\n\t0.5,\n\t1.50,\n\t3\n]\n'));
    expect(await query(PRICES, 'to_string(Price)')).toEqual(out('"1.50"\n'));
    expect(await query(PRICES, '{p: Price, b: [Big]}')).toEqual(out('{\n\t"b": [\n\t\t12345678901234567890123\n\t],\n\t"p": 1.50\n}\n'));
    expect(await query(PRICES, 'type(Big)')).toEqual(out('"number"\n'));
  });

  // alibabacloud-go/go-jmespath api_test.go TestJSONNumberIsTreatedAsNumber and
  // TestJSONNumberIdentityPreservesPrecision, through the CLI.
  test('the fork\'s json.Number expectations (api_test.go)', async () => {
    const data = '{"total":300,"id":9007199254740993,"items":[{"n":1},{"n":3},{"n":2}]}';
    const expectations: [string, string][] = [
      ['total', '300'], ['total > `0`', 'true'], ['total == `300`', 'true'], ['type(total)', '"number"'], ['ceil(total)', '300'],
      ['abs(total)', '300'], ['to_number(total)', '300'], ['sum(items[*].n)', '6'], ['max_by(items, &n).n', '3'],
      ['sort_by(items, &n)[0].n', '1'], ['id', '9007199254740993'],
    ];
    for (const [q, want] of expectations) expect([q, await query(data, q)]).toEqual([q, out(want + '\n')]);
  });

  test('== compares two numbers of the response exactly, and a number with a literal by value', async () => {
    const data = '{"a":12345678901234567890123,"b":12345678901234567890124,"c":1.50,"d":1.5,"e":{"x":[1.0]}}';
    expect(await query(data, 'a == b')).toEqual(out('false\n'));
    expect(await query(data, 'c == d')).toEqual(out('true\n'));
    expect(await query(data, 'e == `{"x": [1]}`')).toEqual(out('true\n'));
    expect(await query(data, 'contains([a, c], `1.5`)')).toEqual(out('true\n'));
  });

  test('--cli-query: a number the query computes is a float64 in encoding/json form', async () => {
    expect(await query(PRICES, 'sum(Items[*].n)')).toEqual(out('5\n'));
    expect(await query(PRICES, 'abs(Price)')).toEqual(out('1.5\n'));
    expect(await query(PRICES, 'length(Items)')).toEqual(out('3\n'));
    expect(await query(PRICES, 'to_number(`"1e21"`)')).toEqual(out('1e+21\n'));
    expect(await query(PRICES, 'to_number(`"0.0000001"`)')).toEqual(out('1e-7\n'));
  });

  // openapi/output_filter.go FormatTable: UseNumber, then fmt's %v of each cell.
  test('--output tables print a number as it came; a computed one with %v', async () => {
    fake.script.push({ status: 200, body: PRICES });
    expect(await kms(['DescribeSecret', '--SecretName', 'x', '--output', 'cols=k,n', 'rows=Items[]'])).toEqual(out('k | n\n- | -\na | 1.50\nb | 3\nc | 0.5\n\n'));
    fake.script.push({ status: 200, body: PRICES });
    expect(await kms(['DescribeSecret', '--SecretName', 'x', '--output', 'cols=Big,Price,to_number(`"1234567"`)', 'rows=[@]'])).toEqual(
      out('Big                     | Price | to_number(`"1234567"`)\n---                     | ----- | ----------------------\n12345678901234567890123 | 1.50  | 1.234567e+06\n\n'),
    );
  });

  test('--output after --cli-query sees the query result re-decoded with UseNumber', async () => {
    fake.script.push({ status: 200, body: PRICES });
    expect(await kms(['DescribeSecret', '--SecretName', 'x', '--cli-query', '{rows: Items[*].{k: k, n: n, d: abs(n)}}', '--output', 'cols=k,n,d', 'rows=rows'])).toEqual(
      out('k | n    | d\n- | -    | -\na | 1.50 | 1.5\nb | 3    | 3\nc | 0.5  | 0.5\n\n'),
    );
  });

  // Deliberate deviation: openapi/pager.go json.Unmarshal's each page into float64s; we keep literals.
  test('--pager merges pages without changing a number', async () => {
    fake.script.push(
      { status: 200, body: '{"Res":{"Item":[1.50,12345678901234567890123]},"Next":"t2","RequestId":"a"}' },
      { status: 200, body: '{"Res":{"Item":[3.0]},"Next":"","RequestId":"b"}' },
    );
    const r = await kms(['ListTagResources', '--ResourceType', 'secret', '--pager', 'path=Res.Item[]', 'NextToken=Next']);
    expect(r).toEqual(out('{\n\t"Res": {\n\t\t"Item": [\n\t\t\t1.50,\n\t\t\t12345678901234567890123,\n\t\t\t3.0\n\t\t]\n\t}\n}\n'));
  });
});

describe('--pager path= is a JMESPath (openapi/pager.go mergeCollections, GetResponseCollection)', () => {
  test('a filter in the path; the result is keyed by its last two dotted parts', async () => {
    fake.script.push(
      { status: 200, body: '{"Res":{"Item":[{"n":1.50},{"n":0.5}]},"Next":"t2","RequestId":"a"}' },
      { status: 200, body: '{"Res":{"Item":[{"n":3}]},"Next":"","RequestId":"b"}' },
    );
    const r = await kms(['ListTagResources', '--ResourceType', 'secret', '--pager', 'path=Res.Item[?n > `1`]', 'NextToken=Next']);
    expect(r).toEqual(out('{\n\t"Res": {\n\t\t"Item[?n > `1`]": [\n\t\t\t{\n\t\t\t\t"n": 1.50\n\t\t\t},\n\t\t\t{\n\t\t\t\t"n": 3\n\t\t\t}\n\t\t]\n\t}\n}\n'));
  });
  test('PageNumber=, PageSize=, TotalCount= are JMESPaths too; the parameter sent is their last part (GetPager)', async () => {
    const page = (n: number, items: number[]) => ({ status: 200, body: JSON.stringify({ Data: { PageNumber: n, PageSize: 2, TotalCount: 3, Items: items } }) });
    fake.script.push(page(1, [1, 2]), page(2, [3]));
    const r = await kms(['ListSecrets', '--pager', 'path=Data.Items[]', 'PageNumber=Data.PageNumber', 'PageSize=Data.PageSize', 'TotalCount=Data.TotalCount']);
    expect(r).toEqual(out('{\n\t"Data": {\n\t\t"Items": [\n\t\t\t1,\n\t\t\t2,\n\t\t\t3\n\t\t]\n\t}\n}\n'));
    expect(fake.kmsRequests().map((q) => q.params.PageNumber)).toEqual([undefined, '2']);
    fake.script.push(page(1, [1]));
    expect(await kms(['ListSecrets', '--pager', 'TotalCount=Data.[']))
      .toEqual(fail("call failed jmespath: 'Data.[' failed SyntaxError: Incomplete expression"));
    // pager_test.go TestPager_FeedResponse: an empty expression (page mode: NextToken= empty).
    fake.script.push(page(1, [1]));
    expect(await kms(['ListSecrets', '--pager', 'NextToken=', 'PageSize=']))
      .toEqual(fail("call failed jmespath: '' failed SyntaxError: Incomplete expression"));
  });

  test('a path that does not parse merges nothing, as the real CLI ignores the error', async () => {
    fake.script.push({ status: 200, body: '{"Res":{"Item":[1]},"Next":"","RequestId":"a"}' });
    const r = await kms(['ListTagResources', '--ResourceType', 'secret', '--pager', 'path=Res.Item[', 'NextToken=Next']);
    // Nothing merged: Go's nil slice marshals as null (pager_test.go TestPager_GetResponseCollection).
    expect(r).toEqual(out('{\n\t"Res": {\n\t\t"Item[": null\n\t}\n}\n'));
  });
});

describe('--output tables: openapi/output_filter_test.go expectations', () => {
  const table = (body: unknown, ...flags: string[]) => {
    fake.script.push({ status: 200, body: JSON.stringify(body) });
    return kms(['DescribeSecret', '--SecretName', 'x', '--output', ...flags]);
  };
  test('rows that are not objects print <nil>; num=true numbers them', async () => {
    const v = { User: ['test', 'test'] };
    expect(await table(v, 'cols=name,type,api', 'rows=User')).toEqual(out('name  | type  | api\n----  | ----  | ---\n<nil> | <nil> | <nil>\n<nil> | <nil> | <nil>\n\n'));
    expect(await table(v, 'cols=name,type,api', 'rows=User', 'num=true')).toEqual(out('Num | name  | type  | api\n--- | ----  | ----  | ---\n0   | <nil> | <nil> | <nil>\n1   | <nil> | <nil> | <nil>\n\n'));
  });
  test('array rows are read by index; every column must be name:index', async () => {
    const v = { User: [['test', 'test2'], ['test3', 'test4']] };
    expect(await table(v, 'cols=name:0,type:1', 'rows=User', 'num=true')).toEqual(out('Num | name  | type\n--- | ----  | ----\n0   | test  | test2\n1   | test3 | test4\n\n'));
    expect(await table(v, 'cols=name,type:1', 'rows=User')).toEqual(fail("colNames: name must be string:number format, like 'name:0', 0 is the array index"));
    expect(await table(v, 'cols=a:b:1', 'rows=User')).toEqual(fail("colNames: a:b:1 must be string:number format, like 'name:0', 0 is the array index"));
  });
  test('row path errors', async () => {
    expect(await table({ path: '/User' }, 'cols=a', 'rows=')).toEqual(fail("jmespath: 'RootFilter[0].' failed SyntaxError: Expected identifier, lbracket, or lbrace"));
    expect(await table({ path: '/User' }, 'cols=a', 'rows=/User')).toEqual(fail("jmespath: 'RootFilter[0]./User' failed SyntaxError: Unknown char: '/'"));
    expect(await table({ User: 'test' }, 'cols=a', 'rows=User')).toEqual(fail("jmespath: 'RootFilter[0].User' failed Need Array Expr"));
  });
});

describe('--waiter expr= (openapi/waiter.go, response_utils.go evaluateExpr)', () => {
  test('a bad expression: "jmes search failed" and go-jmespath words', async () => {
    fake.script.push({ status: 200, body: '{"State":"Done"}' });
    expect(await kms(['DescribeSecret', '--SecretName', 'x', '--waiter', 'expr=State[', 'to=Done'])).toEqual(fail('jmes search failed SyntaxError: Expected tStar, received: tEOF'));
  });
  test('a value that is not a string: Go %v of the float64 json.Unmarshal made', async () => {
    fake.script.push({ status: 200, body: '{"State":1.50,"Big":1234567}' });
    expect(await kms(['DescribeSecret', '--SecretName', 'x', '--waiter', 'expr=State', 'to=Done'])).toEqual(fail("object 1.5 isn't string"));
    fake.script.push({ status: 200, body: '{"State":1.50,"Big":1234567}' });
    expect(await kms(['DescribeSecret', '--SecretName', 'x', '--waiter', 'expr=[Big]', 'to=Done'])).toEqual(fail("object [1.234567e+06] isn't string"));
  });
  test('to_entries works in a waiter too', async () => {
    fake.script.push({ status: 200, body: '{"Tags":{"env":"prod"}}' });
    const r = await kms(['DescribeSecret', '--SecretName', 'x', '--waiter', 'expr=to_entries(Tags)[0].value', 'to=prod']);
    expect(r).toEqual(out('{\n\t"Tags": {\n\t\t"env": "prod"\n\t}\n}\n'));
  });
});

describe('--cli-dry-run and --cli-dry-run-json (openapi/cli_dry_run.go)', () => {
  const args = ['CreateSecret', '--SecretName', 'cdr', '--SecretData', 'a<b>&c', '--VersionId', 'v1'];
  test('--cli-dry-run: the human-readable form; nothing sent', async () => {
    expect(await kms([...args, '--cli-dry-run'])).toEqual(
      out(
        '---\nStyle:    RPC\nEndpoint: ' + fake.endpoint + '\nMethod:   POST\nAction:   CreateSecret\nVersion:  2016-01-20\n' +
          'Headers:\n  Accept-Encoding: identity\n  x-sdk-client: golang/1.0.0\n  x-sdk-invoke-type: common\n' +
          'Query:\n  SecretData = a<b>&c\n  SecretName = cdr\n  VersionId = v1\n---\n',
      ),
    );
    expect(fake.kmsRequests()).toHaveLength(0);
  });
  test('--cli-dry-run-json leaves out an empty query (omitempty); credential headers masked (sanitizeHeaders)', async () => {
    const r = await kms(['ListSecrets', '--cli-dry-run-json', '--header', 'Authorization=Bearer-xyz', '--header', 'x-acs-security-token=abc']);
    expect(r).toEqual(
      out(
        `{\n  "style": "RPC",\n  "endpoint": "${fake.endpoint}",\n  "method": "POST",\n  "headers": {\n    "Accept-Encoding": "identity",\n    "Authorization": "Bear***",\n    "x-acs-security-token": "***",\n    "x-sdk-client": "golang/1.0.0",\n    "x-sdk-invoke-type": "common"\n  },\n  "action": "ListSecrets",\n  "version": "2016-01-20"\n}\n`,
      ),
    );
    expect(fake.kmsRequests()).toHaveLength(0);
  });
  test('the caller context of the environment joins the query (openapi/call_context.go applyCallContextRPC)', async () => {
    const env = cleanEnv({ HOME: home, NO_COLOR: '1', ...AK, ALIBABA_CLOUD_SOURCE_IP: ' 10.0.0.1 ', ALIBABA_CLOUD_SECURE_TRANSPORT: 'true' });
    const r = await run(['kms', 'ListSecrets', '--PageSize', '5', '--cli-dry-run', '--endpoint', fake.endpoint], env);
    expect([r.stderr, r.stdout.slice(r.stdout.indexOf('Query:'))]).toEqual(['', 'Query:\n  PageSize = 5\n  SecureTransport = true\n  SourceIp = 10.0.0.1\n---\n']);
  });

  test('exclusive flags as openapi/flags.go declares them, first in flag order wins', async () => {
    const ex = (a: string, b: string) => fail(`flag --${a} is exclusive with --${b}`);
    expect(await kms([...args, '--cli-dry-run', '--cli-dry-run-json'])).toEqual(ex('cli-dry-run', 'cli-dry-run-json'));
    expect(await kms([...args, '--cli-dry-run', '--dryrun'])).toEqual(ex('dryrun', 'cli-dry-run'));
    expect(await kms([...args, '--cli-dry-run-json', '--pager'])).toEqual(ex('cli-dry-run-json', 'pager'));
    expect(await kms([...args, '--cli-dry-run', '--waiter', 'expr=a', 'to=b'])).toEqual(ex('cli-dry-run', 'waiter'));
    expect(await kms([...args, '--estimate-cost', '--cli-dry-run'])).toEqual(ex('estimate-cost', 'cli-dry-run'));
    expect(await kms([...args, '--cli-dry-run', '--quiet'])).toEqual(ex('quiet', 'cli-dry-run'));
    expect(fake.kmsRequests()).toHaveLength(0);
  });
});
