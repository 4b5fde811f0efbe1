// Soak test of the local store (not part of the test suite): for a given time, CLI writers and an
// `aliyun kms serve` process write new versions of the same few secrets at once while the
// crash mix SIGKILLs writers and the server, the pause mix SIGSTOPs them (and SIGCONTs them
// later), and the load mix keeps HTTP clients busy. Every write that was confirmed (CLI exit 0,
// HTTP 200) is read back at the end: a missing or different value is a LOST write, which must
// never happen. `aliyun kms store verify` then checks every file.
//
//   npm run build && node bench/soak.mjs --seconds 600
//   options: --seconds N (60)  --writers N CLI writer loops (3)  --clients N HTTP client loops (4)
//            --mix crash,pause,load (all three)
// Prints confirmed writes, lost writes, errors (by kind) and p50/p99 latency; exits 1 on any lost
// write or damaged file.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? args[i + 1] : dflt;
};
const SECONDS = Number(opt('seconds', 60));
const WRITERS = Number(opt('writers', 3));
const CLIENTS = Number(opt('clients', 4));
const MIX = new Set(opt('mix', 'crash,pause,load').split(','));
const BIN = resolve('bin/aliyun.cjs');
const AK = 'LTAIsoakKeyId';
const SK = 'soak-secret';

const root = mkdtempSync(join(tmpdir(), 'aliyun-soak-'));
const env = { ...process.env, HOME: join(root, 'home'), ALIYUN_KMS_BACKEND: 'local', ALIYUN_KMS_LOCAL_DIR: join(root, 'store') };
for (const k of Object.keys(env)) if (/^ALIYUN_KMS_LOCAL_(PASSPHRASE|TIME_OFFSET)$|^ALIBABA_CLOUD_/.test(k)) delete env[k];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rand = (a, b) => a + Math.random() * (b - a);
const chance = (p) => Math.random() < p;
const started = Date.now();
const until = started + SECONDS * 1000;
const running = () => Date.now() < until;

// ---- what happened -----------------------------------------------------------------------------
const confirmed = []; // { name, id, data, via }
const latency = { cli: [], http: [] };
const errors = new Map(); // kind -> count
const count = (kind) => errors.set(kind, (errors.get(kind) ?? 0) + 1);
const events = { cliKilled: 0, cliPaused: 0, serverKilled: 0, serverPaused: 0 };
const samples = new Map(); // kind -> first message seen

/**
 * Which secret a write goes to: nine writes per secret, taken in turn by every writer and client,
 * so that several of them write the same record at once, and a record never holds more than the
 * service's ten versions (older versions beyond that are dropped by design, which is not a loss).
 */
let seq = 0;
const PER_SECRET = 9;
function nextWrite(who) {
  const slot = seq++;
  return { name: `soak-${Math.floor(slot / PER_SECRET)}`, id: `${who}-${slot}-${randomBytes(3).toString('hex')}` };
}
/** Secrets are created ahead of the writers (by the server), so their writes find them. */
let created = 0;
async function creator() {
  while (running()) {
    while (created <= Math.floor(seq / PER_SECRET) + 3 && running()) {
      const name = `soak-${created}`;
      try {
        const r = await http('CreateSecret', { SecretName: name, SecretData: 'initial-' + name, VersionId: 'initial' });
        if (r.status === 200) confirmed.push({ name, id: 'initial', data: 'initial-' + name, via: 'http' });
        if (r.status === 200 || r.body?.Code === 'Rejected.ResourceExist') created++;
        else await sleep(50);
      } catch {
        await sleep(50);
      }
    }
    await sleep(20);
  }
}

// ---- CLI writers -------------------------------------------------------------------------------
function runCli(cliArgs, onSpawn) {
  return new Promise((res) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...cliArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    onSpawn?.(child);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr, ms: performance.now() - t0 }));
  });
}

async function cliWriter(w) {
  while (running()) {
    const { name, id } = nextWrite('c' + w);
    const data = 'cli-' + id;
    let fate = 'normal';
    const r = await runCli(['kms', 'PutSecretValue', '--SecretName', name, '--SecretData', data, '--VersionId', id], (child) => {
      if (MIX.has('crash') && chance(0.15)) {
        fate = 'killed';
        setTimeout(() => child.kill('SIGKILL'), rand(0, 250));
      } else if (MIX.has('pause') && chance(0.1)) {
        fate = 'paused';
        setTimeout(() => {
          if (child.exitCode !== null) return;
          child.kill('SIGSTOP');
          events.cliPaused++;
          setTimeout(() => child.kill('SIGCONT'), rand(200, 3000));
        }, rand(0, 250));
      }
    });
    if (r.signal === 'SIGKILL') events.cliKilled++;
    if (r.code === 0) {
      confirmed.push({ name, id, data, via: 'cli' });
      latency.cli.push(r.ms);
    } else if (r.signal) {
      /* killed on purpose: not confirmed, nothing to check */
    } else if (r.stderr.includes('Forbidden.ResourceNotFound')) {
      count('cli: the secret was not created yet (the creator lags: soak bookkeeping, not a store error)');
    } else {
      const kind = 'cli: ' + (r.stderr.split('\n').find((l) => l.startsWith('ERROR')) ?? `exit ${r.code}`).replace(/\/tmp\/\S+/g, '<path>').replace(/process \d+/, 'process N').replace(/\d+ s/, 'N s');
      count(kind);
    }
  }
}

// ---- the server and HTTP clients ---------------------------------------------------------------
const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
let server; // { child, port }

function v1Path(action, params) {
  const p = { Action: action, Version: '2016-01-20', Format: 'JSON', AccessKeyId: AK, SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', SignatureNonce: randomBytes(16).toString('hex'), Timestamp: isoNow(), ...params };
  const cqs = Object.keys(p).sort().map((k) => enc(k) + '=' + enc(p[k])).join('&');
  const sig = createHmac('sha1', SK + '&').update('POST&%2F&' + enc(cqs)).digest('base64');
  return `/?${cqs}&Signature=${enc(sig)}`;
}

function http(action, params, port = server?.port) {
  return new Promise((res, rej) => {
    if (!port) return rej(new Error('no server'));
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: v1Path(action, params), agent: false, timeout: 60_000 }, (r) => {
      let text = '';
      r.setEncoding('utf8').on('data', (d) => (text += d));
      r.on('end', () => {
        let body;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        res({ status: r.statusCode, body });
      });
      r.on('error', rej);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    req.end();
  });
}

async function startServer() {
  const child = spawn(process.execPath, [BIN, 'kms', 'serve', '--port', '0', '--access-key-id', AK, '--access-key-secret', SK, '--no-log'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', () => {});
  const deadline = Date.now() + 30_000;
  while (!/listening on http:\/\/[^:]+:(\d+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the server did not start: ' + out);
    await sleep(20);
  }
  server = { child, port: Number(/listening on http:\/\/[^:]+:(\d+)/.exec(out)[1]) };
}

async function serverChaos() {
  while (running()) {
    await sleep(rand(5000, 15000));
    if (!running()) break;
    if (MIX.has('crash') && chance(0.5)) {
      const old = server;
      server = undefined;
      old.child.kill('SIGKILL');
      events.serverKilled++;
      await new Promise((r) => (old.child.exitCode !== null ? r() : old.child.on('exit', r)));
      await startServer();
    } else if (MIX.has('pause')) {
      server.child.kill('SIGSTOP');
      events.serverPaused++;
      await sleep(rand(300, 2000));
      server.child.kill('SIGCONT');
    }
  }
}

async function httpClient(c) {
  while (running()) {
    if (!server) {
      await sleep(20);
      continue;
    }
    const { name, id } = nextWrite('h' + c);
    const data = 'http-' + id;
    const t0 = performance.now();
    let r;
    try {
      r = await http('PutSecretValue', { SecretName: name, SecretData: data, VersionId: id });
    } catch (e) {
      count('http: connection ' + (e.code ?? e.message) + ' (server killed or restarting)');
      await sleep(20);
      continue;
    }
    if (r.status === 200) {
      confirmed.push({ name, id, data, via: 'http' });
      latency.http.push(performance.now() - t0);
    } else if (r.body?.Code === 'Forbidden.ResourceNotFound') count('http: the secret was not created yet (the creator lags: soak bookkeeping, not a store error)');
    else count(`http: ${r.status} ${r.body?.Code ?? ''}`);
    if (!MIX.has('load')) await sleep(50);
  }
}

// ---- run, then read every confirmed write back -------------------------------------------------
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function main() {
  await runCli(['kms', 'ListSecrets']); // creates the store
  await startServer();
  const loops = [serverChaos(), creator()];
  for (let w = 0; w < WRITERS; w++) loops.push(cliWriter(w));
  for (let c = 0; c < (MIX.has('load') ? CLIENTS : 1); c++) loops.push(httpClient(c));
  await Promise.all(loops);

  // A fresh server that nobody disturbs reads everything back.
  server.child.kill('SIGCONT');
  server.child.kill('SIGKILL');
  await startServer();
  let lost = 0;
  const lostSamples = [];
  for (let i = 0; i < confirmed.length; i += 16) {
    await Promise.all(
      confirmed.slice(i, i + 16).map(async (w) => {
        const r = await http('GetSecretValue', { SecretName: w.name, VersionId: w.id });
        if (r.status !== 200 || r.body.SecretData !== w.data) {
          lost++;
          if (lostSamples.length < 5) lostSamples.push(`${w.via} ${w.name} ${w.id}: ${r.status} ${r.body?.Code ?? r.body?.SecretData}`);
        }
      }),
    );
  }
  server.child.kill('SIGTERM');
  const verify = await runCli(['kms', 'store', 'verify']);

  const fmt = (xs) => `p50 ${pct(xs, 50).toFixed(0)} ms, p99 ${pct(xs, 99).toFixed(0)} ms`;
  const byVia = (v) => confirmed.filter((w) => w.via === v).length;
  console.log(`soak: ${SECONDS} s, mix ${[...MIX].join('+')}, ${WRITERS} CLI writers, ${MIX.has('load') ? CLIENTS : 1} HTTP clients, store ${env.ALIYUN_KMS_LOCAL_DIR}`);
  console.log(`disturbances: ${events.cliKilled} CLI writers SIGKILLed, ${events.cliPaused} SIGSTOPped; server SIGKILLed ${events.serverKilled}x, SIGSTOPped ${events.serverPaused}x`);
  console.log(`confirmed writes: ${confirmed.length} (CLI ${byVia('cli')}, ${fmt(latency.cli)}; HTTP ${byVia('http')}, ${fmt(latency.http)})`);
  console.log(`lost writes: ${lost}${lostSamples.length ? ' e.g. ' + lostSamples.join('; ') : ''}`);
  const errTotal = [...errors.values()].reduce((a, b) => a + b, 0);
  console.log(`errors: ${errTotal}${errTotal ? '' : ' (none)'}`);
  for (const [k, n] of [...errors].sort((a, b) => b[1] - a[1])) console.log(`  ${n} x ${k}`);
  console.log(`store verify: exit ${verify.code}: ${verify.stdout.trim().split('\n').pop()}`);
  if (lost === 0 && verify.code === 0) rmSync(root, { recursive: true, force: true });
  process.exitCode = lost === 0 && verify.code === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  server?.child.kill('SIGKILL');
  process.exitCode = 2;
});
