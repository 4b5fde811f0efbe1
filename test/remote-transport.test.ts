// Transport failures that need special servers: https with a self-signed certificate, and a port
// whose accept queue is full (TCP never connects, so the connect timeout fires).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, run } from './helpers.js';
import { FakeKms } from './fake-kms.js';

const AK = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tTestKeyId', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret-value', ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou' };
let dir: string;
const env = () => cleanEnv({ HOME: join(dir, 'home'), NO_COLOR: '1', ...AK });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'transport-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('https', () => {
  let fake: FakeKms;
  beforeAll(async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    fake = await new FakeKms().start({ key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') });
  });
  afterAll(() => fake.stop());

  test('an untrusted certificate: the Go x509 text, not retried even with --retry-count', async () => {
    const r = await run(['kms', 'ListSecrets', '--endpoint', fake.endpoint, '--secure', '--retry-count', '2'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: Post "https:\/\/127\.0\.0\.1:\d+\/\?AccessKeyId=\*\*\*&.*": tls: failed to verify certificate: x509: certificate signed by unknown authority\n$/);
    expect(fake.requests).toHaveLength(0);
  });

  test('--skip-secure-verify: the call goes through, signed for https', async () => {
    const r = await run(['kms', 'ListSecrets', '--endpoint', fake.endpoint, '--skip-secure-verify'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fake.kmsRequests()[0].signatureOk).toBe(true);
  });
});

describe('connect timeout', () => {
  let holder: ChildProcess;
  let port: number;
  beforeAll(async () => {
    // A listener that never accepts, its queue already full: new connections are never completed.
    const script = `
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)
port = s.getsockname()[1]
fill = []
for i in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(('127.0.0.1', port))
    except BlockingIOError: pass
    fill.append(c)
print(port, flush=True)
time.sleep(120)
`;
    holder = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((res, rej) => {
      holder.stdout!.once('data', (d) => res(Number(String(d).trim())));
      holder.once('error', rej);
    });
  });
  afterAll(() => {
    holder.kill();
  });

  test('--connect-timeout 1: dial i/o timeout after about a second; with retries the ConnectTimeout wording', async () => {
    const t0 = Date.now();
    const r = await run(['kms', 'ListSecrets', '--endpoint', `127.0.0.1:${port}`, '--insecure', '--connect-timeout', '1'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^ERROR: Post "http://127\\.0\\.0\\.1:${port}/\\?.*": dial tcp 127\\.0\\.0\\.1:${port}: i/o timeout\\n$`));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);

    const retried = await run(['kms', 'ListSecrets', '--endpoint', `127.0.0.1:${port}`, '--insecure', '--connect-timeout', '1', '--retry-count', '1'], env());
    expect(retried.stderr).toMatch(/^ERROR: \[SDK\.TimeoutError\] The request timed out 2 times\(2 for retry\), perhaps we should have the threshold raised a little\? Connect timeout\. Please set a valid ConnectTimeout\.\ncaused by:\nPost ".*": dial tcp 127\.0\.0\.1:\d+: i\/o timeout\n$/);
  });
});
