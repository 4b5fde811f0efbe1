// Issue 10, the server's part: idle connections cannot starve it (2), no value in a signature echo
// in any encoding (3), no upload read past 413 and slow bodies bounded (4), no request without a
// SignatureNonce (10). Real sockets against the built binary on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { BIN, Sandbox } from './helpers.js';
import { AK, SK, ServerProcess, isoNow, rawRequest, signedCall } from './server.harness.js';

const require = createRequire(import.meta.url);
const Kms = require('@alicloud/kms20160120');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const OpenApi = require('@alicloud/openapi-client');
const TeaUtil = require('@alicloud/tea-util');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sb: Sandbox;
beforeAll(() => {
  sb = new Sandbox();
});
afterAll(() => sb.cleanup());

/** `aliyun kms serve` started from a shell with `ulimit -n <limit>`, as on many default systems. */
async function serveUnderLimit(limit: number, extra: string[] = []): Promise<{ child: ChildProcess; port: number; out: () => string; err: () => string }> {
  const args = ['kms', 'serve', '--port', '0', '--access-key-id', AK, '--access-key-secret', SK, ...extra].map((a) => `'${a}'`).join(' ');
  const child = spawn('sh', ['-c', `ulimit -n ${limit} && exec '${process.execPath}' '${BIN}' ${args}`], { env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
  const deadline = Date.now() + 15_000;
  while (!/127\.0\.0\.1:(\d+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('server did not start: ' + err);
    await sleep(20);
  }
  return { child, port: Number(/127\.0\.0\.1:(\d+)/.exec(out)![1]), out: () => out, err: () => err };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
}

/** Opens a TCP connection that never sends a byte. */
function idleSocket(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('close', () => resolve(s));
  });
}

describe('defect 2: idle connections', () => {
  test('1,100 idle sockets with an open-file limit of 1024: signed requests are still answered, and the server says so', async () => {
    const srv = await serveUnderLimit(1024);
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 1100; i++) sockets.push(await idleSocket(srv.port));
      await sleep(200);
      // A fresh connection per request (no keep-alive), as a CLI process or a new client makes.
      const url = `http://127.0.0.1:${srv.port}`;
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await signedCall(url, 'ListSecrets', {}, { host: `127.0.0.1:${srv.port}` })).status);
      expect(statuses).toEqual(Array(20).fill(200));
      const still = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
      expect(still).toBeLessThan(1024);
      await sleep(100);
      expect(srv.err()).toMatch(/warning: connection limit \d+ reached: closed \d+ idle or slowly uploading connection\(s\)/);
    } finally {
      for (const s of sockets) s.destroy();
      await stop(srv.child);
    }
  }, 60_000);

  test('a client that sends nothing, or half a header, is cut after the header timeout (10 s) with 408; idle keep-alive after 5 s', async () => {
    const srv = await ServerProcess.start(sb);
    const t0 = Date.now();
    const watch = (s: Socket) =>
      new Promise<{ ms: number; got: string }>((res) => {
        let got = '';
        s.on('data', (d) => (got += d));
        s.on('error', () => {});
        s.once('close', () => res({ ms: Date.now() - t0, got }));
      });
    try {
      const silent = connect(srv.port, '127.0.0.1');
      const partial = connect(srv.port, '127.0.0.1', () => partial.write('GET /health HTTP/1.1\r\nHost: x\r\n'));
      const keepAlive = connect(srv.port, '127.0.0.1', () => keepAlive.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
      const [a, b, c] = await Promise.all([watch(silent), watch(partial), watch(keepAlive)]);
      expect(c.got).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(c.ms).toBeGreaterThanOrEqual(4_500);
      expect(c.ms).toBeLessThan(9_000);
      for (const x of [a, b]) {
        expect(x.got).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
        expect(x.ms).toBeGreaterThanOrEqual(9_500);
        expect(x.ms).toBeLessThan(13_000);
      }
      await sleep(100);
      expect(srv.stderr).toMatch(/warning: closed [12] connection\(s\) that sent no complete request within the time allowed \(408\)\n/);
    } finally {
      await srv.stop();
    }
  }, 30_000);

  test('connections trickling request bodies cannot hold every slot: past 2 s they make room for new clients', async () => {
    const srv = await ServerProcess.start(sb, ['--access-key-id', AK, '--access-key-secret', SK, '--max-connections', '40']);
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 60; i++) {
        const s = connect(srv.port, '127.0.0.1', () => s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\na'));
        s.on('error', () => {});
        const timer = setInterval(() => s.writable && s.write('a'), 500);
        s.once('close', () => clearInterval(timer));
        sockets.push(s);
      }
      await sleep(2_500);
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await signedCall(srv.url, 'ListSecrets', {}, { host: `127.0.0.1:${srv.port}` })).status);
      expect(statuses).toEqual(Array(10).fill(200));
      await sleep(100);
      expect(srv.stderr).toMatch(/warning: connection limit 40 reached: closed \d+ idle or slowly uploading connection\(s\)/);
      expect(srv.stderr).not.toContain('internal error');
    } finally {
      for (const s of sockets) s.destroy();
      await srv.stop();
    }
  }, 30_000);

  test('headers over 16 KiB are refused with 431 and the server keeps answering', async () => {
    const srv = await ServerProcess.start(sb);
    try {
      const r = await rawRequest(srv.url, 'GET', '/health', { 'x-big': 'a'.repeat(20_000) });
      expect(r.status).toBe(431);
      await sleep(100);
      expect(srv.stderr).toContain('and 1 that sent a malformed one (400/431)');
      expect((await signedCall(srv.url, 'ListSecrets', {})).status).toBe(200);
    } finally {
      await srv.stop();
    }
  });
});

describe('defect 4: request bodies', () => {
  test('four endless chunked uploads are answered 413 and cut at once; others are answered meanwhile', async () => {
    const srv = await ServerProcess.start(sb);
    try {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const upload = () =>
        new Promise<{ sent: number; answer: string; ms: number }>((res) => {
          const t0 = Date.now();
          let sent = 0;
          let answer = '';
          const s = connect(srv.port, '127.0.0.1', () => {
            s.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n');
            const pump = () => {
              // Stops by itself after 15 s, so that the test fails rather than hangs if never cut.
              while (!s.destroyed && Date.now() - t0 < 15_000 && s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) sent += chunk.length;
            };
            s.on('drain', pump);
            pump();
          });
          s.on('data', (d) => (answer += d));
          s.on('error', () => {});
          s.once('close', () => res({ sent, answer: answer.split('\r\n')[0], ms: Date.now() - t0 }));
        });
      const uploads = Promise.all([upload(), upload(), upload(), upload()]);
      const read = await signedCall(srv.url, 'ListSecrets', {});
      expect(read.status).toBe(200);
      for (const u of await uploads) {
        expect(u.answer).toBe('HTTP/1.1 413 Payload Too Large');
        expect(u.ms).toBeLessThan(5_000);
        // The 1 MiB limit plus what the sockets' buffers held when the server stopped reading.
        expect(u.sent).toBeLessThan(16 * 1024 * 1024);
      }
      expect(srv.stderr).toMatch(/POST - - 413 RequestEntityTooLarge/);
    } finally {
      await srv.stop();
    }
  }, 30_000);

  test('a declared Content-Length over 1 MiB is refused before the body is sent, with Connection: close', async () => {
    const srv = await ServerProcess.start(sb);
    try {
      const answer = await new Promise<string>((res) => {
        let got = '';
        const s = connect(srv.port, '127.0.0.1', () => s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n'));
        s.on('data', (d) => (got += d));
        s.on('error', () => {});
        s.once('close', () => res(got));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
      expect(answer).toMatch(/\r\nConnection: close\r\n/i);
      expect(answer).toContain('"Code":"RequestEntityTooLarge"');
    } finally {
      await srv.stop();
    }
  });

  test('a body sent one byte a second is cut after the request timeout (30 s) with 408, and not reported as an internal error', async () => {
    const srv = await ServerProcess.start(sb);
    try {
      const t0 = Date.now();
      const r = await new Promise<{ got: string; ms: number }>((res) => {
        let got = '';
        const s = connect(srv.port, '127.0.0.1', () => {
          s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n');
          const timer = setInterval(() => s.write('a'), 1000);
          s.once('close', () => clearInterval(timer));
        });
        s.on('data', (d) => (got += d));
        s.on('error', () => {});
        s.once('close', () => res({ got, ms: Date.now() - t0 }));
      });
      expect(r.got).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
      expect(r.ms).toBeGreaterThanOrEqual(29_000);
      expect(r.ms).toBeLessThan(34_000);
      await sleep(100);
      expect(srv.stderr).not.toContain('internal error');
      expect(srv.stderr).toMatch(/POST - - 499 ClientClosedRequest/);
    } finally {
      await srv.stop();
    }
  }, 45_000);
});

// A value with characters that every encoding changes: space, non-ASCII, reserved and `%`.
const VALUE = 'Zq9 Välue/+=&%!*~(x)';
const enc = (s: string) => encodeURIComponent(s);
const pop = (s: string) => enc(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
/** Every way the value could be spelled in an echo: raw, encoded once and twice (both styles), JSON, base64. */
const SPELLINGS = [VALUE, enc(VALUE), enc(enc(VALUE)), pop(VALUE), pop(pop(VALUE)), form(VALUE), enc(form(VALUE)), JSON.stringify(VALUE).slice(1, -1), Buffer.from(VALUE).toString('base64')];
/** A distinctive run of the value, so that a partial echo is caught too. */
const CORE = 'Zq9';
const expectNoValue = (text: string) => {
  for (const s of SPELLINGS) expect(text).not.toContain(s);
  expect(text).not.toContain(CORE);
};

describe('defect 3: no value in a signature echo, in any encoding', () => {
  let srv: ServerProcess;
  beforeAll(async () => {
    srv = await ServerProcess.start(sb, ['--access-key-id', AK, '--access-key-secret', SK, '--access-key-id', 'STSID', '--access-key-secret', 'sts-sk', '--security-token', 'TOKEN-Zq9-SECRET']);
  });
  afterAll(() => srv.stop());

  test.each([
    ['GET, query', { method: 'GET' as const }],
    ['POST, query', { method: 'POST' as const }],
    ['POST, form body', { method: 'POST' as const, form: true }],
  ])('raw v1 %s: CreateSecret and PutSecretValue echo the string to sign with SecretData masked', async (_, o) => {
    for (const [action, params] of [
      ['CreateSecret', { SecretName: 'echo1', SecretData: VALUE, VersionId: 'v1' }],
      ['PutSecretValue', { SecretName: 'echo1', SecretData: VALUE, VersionId: 'v2' }],
    ] as const) {
      const r = await signedCall(srv.url, action, params, { ...o, secret: 'wrong-secret' });
      expect([r.status, r.body.Code]).toEqual([400, 'SignatureDoesNotMatch']);
      expect(r.body.Message).toMatch(new RegExp(`server string to sign is:${o.method}&%2F&AccessKeyId%3D${AK}%26Action%3D${action}%26.*%26SecretData%3D\\*\\*\\*%26SecretName%3Decho1%26`));
      expectNoValue(r.text);
    }
  });

  test('a SecurityToken is masked too', async () => {
    const r = await signedCall(srv.url, 'ListSecrets', {}, { accessKeyId: 'STSID', secret: 'wrong', securityToken: 'TOKEN-Zq9-SECRET' });
    expect(r.body.Code).toBe('SignatureDoesNotMatch');
    expect(r.body.Message).toContain('%26SecurityToken%3D***%26');
    expect(r.text).not.toContain('TOKEN');
  });

  test('the masked echo is otherwise exact: the rest of the string to sign is the server\'s', async () => {
    const r = await signedCall(srv.url, 'GetSecretValue', { SecretName: 'a b*c~' }, { method: 'GET', secret: 'wrong', nonce: 'n-echo-1', timestamp: '2026-01-01T00:00:00Z' }).catch(() => undefined);
    // An old timestamp is refused before the signature: use a current one and check the shape.
    expect(r?.body.Code).toBe('InvalidTimeStamp.Expired');
    const ts = isoNow();
    const ok = await signedCall(srv.url, 'GetSecretValue', { SecretName: 'a b*c~' }, { method: 'GET', secret: 'wrong', nonce: 'n-echo-2', timestamp: ts });
    expect(ok.body.Message).toBe(
      'Specified signature is not matched with our calculation. server string to sign is:GET&%2F&' +
        `AccessKeyId%3D${AK}%26Action%3DGetSecretValue%26Format%3DJSON%26SecretName%3Da%2520b%252Ac~%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dn-echo-2%26SignatureVersion%3D1.0%26Timestamp%3D${ts.replace(/:/g, '%253A')}%26Version%3D2016-01-20`,
    );
  });

  test('@alicloud/pop-core: error.message carries no value', async () => {
    const c = new RPCClient({ accessKeyId: AK, accessKeySecret: 'wrong', endpoint: srv.url, apiVersion: '2016-01-20' });
    for (const method of ['GET', 'POST']) {
      const e: any = await c.request('CreateSecret', { SecretName: 'echo2', SecretData: VALUE, VersionId: 'v1' }, { method }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e.code).toBe('SignatureDoesNotMatch');
      expect(e.message).toContain('SecretData%3D***');
      // For GET, pop-core itself appends the URL it requested (the value in its query): not ours.
      const [fromServer, url] = e.message.split(', URL: ');
      expectNoValue(fromServer + JSON.stringify(e.data ?? {}));
      if (method === 'POST') expectNoValue(url);
    }
  });

  test('@alicloud/kms20160120: error.message carries no value', async () => {
    const c = new Kms.default({ accessKeyId: AK, accessKeySecret: 'wrong', endpoint: `127.0.0.1:${srv.port}`, protocol: 'http', regionId: 'cn-hangzhou' });
    const e: any = await c.putSecretValue(new Kms.PutSecretValueRequest({ secretName: 'echo3', secretData: VALUE, versionId: 'v1' })).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e.code).toBe('SignatureDoesNotMatchError');
    expectNoValue(e.message + JSON.stringify(e.data ?? {}));
  });

  test('@alicloud/openapi-client V3: the echo is the hash of the canonical request, which carries no value', async () => {
    const c = new OpenApi.default(new OpenApi.Config({ accessKeyId: AK, accessKeySecret: 'wrong', endpoint: `127.0.0.1:${srv.port}`, protocol: 'http', regionId: 'cn-hangzhou' }));
    const params = new OpenApi.Params({ action: 'CreateSecret', version: '2016-01-20', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
    for (const where of ['query', 'body']) {
      const req = new OpenApi.OpenApiRequest({ [where]: { SecretName: 'echo4', SecretData: VALUE, VersionId: 'v1' } });
      const e: any = await c.callApi(params, req, new TeaUtil.RuntimeOptions({})).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(e.code).toBe('SignatureDoesNotMatch');
      expect(e.message).toMatch(/server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}/);
      expectNoValue(e.message + JSON.stringify(e.data ?? {}));
    }
  });

  test('the request log line of a refused request names no value', () => {
    expectNoValue(srv.stderr);
  });
});

describe('defect 10: SignatureNonce is required', () => {
  let srv: ServerProcess;
  beforeAll(async () => {
    srv = await ServerProcess.start(sb);
  });
  afterAll(() => srv.stop());

  test('a v1 request without SignatureNonce is refused as a missing required parameter, before it runs', async () => {
    expect((await signedCall(srv.url, 'CreateSecret', { SecretName: 'nonce1', SecretData: 'x', VersionId: 'v1' })).status).toBe(200);
    for (const o of [{ method: 'GET' as const }, { method: 'POST' as const }, { method: 'POST' as const, form: true }]) {
      const r = await signedCall(srv.url, 'DeleteSecret', { SecretName: 'nonce1' }, { ...o, omit: ['SignatureNonce'] });
      expect([r.status, r.body.Code, r.body.Message]).toEqual([400, 'MissingSignatureNonce', 'SignatureNonce is mandatory for this action.']);
    }
    const empty = await signedCall(srv.url, 'DeleteSecret', { SecretName: 'nonce1' }, { nonce: '' });
    expect(empty.body.Code).toBe('MissingSignatureNonce');
    // Nothing ran: the secret is not pending deletion.
    const d = await signedCall(srv.url, 'DescribeSecret', { SecretName: 'nonce1' });
    expect([d.status, d.body.PlannedDeleteTime]).toEqual([200, undefined]);
  });

  test('a captured request with a nonce cannot be replayed', async () => {
    const once = await signedCall(srv.url, 'ListSecrets', {}, { nonce: 'replay-me', timestamp: isoNow() });
    expect(once.status).toBe(200);
    const again = await signedCall(srv.url, 'ListSecrets', {}, { nonce: 'replay-me', timestamp: isoNow() });
    expect(again.body.Code).toBe('SignatureNonceUsed');
  });

  test('V3 with an empty x-acs-signature-nonce is refused as an incomplete signature', async () => {
    const c = new OpenApi.default(new OpenApi.Config({ accessKeyId: AK, accessKeySecret: SK, endpoint: `127.0.0.1:${srv.port}`, protocol: 'http', regionId: 'cn-hangzhou' }));
    const params = new OpenApi.Params({ action: 'ListSecrets', version: '2016-01-20', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
    const e: any = await c.callApi(params, new OpenApi.OpenApiRequest({ headers: { 'x-acs-signature-nonce': '' } }), new TeaUtil.RuntimeOptions({})).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e?.code).toBe('IncompleteSignature');
  });

  test('the official clients send a nonce and are served', async () => {
    const tea = new Kms.default({ accessKeyId: AK, accessKeySecret: SK, endpoint: `127.0.0.1:${srv.port}`, protocol: 'http', regionId: 'cn-hangzhou' });
    expect((await tea.getSecretValue(new Kms.GetSecretValueRequest({ secretName: 'nonce1' }))).secretData).toBe('x');
    const pop = new RPCClient({ accessKeyId: AK, accessKeySecret: SK, endpoint: srv.url, apiVersion: '2016-01-20' });
    expect((await pop.request('GetSecretValue', { SecretName: 'nonce1' }, { method: 'POST' })).SecretData).toBe('x');
    expect((await pop.request('GetSecretValue', { SecretName: 'nonce1' })).SecretData).toBe('x');
    const r = await sb.runWith({ ALIYUN_KMS_BACKEND: 'remote' }, 'kms', 'GetSecretValue', '--SecretName', 'nonce1', '--endpoint', `127.0.0.1:${srv.port}`, '--insecure', '--access-key-id', AK, '--access-key-secret', SK, '--region', 'cn-hangzhou');
    expect([r.code, JSON.parse(r.stdout).SecretData]).toEqual([0, 'x']);
  });

  test('--no-nonce-check (benchmarking) accepts a missing nonce', async () => {
    const loose = await ServerProcess.start(sb, ['--access-key-id', AK, '--access-key-secret', SK, '--no-nonce-check']);
    try {
      expect((await signedCall(loose.url, 'ListSecrets', {}, { omit: ['SignatureNonce'] })).status).toBe(200);
    } finally {
      await loose.stop();
    }
  });
});
