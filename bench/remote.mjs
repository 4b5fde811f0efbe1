// Cost of a remote GetSecretValue (signed call to a KMS stand-in on 127.0.0.1) relative to a
// local-backend GetSecretValue, both through the built binary, measured in one run with the two
// kinds interleaved so machine noise hits both alike. Target: ratio ≤ 1.5.
//   npm run build && node bench/remote.mjs [runs]
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/aliyun.cjs');
const RUNS = Number(process.argv[2] ?? 30);
const KEY_ID = 'LTAI5tBenchKey';
const SECRET = 'bench-secret';

const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));

// The stand-in checks the signature (as the gateway would) and answers like KMS.
const server = createServer((req, res) => {
  const q = (req.url ?? '').split('?')[1] ?? '';
  const params = Object.fromEntries(q.split('&').filter(Boolean).map((kv) => kv.split('=').map(dec)));
  const cqs = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k])}`)
    .join('&');
  const sig = createHmac('sha1', SECRET + '&').update(`${req.method}&%2F&${enc(cqs)}`).digest('base64');
  req.resume();
  if (sig !== params.Signature) {
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end('{"Code":"SignatureDoesNotMatch","Message":"bad signature"}');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8' });
  res.end(
    JSON.stringify({
      RequestId: '3bf02f7a-015b-4f93-be0f-cc043fda2dd3',
      SecretName: params.SecretName,
      VersionId: 'v1',
      CreateTime: '2026-11-29T00:00:00Z',
      SecretData: 'bench-value',
      SecretDataType: 'text',
      VersionStages: { VersionStage: ['ACSCurrent'] },
      SecretType: 'Generic',
    }),
  );
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const port = server.address().port;

const root = mkdtempSync(join(tmpdir(), 'bench-remote-'));
// An existing HOME, as a user has: the compile cache (src/cli/compile-cache.ts) lives under it.
mkdirSync(join(root, 'home'));
const base = { PATH: process.env.PATH, HOME: join(root, 'home'), NO_COLOR: '1' };
const localEnv = { ...base, ALIYUN_KMS_BACKEND: 'local', ALIYUN_KMS_LOCAL_DIR: join(root, 'store') };
const remoteEnv = { ...base, ALIBABA_CLOUD_ACCESS_KEY_ID: KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET, ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou' };

function once(args, env) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('close', (code) => {
      if (code !== 0) rej(new Error(`aliyun ${args.join(' ')} exited ${code}: ${err}`));
      else res(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
}

const localArgs = ['kms', 'GetSecretValue', '--SecretName', 'bench'];
const remoteArgs = [...localArgs, '--endpoint', `127.0.0.1:${port}`, '--insecure'];
try {
  await once(['kms', 'CreateSecret', '--SecretName', 'bench', '--SecretData', 'bench-value', '--VersionId', 'v1'], localEnv);
  // Warm-up (file cache, store creation).
  await once(localArgs, localEnv);
  await once(remoteArgs, remoteEnv);
  const local = [];
  const remote = [];
  for (let i = 0; i < RUNS; i++) {
    local.push(await once(localArgs, localEnv));
    remote.push(await once(remoteArgs, remoteEnv));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const l = median(local);
  const r = median(remote);
  console.log(`GetSecretValue, ${RUNS} runs each, median wall time per CLI call:`);
  console.log(`  local backend  ${l.toFixed(1)} ms`);
  console.log(`  remote backend ${r.toFixed(1)} ms (127.0.0.1 stand-in, signature checked)`);
  console.log(`  remote / local = ${(r / l).toFixed(2)} (target <= 1.5)`);
} finally {
  server.close();
  rmSync(root, { recursive: true, force: true });
}
