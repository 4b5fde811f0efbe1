// `aliyun` entry point. Follows the real CLI's order of checks (aliyun-cli-behavior.md §4.2) so that
// the same mistake gives the same error: config, argv, flag checks, help, profile, product, API,
// parameters, call, print.
import { readFileSync } from 'node:fs';
import { CliError, ServiceError, suggestError, tipError } from '../core/errors.js';
import type { JsonValue } from '../core/json.js';
import { KMS_API_NAMES, OPERATIONS, apiMeta, findParameter, requiredParameters } from '../operations/catalog.js';
import { decodeRequest } from '../operations/spec.js';
import type { Backend } from '../backends/backend.js';
import { flagList, flagValue, headerPairs, parseArgv, type ParsedArgs } from './argv.js';
import { flagByName, flagByShort, ROOT_FLAGS, ROOT_FLAG_NAMES } from './flags.js';
import { apiHelp, CLI_VERSION, PERSISTENT_FLAGS, productHelp, rootUsage, setLanguage, SUB_COMMANDS, versionHelp } from './help.js';
import { PRODUCT_CODES } from './products.js';
import { defaultConfigPath, profileString, readConfigFile, resolveProfile } from './profile.js';
import { chooseBackend } from './backend-choice.js';
import { reportError, type Io } from './render.js';
import { suggest } from './suggest.js';
import { findPlugin, PLUGIN_COMMANDS, runPlugin } from './plugins.js';
import { answerCompletion, isCompletionCall } from './completion.js';
// The local call path is loaded with the entry point: one file to read for the common case.
import { defaultStoreDir } from '../backends/local/store.js';
import { invoke } from './invoke.js';
import { renderSuccess } from './output.js';
import { cliDryRun } from './dry-run.js';

const io: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

/**
 * A failed write to stdout ends in a message and exit 1, never a stack trace: a full disk behind
 * `> file` must not pass for success. A reader that stopped early (`| head -c1`, EPIPE) is not an
 * error, as for cat or grep: the rest of the output is dropped and the exit code stays the command's.
 * A failed write to stderr has nowhere to be reported; it must not crash the command either.
 */
function guardStdio(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    const why = e.code === 'ENOSPC' ? 'no space left on device' : (e.code ?? e.message);
    process.stderr.write(`ERROR: cannot write to stdout: ${why}\n`);
    process.exitCode = 1;
  });
  process.stderr.on('error', () => {
    process.exitCode ||= 1;
  });
}

function checkExclusive(a: ParsedArgs): void {
  for (const def of ROOT_FLAGS) {
    if (!a.flags.has(def.name) || !def.excludes) continue;
    const other = def.excludes.find((x) => a.flags.has(x));
    if (other) throw new CliError(`flag --${def.name} is exclusive with --${other}`);
  }
}

/**
 * The API parameters of the call: names checked against the API's metadata, `-FILE` read, required
 * present (openapi/rpc.go Prepare, meta/api.go). Every KMS API is checked, described or not.
 */
function collectParams(api: string, a: ParsedArgs, region: string, force: boolean): Record<string, string> {
  const meta = force ? undefined : apiMeta(api);
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
    if (meta && !findParameter(meta.params, name)) {
      const candidates = [...meta.params.map((p) => p.name), ...ROOT_FLAG_NAMES];
      throw suggestError(`'--${given}' is not a valid parameter or flag. See \`aliyun help kms ${api}\`.`, suggest(given, candidates));
    }
    if (seen.has(name)) throw new CliError(`parse failed flag duplicated --${name}`);
    seen.add(name);
    params[name] = v;
  }
  if (meta) {
    // RegionId is satisfied by the request region (the tag APIs carry it as a parameter).
    if (meta.params.some((p) => p.name === 'RegionId') && params.RegionId === undefined) params.RegionId = region;
    const missing = requiredParameters(meta).filter((n) => !(n in params));
    if (missing.length)
      throw tipError('required parameters not assigned: ' + missing.map((m) => `\n  --${m}`).join(''), `use \`aliyun kms ${api} --help\` to get more information`);
  }
  return params;
}

export async function run(argv: string[]): Promise<number> {
  if (isCompletionCall()) return answerCompletion(); // a Tab: candidates only, before any config is read
  // 1. The default config file is read first: a broken one wins over everything (exit 3, our deviation).
  const ignoreProfile = process.env.ALIBABA_CLOUD_IGNORE_PROFILE === 'TRUE' || process.env.ALIBABACLOUD_IGNORE_PROFILE === 'TRUE';
  if (!ignoreProfile) {
    const cfg = readConfigFile(defaultConfigPath());
    if (cfg && cfg.current && !cfg.profiles.some((p) => p?.name === cfg.current))
      throw tipError(`load current configuration failed unknown profile ${cfg.current}, run configure to check`);
    setLanguage(currentLanguage(cfg));
  } else {
    // The language still comes from the file, as main/main.go reads it regardless.
    try {
      setLanguage(currentLanguage(readConfigFile(defaultConfigPath())));
    } catch {
      // An unreadable file is ignored with the profile.
    }
  }
  // A plug-in command parses its own arguments (e.g. `serve` takes repeatable --access-key-id); root
  // flags before `kms` are handed to it.
  const plugin = findPlugin(argv);
  if (plugin) return runPlugin(plugin.name, argv.slice(plugin.index), io, { rootArgs: plugin.rootArgs, chooseBackend: (a) => chooseBackend(a, io.err) });
  // 2–3. Arguments and flag checks.
  const a = parseArgv(argv, undefined, ['version']);
  // The word `help` anywhere means help (cli/command.go executeInner), for sub-commands too.
  const helpWord = a.positionals.includes('help');
  const words = a.positionals.filter((p) => p !== 'help');
  if (words[0] === 'version') return runVersion(argv, a, helpWord);
  checkExclusive(a);
  const help = helpWord || a.flags.has('help');
  if (helpWord) {
    a.positionals = words;
    if (!a.flags.has('help')) a.flags.set('help', '');
  }
  const [first, second] = a.positionals;
  if (first !== undefined && SUB_COMMANDS.some(([n]) => n === first)) {
    const { runSubCommand } = await import('./subcommands.js');
    return runSubCommand(first, a, io);
  }
  // 4–5. Help and usage need no configuration; `aliyun --help` adds the products.
  if (a.positionals.length === 0) {
    io.out(rootUsage(help));
    return 0;
  }
  const product = first.toLowerCase();
  if (help) {
    io.out(helpText(a.positionals));
    return 0;
  }

  // meta/api.go GetMethod: an API whose metadata says GET (GetClientKey, ListClientKeys) is sent
  // with GET unless --method or --force says otherwise; the backend reads it as if given.
  if (second !== undefined && !a.flags.has('method') && !a.flags.has('force') && apiMeta(second)?.method === 'GET') a.flags.set('method', 'GET');
  // 6. Profile (validated for the remote backend), backend and region.
  const { backend, region } = await chooseBackend(a, io.err);
  // A word after the product that has no upper-case letter is the plug-in path (get/post/put/delete
  // are REST verbs); the product is named as typed (openapi/commando.go main).
  if (second !== undefined && second.toLowerCase() === second && !['get', 'post', 'put', 'delete'].includes(second)) {
    if (product === 'kms' && Object.hasOwn(PLUGIN_COMMANDS, second)) return runPlugin(second, argv, io, { rootArgs: [], chooseBackend: (x) => chooseBackend(x, io.err) });
    throw suggestError(`'${first}' is not a valid product. See \`aliyun help\`.`, []);
  }
  if (a.positionals.length === 3) throw tipError(`can not find api by path ${a.positionals[2]}`, 'Please confirm if the API path exists');
  if (a.positionals.length > 3) throw tipError('too many arguments', 'Use `aliyun --help` to show usage');
  if (second === undefined) {
    if (product !== 'kms') throw productError(product);
    // openapi/commando.go: after the profile is loaded its language (or --language) applies.
    setLanguage(flagValue(a, 'language') || profileString(resolveProfile(a).profile, 'language'));
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

/** main/main.go: the CLI's own texts follow the current profile's language, else LANG. */
function currentLanguage(cfg: ReturnType<typeof readConfigFile>): unknown {
  return cfg?.profiles.find((p) => p?.name === (cfg.current || 'default'))?.language;
}

/**
 * `aliyun version [words…]`: extra words are ignored; after the word only the root's persistent
 * flags are accepted (cli/version.go, cli/context.go EnterCommand); `help` or `--help` prints its help.
 * A --help before the word belongs to the root and is not carried over.
 */
function runVersion(argv: string[], root: ParsedArgs, helpWord: boolean): number {
  const at = root.positionalAt[root.positionals.indexOf('version')];
  // The root stopped reading at the word; what follows is read with the sub-command's flags.
  const known = PERSISTENT_FLAGS.map((n) => ROOT_FLAGS.find((f) => f.name === n)!);
  const allowed = (d: ReturnType<typeof flagByName>) => (d && PERSISTENT_FLAGS.includes(d.name) ? d : undefined);
  const rest = parseArgv(argv.slice(at + 1), { flag: (n) => allowed(flagByName(n)), short: (s) => allowed(flagByShort(s)), known });
  io.out(helpWord || rest.positionals.includes('help') || rest.flags.has('help') ? versionHelp() : CLI_VERSION + '\n');
  return 0;
}

/**
 * `aliyun help <words…>` / `--help` (openapi/commando.go help, commando_help.go): the product,
 * then the API. Unknown products get the plugin-aware error without suggestions: this build has no
 * remote plugin catalog, as the real CLI offline.
 */
function helpText(words: string[]): string {
  const [code, api] = words;
  if (words.length > 2) {
    // tryDelegatePluginHelp: a PascalCase API or an HTTP verb keeps the legacy error.
    if (/^(get|post|put|delete)$/i.test(api) || api.toLowerCase() !== api) throw new CliError(`too many arguments: ${words.length}`);
    throw suggestError(
      `'${code}' is not a valid product. See \`aliyun help\`.\nIf you meant an OpenAPI built-in call, the form is 'aliyun <product> <APIName>' (API names are PascalCase, e.g. 'DescribeRegions').`,
      [],
    );
  }
  if (code.toLowerCase() !== 'kms') {
    if (PRODUCT_CODES.includes(code.toLowerCase())) throw productError(code.toLowerCase());
    throw suggestError(`'${code}' is not a valid product. See \`aliyun help\`.`, []);
  }
  if (api === undefined) return productHelp(true);
  if (!KMS_API_NAMES.includes(api)) throw apiError(api);
  return apiHelp(api);
}

function productError(product: string): CliError {
  if (PRODUCT_CODES.includes(product))
    return new CliError(`product '${product}' is not supported: this aliyun implements the kms product only`);
  return suggestError(`'${product}' is not a valid command or product. See \`aliyun help\`.`, suggest(product, PRODUCT_CODES));
}

function apiError(api: string): CliError {
  return suggestError(`'${api}' is not a valid api. See \`aliyun help kms\`.`, suggest(api, KMS_API_NAMES));
}

guardStdio();
run(process.argv.slice(2))
  .catch((e) => reportError(e, io))
  .then((code) => {
    // A write error reported while the command ran outranks its success.
    process.exitCode = code || process.exitCode || 0;
  })
  .then(() =>
    // The call is over: exit now rather than when the event loop drains, after which Node frees the
    // heap and each handle one by one (2–3 ms of every call). After the queued callbacks (a failed
    // write to stdout is reported in one: exit 1), and only when stdout and stderr hold nothing
    // unwritten, so piped output is never cut short: a pipe whose reader is slow keeps what it could
    // not take yet, and then the loop drains as before.
    setImmediate(() => {
      if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
    }),
  );
