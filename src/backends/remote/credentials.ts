// How each credential mode turns into keys (§6.4, signing-and-transport.md §7.4–7.6). Failures while fetching
// keys are `init client failed <cause>` (exit 1); no key, secret or token is ever part of a message.
import { readFileSync } from 'node:fs';
import { CliError } from '../../core/errors.js';
import { ENV } from '../../config/env.js';
import { profileString, readConfigFile, type Profile } from '../../config/profile.js';
import { effectiveMode, validateProfile } from '../../config/credentials.js';
import { resolveStsEndpoint } from './endpoint.js';
import { serverError } from './server-error.js';
import { goEncodeValues, rpcTimestamp, send, signRpc, TransportError, goUrlError, type Credentials, type HttpOptions, type WireRequest } from './wire.js';

export interface ResolveContext {
  configPath: string;
  /** Timeouts for STS / credentials-URI calls. */
  http: HttpOptions;
}

const fail = (cause: string) => new CliError(`init client failed ${cause}`);

/** Keys for the profile; may call STS, the instance metadata service, a URI or a process. */
export async function resolveCredentials(p: Profile, ctx: ResolveContext, depth = 0): Promise<Credentials> {
  if (depth > 8) throw fail('source_profile chain is too deep (a profile refers to itself?)');
  const mode = depth === 0 ? effectiveMode(p) : validateProfile(p, false);
  const s = (k: string) => profileString(p, k);
  switch (mode) {
    case 'AK':
      return { accessKeyId: s('access_key_id'), accessKeySecret: s('access_key_secret') };
    case 'StsToken':
      return { accessKeyId: s('access_key_id'), accessKeySecret: s('access_key_secret'), securityToken: s('sts_token') };
    case 'RamRoleArn':
      return assumeRole(p, { accessKeyId: s('access_key_id'), accessKeySecret: s('access_key_secret') }, ctx);
    case 'ChainableRamRoleArn': {
      const cfg = readConfigFile(ctx.configPath);
      const src = cfg?.profiles.find((x) => x?.name === s('source_profile'));
      if (!src) throw fail(`can not load the source profile: ${s('source_profile')}`);
      const srcCreds = await resolveCredentials({ ...src }, ctx, depth + 1);
      return assumeRole(p, srcCreds, ctx);
    }
    case 'EcsRamRole':
      return ecsRamRole(s('ram_role_name'));
    case 'External':
      return external(s('process_command'), ctx, depth);
    case 'CredentialsURI':
      return credentialsUri(s('credentials_uri') || ENV.credentialsUri() || '', ctx);
    case 'OIDC':
      return oidc(p, ctx);
  }
  throw fail(`unsupported mode ${mode}`);
}

function durationSeconds(p: Profile): string {
  const raw = profileString(p, 'expired_seconds');
  const n = raw ? Number.parseInt(raw, 10) : 0;
  const v = Number.isFinite(n) && n > 0 ? n : 3600;
  if (v < 900) throw fail('[InvalidParam]:Assume Role session duration should be in the range of 15min - max duration seconds');
  return String(v);
}

/** One call to STS (2015-04-01): common parameters in the query, the action's in the form body. */
async function callSts(p: Profile, action: string, form: Record<string, string>, signer: Credentials | undefined, http: HttpOptions) {
  const { scheme, host } = resolveStsEndpoint(p);
  const common = { Action: action, Format: 'JSON', Version: '2015-04-01' };
  // AssumeRoleWithOIDC is the one unsigned STS call.
  const q = signer ? signRpc('POST', common, form, signer).query : { ...common, Timestamp: rpcTimestamp() };
  const req: WireRequest = {
    method: 'POST',
    scheme,
    host,
    query: goEncodeValues(q),
    headers: [
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['Accept-Encoding', 'identity'],
      ['x-acs-action', action],
      ['x-acs-version', '2015-04-01'],
    ],
    body: goEncodeValues(form),
  };
  return fetchOrFail(req, http);
}

async function stsCall(p: Profile, form: Record<string, string>, action: string, signer: Credentials | undefined, ctx: ResolveContext): Promise<Credentials> {
  const res = await callSts(p, action, form, signer, ctx.http);
  if (res.status !== 200) throw fail(`refresh session token failed: ${res.text}`);
  return stsKeys(res.text, (c) => c?.Credentials);
}

/** STS GetCallerIdentity with the profile's keys: the check `aliyun configure` runs after saving. */
export async function getCallerIdentity(p: Profile, ctx: ResolveContext): Promise<void> {
  validateProfile(p);
  const creds = await resolveCredentials(p, ctx);
  const res = await callSts(p, 'GetCallerIdentity', {}, creds, ctx.http);
  if (res.status < 200 || res.status >= 300) {
    throw serverError(res, '');
  }
}

function stsKeys(text: string, pick: (body: any) => any): Credentials {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    // Not the text itself: a truncated answer may hold part of a key.
    throw fail('refresh session token failed: the response is not JSON');
  }
  const c = pick(body);
  if (!c || typeof c.AccessKeyId !== 'string' || typeof c.AccessKeySecret !== 'string' || typeof c.SecurityToken !== 'string')
    throw fail('refresh session token failed: the response has no AccessKeyId, AccessKeySecret and SecurityToken');
  return { accessKeyId: c.AccessKeyId, accessKeySecret: c.AccessKeySecret, securityToken: c.SecurityToken };
}

async function fetchOrFail(req: WireRequest, opts: HttpOptions) {
  try {
    return await send(req, opts);
  } catch (e) {
    if (e instanceof TransportError) throw fail(goUrlError(req, e.detail));
    throw e;
  }
}

function assumeRole(p: Profile, source: Credentials, ctx: ResolveContext): Promise<Credentials> {
  const form: Record<string, string> = {
    RoleArn: profileString(p, 'ram_role_arn'),
    RoleSessionName: profileString(p, 'ram_session_name'),
    DurationSeconds: durationSeconds(p),
  };
  const ext = profileString(p, 'external_id');
  if (ext) form.ExternalId = ext;
  return stsCall(p, form, 'AssumeRole', source, ctx);
}

function oidc(p: Profile, ctx: ResolveContext): Promise<Credentials> {
  const file = profileString(p, 'oidc_token_file');
  let token: string;
  try {
    token = readFileSync(file, 'utf8');
  } catch (e: any) {
    throw fail(`read oidc token file failed: open ${file}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
  }
  const form = {
    OIDCProviderArn: profileString(p, 'oidc_provider_arn'),
    OIDCToken: token,
    RoleArn: profileString(p, 'ram_role_arn'),
    RoleSessionName: profileString(p, 'ram_session_name'),
    DurationSeconds: durationSeconds(p),
  };
  return stsCall(p, form, 'AssumeRoleWithOIDC', undefined, ctx);
}

/** The instance metadata service; ALIYUN_KMS_IMDS_ENDPOINT (ours) points it elsewhere, e.g. a test server. */
export function imdsBase(): string {
  return (process.env.ALIYUN_KMS_IMDS_ENDPOINT || 'http://100.100.100.200').replace(/\/+$/, '');
}

async function ecsRamRole(roleName: string): Promise<Credentials> {
  if (process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED === 'true') throw fail('IMDS credentials is disabled');
  const base = new URL(imdsBase());
  const scheme = base.protocol === 'https:' ? 'https' : 'http';
  const http: HttpOptions = { connectTimeoutMs: 1000, readTimeoutMs: 1000 };
  const req = (method: 'GET' | 'PUT', path: string, headers: [string, string][]): WireRequest => ({ method, scheme, host: base.host, path, query: '', headers, body: '' });
  const v2Only = process.env.ALIBABA_CLOUD_IMDSV1_DISABLED === 'true';
  let token: string | undefined;
  try {
    const res = await send(req('PUT', '/latest/api/token', [['X-aliyun-ecs-metadata-token-ttl-seconds', '21600']]), http);
    if (res.status === 200) token = res.text;
    else if (v2Only) throw fail(`failed to get token from ECS Metadata Service: httpStatus: ${res.status}`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    // IMDSv1 fall-back: the token is optional unless v1 is disabled.
    if (v2Only) throw fail(`failed to get token from ECS Metadata Service: ${(e as Error).message}`);
  }
  const headers: [string, string][] = token ? [['X-aliyun-ecs-metadata-token', token]] : [];
  const dir = '/latest/meta-data/ram/security-credentials/';
  let role = roleName || process.env.ALIBABA_CLOUD_ECS_METADATA || '';
  if (!role) {
    const res = await fetchOrFail(req('GET', dir, headers), http);
    if (res.status !== 200) throw fail(`get role name failed: GET ${base.origin}${dir} ${res.status}`);
    role = res.text.trim();
  }
  const res = await fetchOrFail(req('GET', dir + encodeURIComponent(role), headers), http);
  if (res.status !== 200) throw fail(`refresh Ecs sts token err, httpStatus: ${res.status}, message = ${res.text.slice(0, 200)}`);
  let body: any;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw fail('refresh Ecs sts token err, json.Unmarshal fail: the response is not JSON');
  }
  if (body?.Code !== 'Success') throw fail('refresh Ecs sts token err, Code is not Success');
  return stsKeys(res.text, (b) => b);
}

async function credentialsUri(uri: string, ctx: ResolveContext): Promise<Credentials> {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw fail(`get credentials from ${uri} failed, invalid URI`);
  }
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  const res = await fetchOrFail({ method: 'GET', scheme, host: u.host, path: u.pathname, query: u.search.slice(1), headers: [], body: '' }, ctx.http);
  if (res.status !== 200) throw fail(`get credentials from ${uri} failed, status code ${res.status}`);
  let body: any;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw fail(`get credentials from ${uri} failed, the response is not JSON`);
  }
  if (body?.Code !== 'Success') throw fail('get sts token err, Code is not Success');
  return stsKeys(res.text, (b) => b);
}

/** Splits a command line on white space, honouring single and double quotes. */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (const c of cmd) {
    if (quote) {
      if (c === quote) quote = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else cur += c;
  }
  if (has || cur) out.push(cur);
  return out;
}

async function external(command: string, ctx: ResolveContext, depth: number): Promise<Credentials> {
  const off = process.env.ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS;
  if (off === '1' || off === 'true') throw fail('external process is disabled by ALIBABA_CLOUD_DISABLE_EXTERNAL_PROCESS');
  const [file, ...args] = splitCommand(command);
  if (!file) throw fail('process_command is empty');
  const { execFile } = await import('node:child_process');
  const stdout = await new Promise<string>((res, rej) =>
    execFile(file, args, { timeout: 60000, maxBuffer: 1 << 20, encoding: 'utf8' }, (err, out) => {
      // The command's own stderr is its business; we only say that it failed.
      if (err) rej(fail(`run external program to get credentials failed: ${(err as any).code === 'ENOENT' ? `exec: "${file}": executable file not found in $PATH` : `exit status ${(err as any).code ?? 'unknown'}`}`));
      else res(out);
    }),
  );
  let prof: any;
  try {
    prof = JSON.parse(stdout);
  } catch {
    throw fail('external program output is not a JSON profile');
  }
  if (!prof || typeof prof !== 'object' || Array.isArray(prof)) throw fail('external program output is not a JSON profile');
  return resolveCredentials({ ...prof, name: prof.name ?? 'external' }, ctx, depth + 1);
}
