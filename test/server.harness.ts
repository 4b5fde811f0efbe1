// Test harness for `aliyun kms serve`: spawns the built binary on a free port in a Sandbox, and
// signs raw v1 requests the way the official clients do (signing-and-transport.md §2).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { BIN, Sandbox } from './helpers.js';

export const AK = 'LTAI5tEmulatorKeyId';
export const SK = 'kms-emulator-secret';

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

export const isoNow = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class ServerProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  url = '';
  port = 0;
  readonly exited: Promise<number | null>;

  constructor(
    readonly sb: Sandbox,
    args: string[],
    env: Record<string, string | undefined> = {},
  ) {
    const e = { ...sb.env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
    else e[k] = v;
    this.child = spawn(process.execPath, [BIN, 'kms', 'serve', ...args], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d) => (this.stderr += d));
    this.exited = new Promise((res) => this.child.on('exit', (code) => res(code)));
  }

  /** Waits for the first stdout line (where it listens). */
  async ready(): Promise<this> {
    const deadline = Date.now() + 15000;
    while (!this.stdout.includes('\n')) {
      if (this.child.exitCode !== null) throw new Error(`server exited ${this.child.exitCode}: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error('server did not start: ' + this.stderr);
      await new Promise((r) => setTimeout(r, 20));
    }
    const m = /listening on (https?:\/\/[^\s]+)/.exec(this.stdout);
    if (!m) throw new Error('unexpected first line: ' + this.stdout);
    this.url = m[1];
    this.port = Number(new URL(this.url).port);
    return this;
  }

  static async start(sb: Sandbox, args: string[] = ['--access-key-id', AK, '--access-key-secret', SK], env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
    return new ServerProcess(sb, ['--port', '0', ...args], env).ready();
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export interface SignedOptions {
  method?: 'GET' | 'POST';
  /** pop-core style: everything in a form body. */
  form?: boolean;
  accessKeyId?: string;
  secret?: string;
  nonce?: string;
  timestamp?: string;
  securityToken?: string;
  host?: string;
  /** Common parameters to leave out (to test the gateway's checks). */
  omit?: string[];
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
  text: string;
}

/** Sends one v1-signed request to the server. */
export async function signedCall(url: string, action: string, params: Record<string, string>, o: SignedOptions = {}): Promise<RawResponse> {
  const method = o.method ?? 'POST';
  const p: Record<string, string> = {
    Action: action,
    Version: '2016-01-20',
    Format: 'JSON',
    AccessKeyId: o.accessKeyId ?? AK,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: o.nonce ?? randomBytes(16).toString('hex'),
    Timestamp: o.timestamp ?? isoNow(),
    ...(o.securityToken !== undefined ? { SecurityToken: o.securityToken } : {}),
    ...params,
  };
  for (const k of o.omit ?? []) delete p[k];
  const cqs = Object.keys(p)
    .sort()
    .map((k) => enc(k) + '=' + enc(p[k]))
    .join('&');
  const sig = createHmac('sha1', (o.secret ?? SK) + '&')
    .update(method + '&%2F&' + enc(cqs))
    .digest('base64');
  const all = `${cqs}&Signature=${enc(sig)}`;
  const headers: Record<string, string> = {};
  if (o.host) headers.host = o.host;
  if (o.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return rawRequest(url, method, '/', headers, all);
  }
  return rawRequest(url, method, `/?${all}`, headers);
}

/** One HTTP request with full control of the path and headers (Host included). */
export function rawRequest(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d));
      res.on('end', () => {
        let parsed: any;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
