// Transport failures that need special servers: https with a self-signed certificate, and a port
// whose accept queue is full (TCP never connects, so the connect timeout fires).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { cleanEnv, run } from './helpers.js';
import { FakeKms } from './fake-kms.js';

const AK = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tTestKeyId', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret-value', ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou' };
let dir: string;
const env = () => cleanEnv({ HOME: join(dir, 'home'), NO_COLOR: '1', ...AK });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'transport-'));
});
afterAll(async () => {
  await tlsFake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let tlsFake: FakeKms;

describe('https', () => {
  let fake: FakeKms;
  beforeAll(async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    fake = tlsFake = await new FakeKms().start({ key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') });
  });

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

  test('kms export of six references over https: each on its own TLS connection (Connection: close), every value right', async () => {
    const tlsArgs = ['--endpoint', fake.endpoint, '--skip-secure-verify'];
    for (let i = 0; i < 6; i++) expect((await run(['kms', 'CreateSecret', '--SecretName', `tls${i}`, '--SecretData', `tls value ${i}`, '--VersionId', 'v1', ...tlsArgs], env())).code).toBe(0);
    fake.requests.length = 0;
    const refs = Array.from({ length: 6 }, (_, i) => ['--env', `V${i}=kms://tls${i}`]).flat();
    const r = await run(['kms', 'export', '--format', 'json', ...refs, ...tlsArgs], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`V${i}`, `tls value ${i}`])));
    const gets = fake.kmsRequests().filter((q) => q.params.Action === 'GetSecretValue');
    expect(gets).toHaveLength(6);
    expect(gets.every((q) => q.headers.connection === 'close')).toBe(true);
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
    holder.stdout?.destroy();
    holder.kill('SIGKILL');
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

  test('a read timeout shorter than the connect timeout: the error, and the process ends with it', async () => {
    // The dial timer of a connection the deadline destroyed kept the process alive for the rest of
    // --connect-timeout (5 s here) after the error was printed.
    const t0 = Date.now();
    const r = await run(['kms', 'ListSecrets', '--endpoint', `127.0.0.1:${port}`, '--insecure', '--read-timeout', '1', '--connect-timeout', '5'], env());
    expect(r.stderr).toMatch(/": context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\)\n$/);
    expect(Date.now() - t0).toBeLessThan(4000);
  });
});

describe('proxies', () => {
  let fake: FakeKms;
  let proxy: Server;
  let proxyPort: number;
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    fake = await new FakeKms().start();
    // A CONNECT proxy that sends every tunnel to the fake KMS, whatever host was asked for.
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client: Socket, head) => {
      tunnels.push(String(req.url));
      sockets.add(client);
      if (String(req.url).startsWith('denied.test')) {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const port = Number(String(req.url).split(':').pop());
      const upstream = connect(port, '127.0.0.1', () => {
        sockets.add(upstream);
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyPort = (proxy.address() as AddressInfo).port;
  });
  afterAll(async () => {
    // Tunnels are not HTTP connections: closeAllConnections does not see them.
    for (const sock of sockets) sock.destroy();
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await fake.stop();
  });
  beforeEach(() => {
    tunnels.length = 0;
    fake.requests.length = 0;
  });

  test('HTTP_PROXY: the call is tunnelled through CONNECT to the endpoint host', async () => {
    const r = await run(['kms', 'ListSecrets', '--endpoint', `kms.proxied.test:${fake.port}`, '--insecure'], { ...env(), HTTP_PROXY: `http://127.0.0.1:${proxyPort}` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(tunnels).toEqual([`kms.proxied.test:${fake.port}`]);
    expect(fake.kmsRequests()[0].signatureOk).toBe(true);
    expect(fake.kmsRequests()[0].headers.host).toBe(`kms.proxied.test:${fake.port}`);
  });

  test('HTTPS_PROXY: TLS inside the tunnel, the certificate still checked unless --skip-secure-verify', async () => {
    const proxied = { ...env(), HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` };
    const ok = await run(['kms', 'ListSecrets', '--endpoint', `kms.proxied.test:${tlsFake.port}`, '--skip-secure-verify'], proxied);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(tunnels).toEqual([`kms.proxied.test:${tlsFake.port}`]);
    const refused = await run(['kms', 'ListSecrets', '--endpoint', `kms.proxied.test:${tlsFake.port}`], proxied);
    expect(refused.stderr).toMatch(/: tls: failed to verify certificate: x509: /);
  });

  test('HTTPS_PROXY with a certificate from a trusted CA: checked against the endpoint (name or address), never the proxy', async () => {
    // A CA of our own, trusted through NODE_EXTRA_CA_CERTS, and a certificate for one name and one address.
    const ca = join(dir, 'ca'), leaf = join(dir, 'leaf');
    const ssl = (...a: string[]) => execFileSync('openssl', a, { stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '1', '-subj', '/CN=test CA');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${leaf}.key`, '-out', `${leaf}.csr`, '-subj', '/CN=kms.trusted.test');
    const ext = join(dir, 'leaf.ext');
    writeFileSync(ext, 'subjectAltName=DNS:kms.trusted.test,IP:10.255.255.1\n');
    ssl('x509', '-req', '-in', `${leaf}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${leaf}.pem`, '-days', '1', '-extfile', ext);
    const trusted = await new FakeKms().start({ key: readFileSync(`${leaf}.key`, 'utf8'), cert: readFileSync(`${leaf}.pem`, 'utf8') });
    try {
      const proxied = { ...env(), HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NODE_EXTRA_CA_CERTS: `${ca}.pem` };
      for (const host of ['kms.trusted.test', '10.255.255.1']) {
        const r = await run(['kms', 'ListSecrets', '--endpoint', `${host}:${trusted.port}`], proxied);
        expect([host, r.code, r.stderr]).toEqual([host, 0, '']);
      }
      const wrong = await run(['kms', 'ListSecrets', '--endpoint', `kms.other.test:${trusted.port}`], proxied);
      expect(wrong.stderr).toMatch(/: tls: failed to verify certificate: x509: certificate is valid for other names, not kms\.other\.test\n$/);
      expect(trusted.kmsRequests()).toHaveLength(2);
      expect(tunnels).toEqual([`kms.trusted.test:${trusted.port}`, `10.255.255.1:${trusted.port}`, `kms.other.test:${trusted.port}`]);
    } finally {
      await trusted.stop();
    }
  });

  test('a proxy URL with a bad %-escape in its user info: named, the password never printed, nothing sent', async () => {
    const r = await run(['kms', 'ListSecrets', '--endpoint', `kms.proxied.test:${fake.port}`, '--insecure', '--retry-count', '2'], { ...env(), HTTP_PROXY: `http://user:pa%zzss-secret@127.0.0.1:${proxyPort}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: Post "http:\/\/kms\.proxied\.test:\d+\/\?.*": invalid proxy address in HTTP_PROXY\/http_proxy: a bad %-escape in its user name or password\n$/);
    expect(r.stderr).not.toContain('secret');
    expect(tunnels).toEqual([]);
  });

  test('a proxy whose answer to CONNECT never ends its head: refused at 1 MiB, not read until the timeout', async () => {
    const endless = createNetServer((c) => {
      c.on('error', () => {});
      c.once('data', () => {
        c.write('HTTP/1.1 200 Connection established\r\n');
        const line = Buffer.from(`X-Pad: ${'p'.repeat(1000)}\r\n`.repeat(64));
        const pump = () => {
          while (!c.destroyed && c.write(line));
        };
        c.on('drain', pump);
        pump();
      });
    });
    await new Promise<void>((r) => endless.listen(0, '127.0.0.1', r));
    try {
      const r = await run(['kms', 'ListSecrets', '--endpoint', `kms.proxied.test:${fake.port}`, '--insecure'], { ...env(), HTTP_PROXY: `http://127.0.0.1:${(endless.address() as AddressInfo).port}` });
      expect([r.code, r.stderr.replace(/^ERROR: Post "[^"]*": /, '')]).toEqual([1, 'malformed proxy response\n']);
    } finally {
      await new Promise((r) => endless.close(r));
    }
  });

  test('NO_PROXY pattern matches: no tunnel (the name then fails to resolve)', async () => {
    const r = await run(['kms', 'ListSecrets', '--endpoint', `kms.proxied.test:${fake.port}`, '--insecure'], { ...env(), HTTP_PROXY: `127.0.0.1:${proxyPort}`, NO_PROXY: 'other.example,proxied\\.test$' });
    expect(r.code).toBe(1);
    expect(tunnels).toEqual([]);
    expect(r.stderr).toMatch(/: dial tcp: lookup kms\.proxied\.test: no such host\n$/);
  });

  test('a refusing proxy and an unreachable proxy', async () => {
    const denied = await run(['kms', 'ListSecrets', '--endpoint', 'denied.test', '--insecure'], { ...env(), HTTP_PROXY: `http://127.0.0.1:${proxyPort}` });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^ERROR: Post "http:\/\/denied\.test\/\?.*": 403 Forbidden\n$/);
    const down = await run(['kms', 'ListSecrets', '--endpoint', 'kms.proxied.test'], { ...env(), HTTPS_PROXY: 'http://127.0.0.1:1' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^ERROR: Post "https:\/\/kms\.proxied\.test\/\?.*": proxyconnect tcp: dial tcp 127\.0\.0\.1:1: connect: connection refused\n$/);
  });
});
