// A stand-in for the KMS gateway, STS, the ECS metadata service and a credentials URI, on
// 127.0.0.1. It checks every KMS/STS request the way the gateway does — the RPC v1 signature
// recomputed here from the decoded parameters, with no code shared with the CLI's signer — answers
// from a private local store, and records what it received.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBackend } from '../src/backends/local/index.js';
import { ServiceError } from '../src/core/errors.js';

export interface Recorded {
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: string;
  params: Record<string, string>;
  /** Whether the v1 signature verified (undefined: the request was not signed). */
  signatureOk?: boolean;
}

/** A canned answer for the next matching request (consumed once), instead of the store's. */
export interface Scripted {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Hold the answer this long (ms); `Infinity` never answers. */
  delayMs?: number;
  /** Close the socket without an answer. */
  hangUp?: boolean;
}

/** Form decoding of the gateway: `+` is a space, then percent-decoding as UTF-8; empty values kept. */
export function formDecode(s: string): [string, string][] {
  if (!s) return [];
  return s.split('&').map((item) => {
    const i = item.indexOf('=');
    const k = i < 0 ? item : item.slice(0, i);
    const v = i < 0 ? '' : item.slice(i + 1);
    const dec = (x: string) => decodeURIComponent(x.replace(/\+/g, ' '));
    return [dec(k), dec(v)];
  });
}

/** RFC 3986 percent-encoding as the gateway applies it before signing (written out byte by byte). */
export function rfc3986(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function expectedSignature(method: string, params: Record<string, string>, secret: string): { signature: string; stringToSign: string } {
  const names = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const cqs = names.map((k) => `${rfc3986(k)}=${rfc3986(params[k])}`).join('&');
  const stringToSign = `${method}&${rfc3986('/')}&${rfc3986(cqs)}`;
  const signature = createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
  return { signature, stringToSign };
}

interface KeyEntry {
  secret: string;
  token?: string;
}

export class FakeKms {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-kms-'));
  readonly requests: Recorded[] = [];
  readonly script: Scripted[] = [];
  /** Registered access keys (AccessKeyId → secret and, for STS keys, the token). */
  readonly keys = new Map<string, KeyEntry>([['LTAI5tTestKeyId', { secret: 'test-secret-value' }]]);
  /** What AssumeRole / AssumeRoleWithOIDC / IMDS / the credentials URI hand out. */
  readonly sts = { id: 'STS.FakeIssuedKeyId', secret: 'sts-issued-secret', token: 'CAIS+issued/token==' };
  imds = { role: 'EcsTestRole', requireToken: true, token: 'imds-token-123', tokenStatus: 200 };
  credentialsUriStatus = 200;
  credentialsUriCode = 'Success';
  private server?: Server;
  private readonly backend = new LocalBackend(join(this.dir, 'store'));
  port = 0;

  constructor() {
    this.keys.set(this.sts.id, { secret: this.sts.secret, token: this.sts.token });
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Listens on 127.0.0.1; with `tls` (PEM key and certificate) it speaks https. */
  async start(tls?: { key: string; cert: string }): Promise<this> {
    const listener: RequestListener = (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        this.handle(req, res, body).catch((e) => {
          res.writeHead(599);
          res.end(String(e));
        });
      });
    };
    this.server = tls ? createTlsServer(tls, listener) : createServer(listener);
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as any).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** KMS calls only (no STS, IMDS or URI traffic). */
  kmsRequests(): Recorded[] {
    return this.requests.filter((r) => r.path === '/' && r.params.Version === '2016-01-20');
  }

  private async handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const params: Record<string, string> = {};
    for (const [k, v] of formDecode(rawQuery)) params[k] = v;
    if (req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      for (const [k, v] of formDecode(body)) params[k] = v;
    const rec: Recorded = { method: req.method ?? '', path, rawQuery, headers: req.headers, rawHeaders: req.rawHeaders, body, params };
    this.requests.push(rec);

    // Every signed request is verified (and the outcome recorded), scripted answers included.
    const signed = path === '/' && params.Action !== 'AssumeRoleWithOIDC';
    const denied = signed ? this.verify(req.method ?? '', params, rec) : undefined;
    const scripted = this.script.shift();
    if (scripted) {
      if (scripted.delayMs) await new Promise((r) => setTimeout(r, scripted.delayMs === Infinity ? 1e9 : scripted.delayMs));
      if (scripted.hangUp) {
        req.socket.destroy();
        return;
      }
      res.writeHead(scripted.status ?? 200, { 'Content-Type': 'application/json;charset=utf-8', ...scripted.headers });
      res.end(scripted.body ?? '');
      return;
    }

    if (path.startsWith('/latest/')) return this.imdsAnswer(req, res, path);
    if (path === '/credentials') return this.uriAnswer(res);
    if (path !== '/') return this.json(res, 404, { Code: 'NotFound', Message: 'no such path' });

    if (params.Action === 'AssumeRoleWithOIDC') return this.oidcAnswer(res, params);
    if (denied) return this.json(res, denied.status, denied.body);
    if (params.Action === 'AssumeRole') return this.assumeRoleAnswer(res, params);
    if (params.Action === 'GetCallerIdentity')
      return this.json(res, 200, { RequestId: randomUUID(), AccountId: '1234567890', UserId: '2345', Arn: 'acs:ram::1234567890:user/test', IdentityType: 'RAMUser' });
    return this.kmsAnswer(res, params);
  }

  private verify(method: string, params: Record<string, string>, rec: Recorded): { status: number; body: object } | undefined {
    const requestId = randomUUID();
    const err = (status: number, Code: string, Message: string) => ({ status, body: { RequestId: requestId, HostId: this.endpoint, Code, Message, Recommend: '' } });
    for (const k of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'Timestamp', 'Version', 'Action', 'SignatureNonce'])
      if (!params[k]) return err(400, 'MissingParameter', `The parameter "${k}" is needed but not provided.`);
    if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') return err(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
    const key = this.keys.get(params.AccessKeyId);
    if (!key) return err(404, 'InvalidAccessKeyId.NotFound', 'The Access Key ID provided does not exist in our records.');
    const { signature, stringToSign } = expectedSignature(method, params, key.secret);
    rec.signatureOk = signature === params.Signature;
    if (!rec.signatureOk) return err(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`);
    if (key.token !== undefined && params.SecurityToken !== key.token) return err(400, 'InvalidSecurityToken.MismatchWithAccessKey', 'The security token you provided does not match the access key.');
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp) || Math.abs(Date.parse(params.Timestamp) - Date.now()) > 15 * 60000)
      return err(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    return undefined;
  }

  private json(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', ...headers });
    res.end(text);
  }

  private async kmsAnswer(res: ServerResponse, params: Record<string, string>): Promise<void> {
    const region = params.RegionId ?? 'cn-hangzhou';
    const apiParams = { ...params };
    for (const k of ['AccessKeyId', 'Action', 'Format', 'Version', 'Signature', 'SignatureMethod', 'SignatureNonce', 'SignatureType', 'SignatureVersion', 'Timestamp', 'SecurityToken'])
      delete apiParams[k];
    try {
      const body = await this.backend.call({ action: params.Action, params: apiParams, region });
      this.json(res, 200, body as object, { 'x-acs-request-id': String((body as any).RequestId) });
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      this.json(res, e.httpStatus, e.body(), { 'x-acs-request-id': e.requestId });
    }
  }

  private issued() {
    return { AccessKeyId: this.sts.id, AccessKeySecret: this.sts.secret, SecurityToken: this.sts.token, Expiration: new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, 'Z') };
  }

  private assumeRoleAnswer(res: ServerResponse, params: Record<string, string>): void {
    if (!params.RoleArn || !params.RoleSessionName) return this.json(res, 400, { Code: 'MissingParameter', Message: 'RoleArn and RoleSessionName are required' });
    if (params.RoleArn.endsWith('/denied')) return this.json(res, 403, { RequestId: randomUUID(), Code: 'NoPermission', Message: 'You are not authorized to do this action.' });
    this.json(res, 200, { RequestId: randomUUID(), Credentials: this.issued(), AssumedRoleUser: { Arn: params.RoleArn + '/' + params.RoleSessionName } });
  }

  private oidcAnswer(res: ServerResponse, params: Record<string, string>): void {
    if (params.OIDCToken !== 'oidc-token-from-file') return this.json(res, 400, { RequestId: randomUUID(), Code: 'InvalidParameter.OIDCToken', Message: 'The OIDC token is invalid.' });
    this.json(res, 200, { RequestId: randomUUID(), Credentials: this.issued() });
  }

  private imdsAnswer(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (path === '/latest/api/token') {
      if (req.method !== 'PUT' || !req.headers['x-aliyun-ecs-metadata-token-ttl-seconds']) {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(this.imds.tokenStatus).end(this.imds.tokenStatus === 200 ? this.imds.token : '');
      return;
    }
    if (this.imds.requireToken && req.headers['x-aliyun-ecs-metadata-token'] !== this.imds.token) {
      res.writeHead(401).end('missing token');
      return;
    }
    const dir = '/latest/meta-data/ram/security-credentials/';
    if (path === dir) {
      res.writeHead(200).end(this.imds.role + '\n');
      return;
    }
    if (path === dir + this.imds.role) return this.json(res, 200, { Code: 'Success', ...this.issued(), LastUpdated: '2026-11-29T00:00:00Z' });
    res.writeHead(404).end('role not found');
  }

  private uriAnswer(res: ServerResponse): void {
    if (this.credentialsUriStatus !== 200) {
      res.writeHead(this.credentialsUriStatus).end('nope');
      return;
    }
    this.json(res, 200, { Code: this.credentialsUriCode, ...this.issued() });
  }
}
