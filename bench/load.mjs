// The load generator, run in a process of its own (the servers under test get theirs):
//   node bench/load.mjs '{"kind":…,"port":…,…}'   prints one JSON line of results.
// kind "throughput": autocannon, one request kind (bare | v1 | v3 | list), requests signed ahead.
// kind "mix": a keep-alive client of `connections` loops, each request a write (CreateSecret) with
// probability writeFraction, else a read (GetSecretValue v1); latencies are kept per kind.
import { request, Agent } from 'node:http';
import autocannon from 'autocannon';
import { v1Path, v3Request } from './sign.mjs';

const o = JSON.parse(process.argv[2]);
const host = `127.0.0.1:${o.port}`;
const pick = () => `${o.prefix}${Math.floor(Math.random() * o.secrets)}`;
const POOL = o.pool ?? 120000;

function pool(make) {
  const items = Array.from({ length: POOL }, make);
  let i = 0;
  return () => (i < items.length ? items[i++] : make());
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

if (o.kind === 'throughput') {
  let setupRequest;
  if (o.scheme === 'v3') {
    const next = pool(() => v3Request(host, 'GetSecretValue', { SecretName: pick() }));
    setupRequest = (req) => {
      const r = next();
      return { ...req, path: r.path, headers: r.headers };
    };
  } else if (o.scheme === 'list') {
    const next = pool(() => v1Path('ListSecrets', { PageSize: '10' }));
    setupRequest = (req) => ({ ...req, path: next() });
  } else {
    // The bare server ignores what it is sent; it gets the same v1 requests all the same.
    const next = pool(() => v1Path('GetSecretValue', { SecretName: pick() }));
    setupRequest = (req) => ({ ...req, path: next() });
  }
  autocannon({ url: `http://${host}`, connections: o.connections, duration: o.seconds, requests: [{ method: 'POST', setupRequest }] }, (err, r) => {
    if (err) throw err;
    console.log(JSON.stringify({ rps: r['2xx'] / o.seconds, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, p50: r.latency.p50, p99: r.latency.p99 }));
  });
} else if (o.kind === 'mix') {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const post = (path) =>
    new Promise((res) => {
      const t = performance.now();
      const req = request({ host: '127.0.0.1', port: o.port, method: 'POST', path, agent }, (r) => {
        r.resume();
        r.on('end', () => res({ ms: performance.now() - t, ok: r.statusCode === 200 }));
      });
      req.on('error', () => res({ ms: performance.now() - t, ok: false }));
      req.end();
    });
  const reads = [];
  const writes = [];
  let failed = 0;
  let n = 0;
  const end = Date.now() + o.seconds * 1000;
  await Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (Date.now() < end) {
        const write = Math.random() < o.writeFraction;
        const r = await post(write ? v1Path('CreateSecret', { SecretName: `${o.writePrefix}${process.pid}-${n++}`, SecretData: 'mix value ' + 'x'.repeat(48), VersionId: 'v1' }) : v1Path('GetSecretValue', { SecretName: pick() }));
        if (!r.ok) failed++;
        (write ? writes : reads).push(r.ms);
      }
    }),
  );
  agent.destroy();
  reads.sort((a, b) => a - b);
  writes.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      reads: reads.length,
      writes: writes.length,
      failed,
      readP50: pct(reads, 50),
      readP99: pct(reads, 99),
      writeP50: pct(writes, 50),
      writeP99: pct(writes, 99),
      rps: (reads.length + writes.length) / o.seconds,
    }),
  );
}
