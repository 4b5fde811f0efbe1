// Benchmark of `aliyun kms serve` (run `npm run build` first, then `node bench/server.mjs`):
//  1. memory (RSS of the server process) empty, then with 10,000 secrets in the store;
//  2. throughput of signed GetSecretValue, every request signed with a fresh SignatureNonce and
//     verified by the server (v1 HMAC-SHA1 and V3 ACS3-HMAC-SHA256), autocannon in this process
//     and the server in a second one.
// Options (environment): BENCH_SECRETS (10000), BENCH_SECONDS (10), BENCH_CONNECTIONS (32),
// BENCH_POOL (150000 requests signed ahead per scheme).
import { spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

const SECRETS = Number(process.env.BENCH_SECRETS || 10000);
const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 32);
const POOL = Number(process.env.BENCH_POOL || 150000);
const AK = 'LTAIbenchKeyId';
const SK = 'bench-secret';
const BIN = resolve('bin/aliyun.cjs');

const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const nonce = () => randomBytes(16).toString('hex');

/** A v1-signed request target (POST, everything in the query, as @alicloud/kms20160120 sends it). */
function v1Path(action, params) {
  const p = { Action: action, Version: '2016-01-20', Format: 'JSON', AccessKeyId: AK, SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', SignatureNonce: nonce(), Timestamp: isoNow(), ...params };
  const cqs = Object.keys(p).sort().map((k) => enc(k) + '=' + enc(p[k])).join('&');
  const sig = createHmac('sha1', SK + '&').update('POST&%2F&' + enc(cqs)).digest('base64');
  return `/?${cqs}&Signature=${enc(sig)}`;
}

const EMPTY = createHash('sha256').update('').digest('hex');
/** V3 headers for a bodiless POST with `query` (as @alicloud/openapi-client sends it). */
function v3Request(host, action, query) {
  const headers = { host, 'x-acs-action': action, 'x-acs-version': '2016-01-20', 'x-acs-date': isoNow(), 'x-acs-signature-nonce': nonce(), 'x-acs-content-sha256': EMPTY };
  const names = Object.keys(headers).sort();
  const cq = Object.keys(query).sort().map((k) => enc(k) + '=' + enc(query[k])).join('&');
  const canonical = ['POST', '/', cq, names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), EMPTY].join('\n');
  const sts = 'ACS3-HMAC-SHA256\n' + createHash('sha256').update(canonical).digest('hex');
  const sig = createHmac('sha256', SK).update(sts).digest('hex');
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=${names.join(';')},Signature=${sig}`;
  return { path: '/?' + cq, headers };
}

function post(port, path, headers = {}) {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers, agent: keepAlive }, (r) => {
      let t = '';
      r.setEncoding('utf8').on('data', (d) => (t += d));
      r.on('end', () => (r.statusCode === 200 ? res(JSON.parse(t)) : rej(new Error(`${r.statusCode} ${t}`))));
    });
    req.on('error', rej);
    req.end();
  });
}

const rssMiB = (pid) => {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)[1]);
  return { rss: (kb('VmRSS') / 1024).toFixed(1), peak: (kb('VmHWM') / 1024).toFixed(1) };
};

/** User + system CPU time of a process, in seconds (Linux /proc, clock ticks of 10 ms). */
const cpuSeconds = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

const keepAlive = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 16 });
const dir = mkdtempSync(join(tmpdir(), 'aliyun-serve-bench-'));
const env = { ...process.env, HOME: dir, ALIYUN_KMS_LOCAL_DIR: join(dir, 'store') };
const child = spawn(process.execPath, [BIN, 'kms', 'serve', '--port', '0', '--no-log', '--access-key-id', AK, '--access-key-secret', SK], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const cleanup = () => {
  if (child.exitCode === null) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);

try {
  const port = await new Promise((res, rej) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
    child.on('exit', (c) => rej(new Error(`server exited ${c}`)));
  });
  console.log(`aliyun kms serve benchmark: node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0].model}`);
  await post(port, v1Path('ListSecrets', {}));
  const idle = rssMiB(child.pid);
  console.log(`memory, empty store:            RSS ${idle.rss} MiB`);

  // 10,000 secrets through the server (16 concurrent writers; each write is locked and fsynced).
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < SECRETS) {
        const i = next++;
        await post(port, v1Path('CreateSecret', { SecretName: `bench/secret-${i}`, SecretData: `value ${i} ` + 'x'.repeat(64), VersionId: 'v1' }));
      }
    }),
  );
  const createSecs = (performance.now() - t0) / 1000;
  console.log(`created ${SECRETS} secrets in ${createSecs.toFixed(1)} s (${(SECRETS / createSecs).toFixed(0)} CreateSecret/s, durable writes)`);
  const full = rssMiB(child.pid);
  console.log(`memory, ${SECRETS} secrets:        RSS ${full.rss} MiB (peak ${full.peak} MiB)`);
  const listed = await post(port, v1Path('ListSecrets', { PageSize: '100' }));
  if (listed.TotalCount !== SECRETS) throw new Error(`ListSecrets counted ${listed.TotalCount}`);
  const afterList = rssMiB(child.pid);
  console.log(`memory, after a ListSecrets:    RSS ${afterList.rss} MiB (peak ${afterList.peak} MiB)`);

  const host = `127.0.0.1:${port}`;
  const pick = () => `bench/secret-${Math.floor(Math.random() * SECRETS)}`;
  let cpuBefore = 0;
  const run = (title, setupRequest) =>
    new Promise((res, rej) => {
      cpuBefore = cpuSeconds(child.pid);
      const inst = autocannon(
        { url: `http://${host}`, connections: CONNECTIONS, duration: SECONDS, requests: [{ method: 'POST', setupRequest }] },
        (err, result) => (err ? rej(err) : res(result)),
      );
      void inst;
    }).then((r) => {
      const ok = r['2xx'];
      const cpu = cpuSeconds(child.pid) - cpuBefore;
      console.log(
        `${title}: ${(ok / SECONDS).toFixed(0)} verified requests/s, latency p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms, ${ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors; ` +
          `server CPU ${cpu.toFixed(1)} s = ${(ok / cpu).toFixed(0)} requests per server CPU-second; load average ${loadavg()[0].toFixed(1)}`,
      );
      if (r.non2xx || r.errors) throw new Error(`${title}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      return r;
    });

  // Requests are signed ahead (each with its own nonce) so that the load generator, which shares
  // the 2 cores with the server, spends its time sending; it signs more if the pool runs dry.
  const pool = (make) => {
    const items = Array.from({ length: POOL }, make);
    let i = 0;
    return () => (i < items.length ? items[i++] : make());
  };
  console.log(`throughput: GetSecretValue of a random one of ${SECRETS} secrets, ${CONNECTIONS} connections, ${SECONDS} s, a fresh nonce per request`);
  const v1 = pool(() => v1Path('GetSecretValue', { SecretName: pick() }));
  await run('  v1 HMAC-SHA1       ', (req) => ({ ...req, path: v1() }));
  const v3 = pool(() => v3Request(host, 'GetSecretValue', { SecretName: pick() }));
  await run('  V3 ACS3-HMAC-SHA256', (req) => {
    const r = v3();
    return { ...req, path: r.path, headers: r.headers };
  });
  const after = rssMiB(child.pid);
  console.log(`memory, after the load:         RSS ${after.rss} MiB (peak ${after.peak} MiB)`);
} finally {
  keepAlive.destroy();
  // Stop the server the way a user does; the bench exits once it has.
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  cleanup();
}
