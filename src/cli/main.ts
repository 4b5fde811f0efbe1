// `aliyun` entry point. Follows the real CLI's order of checks (aliyun-cli-behavior.md §4.2) so that
// the same mistake gives the same error: config, argv, flag checks, help, profile, product, API,
// parameters, call, print.
import { readFileSync } from 'node:fs';
import { CliError, ServiceError, suggestError, tipError } from '../core/errors.js';
import type { JsonValue } from '../core/json.js';
import { KMS_API_NAMES, OPERATIONS } from '../operations/catalog.js';
import { decodeRequest } from '../operations/spec.js';
import type { Backend } from '../backends/backend.js';
import { flagList, flagValue, headerPairs, parseArgv, type ParsedArgs } from './argv.js';
import { ROOT_FLAGS, ROOT_FLAG_NAMES } from './flags.js';
import { apiHelp, CLI_VERSION, productHelp, rootUsage, SUB_COMMANDS } from './help.js';
import { PRODUCT_CODES } from './products.js';
import { defaultConfigPath, readConfigFile } from './profile.js';
import { chooseBackend } from './backend-choice.js';
import { reportError, type Io } from './render.js';
import { suggest } from './suggest.js';
import { findPlugin, PLUGIN_COMMANDS, runPlugin } from './plugins.js';
// The local call path is loaded with the entry point: one file to read for the common case.
import { defaultStoreDir } from '../backends/local/store.js';
import { invoke } from './invoke.js';
import { renderSuccess } from './output.js';

const io: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

function checkExclusive(a: ParsedArgs): void {
  for (const def of ROOT_FLAGS) {
    if (!a.flags.has(def.name) || !def.excludes) continue;
    const other = def.excludes.find((x) => a.flags.has(x));
    if (other) throw new CliError(`flag --${def.name} is exclusive with --${other}`);
  }
}

/** The API parameters of the call: names checked against the description, `-FILE` read, required present. */
function collectParams(api: string, a: ParsedArgs, region: string, force: boolean): Record<string, string> {
  const op = force ? undefined : OPERATIONS[api];
  const params: Record<string, string> = {};
  const seen = new Set<string>();
  for (const { name: given, value } of a.params) {
    let name = given;
    let v = value;
    if (name.endsWith('-FILE')) {
      name = name.slice(0, -5);
      let bytes: Buffer;
      try {
        bytes = readFileSync(v);
      } catch (e: any) {
        throw new CliError(`read file ${v} for --${name} failed: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
      }
      // Parameters are text: bytes that are not UTF-8 would be changed on the way, so refuse them.
      try {
        v = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new CliError(`read file ${v} for --${name} failed: the file is not UTF-8 text (Base64-encode binary data, e.g. with --SecretDataType binary)`);
      }
    }
    if (op && !isKnownParam(op.params, name)) {
      const candidates = [...Object.keys(op.params), ...ROOT_FLAG_NAMES];
      throw suggestError(`'--${given}' is not a valid parameter or flag. See \`aliyun help kms ${api}\`.`, suggest(given, candidates));
    }
    if (seen.has(name)) throw new CliError(`parse failed flag duplicated --${name}`);
    seen.add(name);
    params[name] = v;
  }
  if (op) {
    // RegionId is satisfied by the request region (the tag APIs carry it as a parameter).
    if ('RegionId' in op.params && params.RegionId === undefined) params.RegionId = region;
    const missing = Object.entries(op.params)
      .filter(([n, p]) => p.required && p.type !== 'RepeatList' && !(n in params))
      .map(([n]) => n);
    if (missing.length)
      throw tipError('required parameters not assigned: ' + missing.map((m) => `\n  --${m}`).join(''), `use \`aliyun kms ${api} --help\` to get more information`);
  }
  return params;
}

function isKnownParam(params: Record<string, { type: string; subParams?: readonly string[] }>, name: string): boolean {
  if (Object.hasOwn(params, name) && params[name].type !== 'RepeatList') return true;
  const m = /^([^.]+)\.(\d+)(?:\.(.+))?$/.exec(name);
  if (!m) return false;
  const p = Object.hasOwn(params, m[1]) ? params[m[1]] : undefined;
  if (!p || p.type !== 'RepeatList') return false;
  return m[3] === undefined ? !p.subParams : !!p.subParams?.includes(m[3]);
}

export async function run(argv: string[]): Promise<number> {
  // 1. The default config file is read first: a broken one wins over everything (exit 3, our deviation).
  const ignoreProfile = process.env.ALIBABA_CLOUD_IGNORE_PROFILE === 'TRUE' || process.env.ALIBABACLOUD_IGNORE_PROFILE === 'TRUE';
  if (!ignoreProfile) {
    const cfg = readConfigFile(defaultConfigPath());
    if (cfg && cfg.current && !cfg.profiles.some((p) => p?.name === cfg.current))
      throw tipError(`load current configuration failed unknown profile ${cfg.current}, run configure to check`);
  }
  // A plug-in command parses its own arguments (e.g. `serve` takes repeatable --access-key-id); root
  // flags before `kms` are handed to it.
  const plugin = findPlugin(argv);
  if (plugin) return runPlugin(plugin.name, argv.slice(plugin.index), io, { rootArgs: plugin.rootArgs, chooseBackend: (a) => chooseBackend(a, io.err) });
  // 2–3. Arguments and flag checks.
  const a = parseArgv(argv);
  checkExclusive(a);
  let help = a.flags.has('help');
  if (a.positionals.includes('help')) {
    help = true;
    a.positionals = a.positionals.filter((p) => p !== 'help');
  }
  const [first, second] = a.positionals;
  if (first === 'version' && a.positionals.length === 1) {
    io.out(CLI_VERSION + '\n');
    return 0;
  }
  if (first !== undefined && SUB_COMMANDS.some(([n]) => n === first)) {
    const { runSubCommand } = await import('./subcommands.js');
    return runSubCommand(first, a, io);
  }
  // 4–5. Help and usage need no configuration.
  if (a.positionals.length === 0) {
    io.out(rootUsage());
    return 0;
  }
  const product = first.toLowerCase();
  if (help) {
    if (product !== 'kms') throw productError(product);
    if (second === undefined) io.out(productHelp(true));
    else if (!KMS_API_NAMES.includes(second)) throw apiError(second);
    else io.out(apiHelp(second));
    return 0;
  }

  // 6. Profile (validated for the remote backend), backend and region.
  const { backend, region } = await chooseBackend(a, io.err);
  // A lower-case word after the product is the plug-in path (get/post/put/delete are REST verbs).
  if (second !== undefined && /^[a-z][a-z0-9-]*$/.test(second) && !['get', 'post', 'put', 'delete'].includes(second)) {
    if (product === 'kms' && Object.hasOwn(PLUGIN_COMMANDS, second)) return runPlugin(second, argv, io, { rootArgs: [], chooseBackend: (x) => chooseBackend(x, io.err) });
    throw suggestError(`'${product}' is not a valid product. See \`aliyun help\`.`, []);
  }
  if (a.positionals.length === 3) throw tipError(`can not find api by path ${a.positionals[2]}`, 'Please confirm if the API path exists');
  if (a.positionals.length > 3) throw tipError('too many arguments', 'Use `aliyun --help` to show usage');
  if (second === undefined) {
    if (product !== 'kms') throw productError(product);
    io.out(productHelp(false));
    return 0;
  }
  // 7. The real CLI checks the version against the product code as typed: `Kms` fails.
  const version = flagValue(a, 'version');
  if (version && (version !== '2016-01-20' || first !== 'kms'))
    throw tipError(`unchecked version ${version}`, 'Please contact the customer support to get more info about API version');
  // 8–9. Product; a malformed --header is refused on either backend.
  if (product !== 'kms') throw productError(product);
  headerPairs(a);
  // 10–11. API and parameters; `--force` skips their checks and sends what was typed.
  const force = a.flags.has('force');
  if (!force && !KMS_API_NAMES.includes(second)) throw apiError(second);
  const method = flagValue(a, 'method');
  if (method !== undefined && method !== 'GET' && method !== 'POST')
    throw new CliError(`--method value ${method} is not supported, please set method in {GET|POST}`);
  const params = collectParams(second, a, region, force);

  // 12. --cli-dry-run(-json): an unsigned description of the call, on either backend; nothing sent.
  if (a.flags.has('cli-dry-run') || a.flags.has('cli-dry-run-json')) {
    io.out(cliDryRun(backend, second, params, region, a));
    return 0;
  }
  // --dryrun on the local store: validate as the service would, change nothing.
  if (backend.name === 'local' && a.flags.has('dryrun')) {
    const op = OPERATIONS[second];
    try {
      if (op) decodeRequest(op, params);
    } catch (e) {
      throw e instanceof ServiceError ? e.stamp(region) : e;
    }
    io.out(
      'Skip invoke in dry-run mode, request is:\n------------------------------------\n' +
        `${second} on the local store ${defaultStoreDir()}, region ${region}, parameters: ${Object.keys(params).sort().join(', ') || '(none)'}\n`,
    );
    return 0;
  }
  // 13–14. Call and print.
  const body: JsonValue | undefined = await invoke(backend, { action: second, params, region }, a, io);
  // undefined: invoke printed what the call produces itself (e.g. --dryrun).
  if (body === undefined || a.flags.has('quiet')) return 0;
  io.out(await renderSuccess(body, flagValue(a, 'cli-query'), flagList(a, 'output')));
  return 0;
}

/** The real CLI's `--cli-dry-run` JSON (Go MarshalIndent: two spaces, `<>&` escaped), key order as it prints. */
function cliDryRun(backend: Backend, action: string, params: Record<string, string>, region: string, a: ParsedArgs): string {
  const host = (backend as { opts?: { host?: string } }).opts?.host ?? `kms.${region}.aliyuncs.com`;
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity', 'x-sdk-client': 'golang/1.0.0', 'x-sdk-invoke-type': 'common' };
  for (const [k, v] of headerPairs(a)) headers[k] = v;
  const sorted = (o: Record<string, string>) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  const doc = { style: 'RPC', endpoint: host, method: flagValue(a, 'method') || 'POST', headers: sorted(headers), query: sorted(params), action, version: '2016-01-20' };
  const escapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };
  return JSON.stringify(doc, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c]) + '\n';
}

function productError(product: string): CliError {
  if (PRODUCT_CODES.includes(product))
    return new CliError(`product '${product}' is not supported: this aliyun implements the kms product only`);
  return suggestError(`'${product}' is not a valid command or product. See \`aliyun help\`.`, suggest(product, PRODUCT_CODES));
}

function apiError(api: string): CliError {
  return suggestError(`'${api}' is not a valid api. See \`aliyun help kms\`.`, suggest(api, KMS_API_NAMES));
}

// Exit only after stdout and stderr have drained, so piped output is never cut short.
run(process.argv.slice(2))
  .catch((e) => reportError(e, io))
  .then((code) => {
    process.exitCode = code;
  });
