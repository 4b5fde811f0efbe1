// The server's signature checks against the spec's vectors (signing-and-transport.md §2.8, §3.6).
import { createHash } from 'node:crypto';
import { ACS3_ALGORITHM, EMPTY_BODY_SHA256, canonicalRequestV3, parseAuthorizationV3, signV3, stringToSignV3 } from '../src/core/signature-v3.js';
import { Gateway, NonceCache, decodeForm } from '../src/server/gateway.js';
import { ServiceError } from '../src/core/errors.js';

const SECRET = 'kms-emulator-secret';

test('W1: GetSecretValue, no body', () => {
  const headers = {
    host: 'kms.cn-hangzhou.aliyuncs.com',
    'x-acs-action': 'GetSecretValue',
    'x-acs-version': '2016-01-20',
    'x-acs-date': '2024-05-01T12:00:00Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': EMPTY_BODY_SHA256,
    accept: 'application/json',
  };
  const signed = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];
  const cr = canonicalRequestV3('POST', '/', { SecretName: 'my secret*name~v1', VersionStage: 'ACSCurrent' }, headers, signed, EMPTY_BODY_SHA256);
  expect(cr).toBe(
    'POST\n/\nSecretName=my%20secret%2Aname~v1&VersionStage=ACSCurrent\nhost:kms.cn-hangzhou.aliyuncs.com\nx-acs-action:GetSecretValue\n' +
      `x-acs-content-sha256:${EMPTY_BODY_SHA256}\nx-acs-date:2024-05-01T12:00:00Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2016-01-20\n\n` +
      `${signed.join(';')}\n${EMPTY_BODY_SHA256}`,
  );
  const sts = stringToSignV3(cr);
  expect(sts).toBe('ACS3-HMAC-SHA256\n829f9a1c817c29f5824d878179a013edb3aaf152396478d91770f26285926eb0');
  expect(signV3(sts, SECRET)).toBe('92b63b552e0855f64943186c7815ae8dcaa53e3439dd69a149b9793d93321bda');
  expect(
    parseAuthorizationV3(`ACS3-HMAC-SHA256 Credential=LTAI5tEmulatorKeyId,SignedHeaders=${signed.join(';')},Signature=92b63b552e0855f64943186c7815ae8dcaa53e3439dd69a149b9793d93321bda`),
  ).toEqual({ algorithm: ACS3_ALGORITHM, accessKeyId: 'LTAI5tEmulatorKeyId', signedHeaders: signed, signature: '92b63b552e0855f64943186c7815ae8dcaa53e3439dd69a149b9793d93321bda' });
  expect(parseAuthorizationV3('ACS3-HMAC-SHA256 Credential=x, SignedHeaders=host,Signature=ab')).toBeUndefined();
});

test('W2: PutSecretValue with a form body and STS headers', () => {
  const body = 'SecretData=%7B%22uname%22%3A%20%22alice%22%2C%20%22pwd%22%3A%20%2212****%22%7D&VersionId=v1';
  const hash = createHash('sha256').update(body).digest('hex');
  expect(hash).toBe('389f4df1239702433cd27f576ea81ed1999506bf776864d8864d11cebd2a5192');
  const headers = {
    host: 'kms.cn-hangzhou.aliyuncs.com',
    'x-acs-action': 'PutSecretValue',
    'x-acs-version': '2016-01-20',
    'x-acs-date': '2024-05-01T12:00:00Z',
    'x-acs-signature-nonce': 'b7d1e6a0c3f24e5a9d8c7b6a5f4e3d2c',
    'content-type': 'application/x-www-form-urlencoded',
    'x-acs-content-sha256': hash,
    'x-acs-accesskey-id': 'STS.NUexampleTokenKeyId',
    'x-acs-security-token': 'CAIS+token/with=padding==',
  };
  const signed = 'content-type;host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version'.split(';');
  const cr = canonicalRequestV3('POST', '/', { SecretName: 'db/prod-密码' }, headers, signed, hash);
  expect(cr.split('\n')[2]).toBe('SecretName=db%2Fprod-%E5%AF%86%E7%A0%81');
  const sts = stringToSignV3(cr);
  expect(sts).toBe('ACS3-HMAC-SHA256\nf527d81d2dff613bb69ec3ad712b16a1266ca23f44d30d13dc65d9be1bd66a33');
  expect(signV3(sts, SECRET)).toBe('52d76a0a1c1e9d96a809c051164269860acf07aa7fd20e1552e673d5c41e3153');
});

test('V1 vector verifies through the gateway (POST form body exactly as pop-core sent it) once its clock is 2024-05-01', () => {
  const realNow = Date.now;
  Date.now = () => Date.parse('2024-05-01T12:05:00Z');
  try {
    const g = new Gateway({ credentials: [{ accessKeyId: 'LTAI5tEmulatorKeyId', accessKeySecret: SECRET }], defaultRegion: 'cn-hangzhou' });
    const body =
      'AccessKeyId=LTAI5tEmulatorKeyId&Action=GetSecretValue&Format=JSON&SecretName=my%20secret%2Aname~v1&SignatureMethod=HMAC-SHA1&SignatureNonce=0f3c2a6e-7d1b-4c9a-9e5f-2b8d4a6c1e01&SignatureVersion=1.0&Timestamp=2024-05-01T12%3A00%3A00Z&Version=2016-01-20&VersionStage=ACSCurrent&Signature=EH4WoMbkoZOUBt3EUg7gzgSHFto%3D';
    const req = { method: 'POST', rawQuery: '', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(body) };
    expect(g.authenticate(req)).toEqual({ action: 'GetSecretValue', params: { SecretName: 'my secret*name~v1', VersionStage: 'ACSCurrent' }, region: 'cn-hangzhou', accessKeyId: 'LTAI5tEmulatorKeyId', scheme: 'v1' });
    let err: unknown;
    try {
      g.authenticate(req);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe('SignatureNonceUsed');
  } finally {
    Date.now = realNow;
  }
});

test('form decoding keeps empty values and bare keys; + is a space', () => {
  expect(decodeForm('a=&b&c=x+y%2Bz&d=%E5%AF%86')).toEqual({ a: '', b: '', c: 'x y+z', d: '密' });
});

test('the nonce cache remembers a nonce for one window at least and two at most, and bounds its size', () => {
  const c = new NonceCache(1000, 8);
  expect(c.add('a', 0)).toBe(true);
  expect(c.add('a', 500)).toBe(false);
  expect(c.add('b', 999)).toBe(true);
  expect(c.add('a', 1500)).toBe(false);
  expect(c.add('b', 1998)).toBe(false);
  expect(c.add('a', 2600)).toBe(true);
  expect([c.add('a', 2601), c.add('b', 2602), c.add('b', 2603)]).toEqual([false, true, false]);
  for (let i = 0; i < 100; i++) c.add(`n${i}`, 2700);
  expect(c.size).toBeLessThanOrEqual(8);
  // The newest are remembered when the bound forgets the oldest.
  expect(c.add('n99', 2701)).toBe(false);
});

test('the nonce cache tells apart 200,000 distinct nonces', () => {
  const c = new NonceCache(60_000, 400_000);
  let refused = 0;
  for (let i = 0; i < 200_000; i++) if (!c.add(`LTAIkey\u0000${(i * 2654435761) % 4294967296}-${i}`, 1)) refused++;
  expect(refused).toBe(0);
  let remembered = 0;
  for (let i = 0; i < 200_000; i += 200) if (!c.add(`LTAIkey\u0000${(i * 2654435761) % 4294967296}-${i}`, 2)) remembered++;
  expect(remembered).toBe(1000);
});

describe('V3 verification through the gateway (W1, W2) with its clock at 2024-05-01', () => {
  const realNow = Date.now;
  beforeAll(() => {
    Date.now = () => Date.parse('2024-05-01T12:03:00Z');
  });
  afterAll(() => {
    Date.now = realNow;
  });
  const w1Signed = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';
  const w1 = (over: Record<string, string> = {}, signedHeaders = w1Signed, rawQuery = 'SecretName=my%20secret*name~v1&VersionStage=ACSCurrent') => ({
    method: 'POST',
    rawQuery,
    headers: {
      host: 'kms.cn-hangzhou.aliyuncs.com',
      'x-acs-action': 'GetSecretValue',
      'x-acs-version': '2016-01-20',
      'x-acs-date': '2024-05-01T12:00:00Z',
      'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
      'x-acs-content-sha256': EMPTY_BODY_SHA256,
      accept: 'application/json',
      'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/1',
      authorization: `ACS3-HMAC-SHA256 Credential=LTAI5tEmulatorKeyId,SignedHeaders=${signedHeaders},Signature=92b63b552e0855f64943186c7815ae8dcaa53e3439dd69a149b9793d93321bda`,
      ...over,
    },
    body: Buffer.alloc(0),
  });
  const gateway = () =>
    new Gateway({
      credentials: [
        { accessKeyId: 'LTAI5tEmulatorKeyId', accessKeySecret: SECRET },
        { accessKeyId: 'STS.NUexampleTokenKeyId', accessKeySecret: SECRET, securityToken: 'CAIS+token/with=padding==' },
      ],
      defaultRegion: 'cn-shanghai',
    });
  const codeOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as ServiceError).code + ' ' + (e as ServiceError).message;
    }
    return 'accepted';
  };

  test('W1 verifies; region from the Host; a changed query, header or unsigned required header is refused', () => {
    const g = gateway();
    expect(g.authenticate(w1())).toEqual({ action: 'GetSecretValue', params: { SecretName: 'my secret*name~v1', VersionStage: 'ACSCurrent' }, region: 'cn-hangzhou', accessKeyId: 'LTAI5tEmulatorKeyId', scheme: 'v3' });
    expect(codeOf(() => g.authenticate(w1()))).toBe('SignatureNonceUsed Specified signature nonce was used already.');
    expect(codeOf(() => gateway().authenticate(w1({}, w1Signed, 'SecretName=other&VersionStage=ACSCurrent')))).toMatch(
      /^SignatureDoesNotMatch Specified signature is not matched with our calculation\. server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/,
    );
    expect(codeOf(() => gateway().authenticate(w1({ 'x-acs-action': 'DeleteSecret' })))).toMatch(/^SignatureDoesNotMatch /);
    expect(codeOf(() => gateway().authenticate(w1({}, w1Signed.replace(';x-acs-signature-nonce', ''))))).toBe('IncompleteSignature The request signature does not conform to Aliyun standards.');
    expect(codeOf(() => gateway().authenticate(w1({ authorization: 'ACS3-HMAC-SM3 Credential=LTAI5tEmulatorKeyId,SignedHeaders=host,Signature=00' })))).toMatch(/^IncompleteSignature /);
    expect(codeOf(() => gateway().authenticate(w1({ 'x-acs-date': '2024-05-01T11:40:00Z' })))).toBe('InvalidTimeStamp.Expired Specified time stamp or date value is expired.');
    expect(codeOf(() => gateway().authenticate(w1({ 'x-acs-version': '2015-01-01' })))).toMatch(/^InvalidVersion /);
  });

  test('W2 (form body, STS headers) verifies and its body parameters reach the operation; a changed body does not verify', () => {
    const body = 'SecretData=%7B%22uname%22%3A%20%22alice%22%2C%20%22pwd%22%3A%20%2212****%22%7D&VersionId=v1';
    const signed = 'content-type;host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version';
    const req = (b: string) => ({
      method: 'POST',
      rawQuery: 'SecretName=db%2Fprod-%E5%AF%86%E7%A0%81',
      headers: {
        host: 'kms.cn-hangzhou.aliyuncs.com',
        'x-acs-action': 'PutSecretValue',
        'x-acs-version': '2016-01-20',
        'x-acs-date': '2024-05-01T12:00:00Z',
        'x-acs-signature-nonce': 'b7d1e6a0c3f24e5a9d8c7b6a5f4e3d2c',
        'content-type': 'application/x-www-form-urlencoded',
        'x-acs-content-sha256': '389f4df1239702433cd27f576ea81ed1999506bf776864d8864d11cebd2a5192',
        'x-acs-accesskey-id': 'STS.NUexampleTokenKeyId',
        'x-acs-security-token': 'CAIS+token/with=padding==',
        authorization: `ACS3-HMAC-SHA256 Credential=STS.NUexampleTokenKeyId,SignedHeaders=${signed},Signature=52d76a0a1c1e9d96a809c051164269860acf07aa7fd20e1552e673d5c41e3153`,
      },
      body: Buffer.from(b),
    });
    expect(gateway().authenticate(req(body))).toEqual({
      action: 'PutSecretValue',
      params: { SecretName: 'db/prod-密码', SecretData: '{"uname": "alice", "pwd": "12****"}', VersionId: 'v1' },
      region: 'cn-hangzhou',
      accessKeyId: 'STS.NUexampleTokenKeyId',
      scheme: 'v3',
    });
    expect(codeOf(() => gateway().authenticate(req(body.replace('v1', 'v9'))))).toMatch(/^SignatureDoesNotMatch /);
  });
});
