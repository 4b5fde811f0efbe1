// Faults on demand (latency, throttling, 503) and TLS, through the built binary.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import { createHmac, randomBytes } from 'node:crypto';
import { Sandbox } from './helpers.js';
import { AK, SK, ServerProcess, isoNow, signedCall } from './server.harness.js';

const KEYS = ['--access-key-id', AK, '--access-key-secret', SK];

let sb: Sandbox;
beforeAll(() => {
  sb = new Sandbox();
});
afterAll(() => sb.cleanup());

test('--throttle 1 answers 429 Rejected.Throttling with x-acs-retry-after; nothing is executed', async () => {
  const srv = await ServerProcess.start(sb, [...KEYS, '--throttle', '1', '--retry-after', '250']);
  const r = await signedCall(srv.url, 'CreateSecret', { SecretName: 'throttled', SecretData: 'x', VersionId: 'v1' });
  expect([r.status, r.body.Code, r.body.Message, r.headers['x-acs-retry-after']]).toEqual([429, 'Rejected.Throttling', 'The QPS upper limit is exceeded.', '250']);
  expect(r.body.RequestId).toBe(r.headers['x-acs-request-id']);
  await srv.stop();
  const plain = await ServerProcess.start(sb, KEYS);
  expect((await signedCall(plain.url, 'DescribeSecret', { SecretName: 'throttled' })).status).toBe(404);
  await plain.stop();
});

test('--unavailable 1 answers 503 ServiceUnavailableTemporary; --unavailable 0 never does', async () => {
  const srv = await ServerProcess.start(sb, [...KEYS, '--unavailable', '1']);
  const r = await signedCall(srv.url, 'ListSecrets', {});
  expect([r.status, r.body.Code, r.body.Message]).toEqual([503, 'ServiceUnavailableTemporary', 'Service Unavailable Temporary.']);
  expect(r.headers['x-acs-retry-after']).toBeUndefined();
  await srv.stop();
  const none = await ServerProcess.start(sb, [...KEYS, '--unavailable', '0', '--throttle', '0']);
  for (let i = 0; i < 20; i++) expect((await signedCall(none.url, 'ListSecrets', {})).status).toBe(200);
  await none.stop();
});

test('a fraction throttles some requests and serves the rest', async () => {
  const srv = await ServerProcess.start(sb, [...KEYS, '--throttle', '0.5']);
  const statuses = new Set<number>();
  for (let i = 0; i < 60; i++) statuses.add((await signedCall(srv.url, 'ListSecrets', {})).status);
  expect([...statuses].sort()).toEqual([200, 429]); // 60 draws at 1/2: both outcomes (fails with probability 2^-59)
  await srv.stop();
});

test('--latency delays each answer by at least that long', async () => {
  const srv = await ServerProcess.start(sb, [...KEYS, '--latency', '300']);
  const t0 = Date.now();
  expect((await signedCall(srv.url, 'ListSecrets', {})).status).toBe(200);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  await srv.stop();
});

test('bad fault values are refused', async () => {
  expect(await sb.run('kms', 'serve', '--throttle', '1.5')).toEqual({ code: 1, stdout: '', stderr: "ERROR: --throttle must be a fraction from 0 to 1, got '1.5'\n" });
  expect(await sb.run('kms', 'serve', '--latency', '-1')).toEqual({ code: 1, stdout: '', stderr: "ERROR: --latency must be an integer from 0 to 600000, got '-1'\n" });
  expect(await sb.run('kms', 'serve', '--tls-cert', 'x.pem')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: --tls-cert and --tls-key go together\n' });
});

test('--tls-cert/--tls-key serve HTTPS', async () => {
  const cert = join(sb.root, 'cert.pem');
  const key = join(sb.root, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const missing = await sb.run('kms', 'serve', '--tls-cert', join(sb.root, 'none.pem'), '--tls-key', key, '--port', '0');
  expect(missing).toEqual({ code: 1, stdout: '', stderr: `ERROR: cannot read the TLS certificate or key: no such file ${join(sb.root, 'none.pem')}\n` });
  const srv = await ServerProcess.start(sb, [...KEYS, '--tls-cert', cert, '--tls-key', key]);
  expect(srv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const p: Record<string, string> = { AccessKeyId: AK, Action: 'ListSecrets', Format: 'JSON', SignatureMethod: 'HMAC-SHA1', SignatureNonce: randomBytes(8).toString('hex'), SignatureVersion: '1.0', Timestamp: isoNow(), Version: '2016-01-20' };
  const cqs = Object.keys(p).sort().map((k) => `${enc(k)}=${enc(p[k])}`).join('&');
  const sig = createHmac('sha1', SK + '&').update('GET&%2F&' + enc(cqs)).digest('base64');
  const body = await new Promise<string>((resolve, reject) => {
    httpsRequest(`${srv.url}/?${cqs}&Signature=${enc(sig)}`, { rejectUnauthorized: false }, (res) => {
      let t = '';
      res.setEncoding('utf8').on('data', (d) => (t += d));
      res.on('end', () => resolve(`${res.statusCode} ${t}`));
    })
      .on('error', reject)
      .end();
  });
  expect(body).toMatch(/^200 \{"PageNumber":1,"PageSize":10,"TotalCount":\d+/);
  await srv.stop();
});

test('--no-nonce-check accepts a replayed nonce and says so', async () => {
  const srv = await ServerProcess.start(sb, [...KEYS, '--no-nonce-check']);
  expect((await signedCall(srv.url, 'ListSecrets', {}, { nonce: 'again' })).status).toBe(200);
  expect((await signedCall(srv.url, 'ListSecrets', {}, { nonce: 'again' })).status).toBe(200);
  expect(srv.stderr).toContain('warning: --no-nonce-check: replayed requests are accepted (use for benchmarking only)\n');
  await srv.stop();
});
