// `aliyun kms serve` under the issue-10 attacks, side by side with the same load without them, in
// one run: signed GetSecretValue (v1, fresh nonce each, every signature verified) from autocannon,
//   1. alone;
//   2. while 1,100 idle sockets are held open (the server started under `ulimit -n 1024`), the
//      attacker reopening every socket the server closes;
//   3. while 4 clients push endless chunked uploads, reconnecting whenever they are cut.
//   npm run build && node bench/server-attack.mjs      (BENCH_SECONDS=5, BENCH_CONNECTIONS=10)
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10);
const AK = 'LTAIbenchKeyId';
const SK = 'bench-secret';
const BIN = resolve('bin/aliyun.cjs');
const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function v1Path(action, params) {
  const p = { Action: action, Version: '2016-01-20', Format: 'JSON', AccessKeyId: AK, SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', SignatureNonce: randomBytes(16).toString('hex'), Timestamp: isoNow(), ...params };
  const cqs = Object.keys(p).sort().map((k) => enc(k) + '=' + enc(p[k])).join('&');
  const sig = createHmac('sha1', SK + '&').update('POST&%2F&' + enc(cqs)).digest('base64');
  return `/?${cqs}&Signature=${enc(sig)}`;
}

const child = spawn('sh', ['-c', `ulimit -n 1024 && exec '${process.execPath}' '${BIN}' kms serve --port 0 --ephemeral --no-log --access-key-id ${AK} --access-key-secret ${SK}`], { stdio: ['ignore', 'pipe', 'pipe'] });
// The server goes with this process, however it ends.
process.on('exit', () => child.kill('SIGTERM'));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(1));
let out = '';
let err = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (err += d));
while (!/127\.0\.0\.1:(\d+)/.test(out)) await new Promise((r) => setTimeout(r, 20));
const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)[1]);
await fetch(`http://127.0.0.1:${port}${v1Path('CreateSecret', { SecretName: 'bench', SecretData: 'value', VersionId: 'v1' })}`, { method: 'POST' }).then((r) => r.text());

async function load(label) {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, path: v1Path('GetSecretValue', { SecretName: 'bench' }) }) }],
  });
  const bad = r.non2xx + r.errors + r.timeouts;
  console.log(`${label.padEnd(48)} ${r.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   failed ${bad} of ${r.requests.total}`);
  return r;
}

let attacking = true;
const held = new Set();
function idleFlood(n) {
  const open = () => {
    if (!attacking) return;
    const s = connect(port, '127.0.0.1');
    held.add(s);
    s.on('error', () => {});
    s.once('close', () => {
      held.delete(s);
      setTimeout(open, 10);
    });
  };
  for (let i = 0; i < n; i++) open();
}
let uploaded = 0;
function endlessUploads(n) {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const one = () => {
    if (!attacking) return;
    const s = connect(port, '127.0.0.1', () => {
      s.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
      const pump = () => {
        while (!s.destroyed && attacking && s.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) uploaded += chunk.length;
      };
      s.on('drain', pump);
      pump();
    });
    held.add(s);
    s.on('error', () => {});
    s.once('close', () => {
      held.delete(s);
      setTimeout(one, 10);
    });
  };
  for (let i = 0; i < n; i++) one();
}
const stopAttack = async () => {
  attacking = false;
  for (const s of held) s.destroy();
  await new Promise((r) => setTimeout(r, 500));
  attacking = true;
};

console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; server under ulimit -n 1024; ${CONNECTIONS} connections, ${SECONDS} s each`);
await load('alone');
idleFlood(1100);
await new Promise((r) => setTimeout(r, 1000));
await load('with 1,100 idle sockets held open');
await stopAttack();
endlessUploads(4);
await new Promise((r) => setTimeout(r, 500));
await load('with 4 endless chunked uploads');
await stopAttack();
console.log(`uploads pushed ${(uploaded / 2 ** 20).toFixed(0)} MiB in all (cut at 1 MiB + 2 s each)`);
console.log('server warnings:', err.trim().split('\n').filter((l) => l.includes('warning')).length);
child.kill('SIGTERM');
