// `--cli-dry-run` and `--cli-dry-run-json`: an unsigned description of the call, on either backend;
// nothing is sent. Follows openapi/cli_dry_run.go (3.4.11) for an RPC call: the JSON form leaves out
// empty parts (`query` without parameters, `body`, the ROA fields), the human form prints the same
// fields between `---` lines, and credential-bearing headers are masked to their first 4 characters.
import type { Backend } from '../backends/backend.js';
import { compareCodePoints } from '../core/json.js';
import { flagValue, headerPairs, type ParsedArgs } from './argv.js';

const SENSITIVE_HEADERS = ['authorization', 'x-acs-accesskey-id', 'x-acs-security-token', 'x-acs-signature'];
const mask = (v: string) => (v.length <= 4 ? '***' : v.slice(0, 4) + '***');

interface DryRunDoc {
  style: string;
  endpoint: string;
  method: string;
  headers: Record<string, string>;
  query?: Record<string, string>;
  action: string;
  version: string;
}

function describe(backend: Backend, action: string, params: Record<string, string>, region: string, a: ParsedArgs): DryRunDoc {
  const host = (backend as { opts?: { host?: string } }).opts?.host ?? `kms.${region}.aliyuncs.com`;
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity', 'x-sdk-client': 'golang/1.0.0', 'x-sdk-invoke-type': 'common' };
  for (const [k, v] of headerPairs(a)) headers[k] = SENSITIVE_HEADERS.includes(k.toLowerCase()) ? mask(v) : v;
  const sorted = (o: Record<string, string>) => Object.fromEntries(Object.keys(o).sort(compareCodePoints).map((k) => [k, o[k]]));
  // openapi/call_context.go applyCallContextRPC: the caller context from the environment joins the
  // query unless a parameter of that name was given.
  const query = { ...params };
  for (const [env, key] of [
    ['ALIBABA_CLOUD_SOURCE_IP', 'SourceIp'],
    ['ALIBABA_CLOUD_SECURE_TRANSPORT', 'SecureTransport'],
  ]) {
    const v = (process.env[env] ?? '').trim();
    if (v && !Object.hasOwn(query, key)) query[key] = v;
  }
  // Field order is the Go struct's, which MarshalIndent keeps; `query` is omitempty.
  return {
    style: 'RPC',
    endpoint: host,
    method: flagValue(a, 'method') || 'POST',
    headers: sorted(headers),
    ...(Object.keys(query).length > 0 ? { query: sorted(query) } : {}),
    action,
    version: '2016-01-20',
  };
}

/** `--cli-dry-run-json`: Go MarshalIndent (two spaces, `<>&` escaped), fields in the struct's order. */
function asJson(doc: DryRunDoc): string {
  const escapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
  return JSON.stringify(doc, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c]) + '\n';
}

/**
 * `--cli-dry-run`: formatCliDryRunHuman. Go prints the headers and query in map order, which is
 * random; ours are sorted so that the output is stable (the only difference).
 */
function asText(doc: DryRunDoc): string {
  let s = '---\n';
  s += `Style:    ${doc.style}\nEndpoint: ${doc.endpoint}\nMethod:   ${doc.method}\n`;
  if (doc.action) s += `Action:   ${doc.action}\n`;
  if (doc.version) s += `Version:  ${doc.version}\n`;
  const headers = Object.entries(doc.headers);
  if (headers.length) s += 'Headers:\n' + headers.map(([k, v]) => `  ${k}: ${v}\n`).join('');
  const query = Object.entries(doc.query ?? {});
  if (query.length) s += 'Query:\n' + query.map(([k, v]) => `  ${k} = ${v}\n`).join('');
  return s + '---\n';
}

export function cliDryRun(backend: Backend, action: string, params: Record<string, string>, region: string, a: ParsedArgs): string {
  const doc = describe(backend, action, params, region, a);
  // openapi/commando.go processInvoke checks --cli-dry-run first.
  return a.flags.has('cli-dry-run') ? asText(doc) : asJson(doc);
}
