// `aliyun configure` and its sub-commands (aliyun-cli-behavior.md §5.3–5.4): the same prompts,
// outputs and errors as the real CLI, on the same config.json.
import { existsSync } from 'node:fs';
import { CliError, suggestError } from '../core/errors.js';
import { flagValue, type ParsedArgs } from './argv.js';
import { ConfigReadError, defaultConfigPath, detectMode, environmentLanguage, newProfile, readConfigFile, readConfigText, type ConfigFile, type Profile } from '../config/profile.js';
import { ENV } from '../config/env.js';
import { useColor, type Io } from './render.js';
import { goIndentJson, INT_KEYS, orderProfile, PROFILE_KEYS, writeConfigFile } from '../config/config-file.js';
import { normalizeMode, profileProblem } from '../config/credentials.js';
import { checkConfigureWords, CONFIGURE_SUBCOMMANDS, wordsAfterConfigure } from './configure-args.js';
import { suggest } from './suggest.js';
import { CLI_VERSION } from '../core/version.js';

/** config/configure.go GetLastChars: the last n bytes, or one `*` per byte when there are no more than n. */
function lastChars(s: string, n: number): string {
  const b = Buffer.from(s);
  return b.length > n ? b.subarray(b.length - n).toString() : '*'.repeat(b.length);
}

/** config/configure.go MosaicString: one `*` per byte but the last n. */
function mosaic(s: string, n: number): string {
  const b = Buffer.from(s);
  return b.length > n ? '*'.repeat(b.length - n) + b.subarray(b.length - n).toString() : '*'.repeat(b.length);
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function configPathOf(a: ParsedArgs): string {
  return flagValue(a, 'config-path') || defaultConfigPath();
}


/**
 * config/configuration.go LoadConfigurationWithContext, for get/list/delete/switch: no migration, a
 * missing file is an error, and a --config-path that does not exist is refused as such.
 */
function loadExisting(a: ParsedArgs): { ok: true; cfg: ConfigFile; path: string } | { ok: false; cause: string } {
  const custom = flagValue(a, 'config-path');
  const path = custom || defaultConfigPath();
  if (!existsSync(path)) return { ok: false, cause: custom ? `config path input does not exist: ${custom}` : `stat ${path}: no such file or directory` };
  try {
    return { ok: true, cfg: readConfigText(path), path };
  } catch (e) {
    if (e instanceof ConfigReadError) return { ok: false, cause: e.detail };
    throw e;
  }
}

const CONFIGURE_HELP = `Alibaba Cloud Command Line Interface Version ${CLI_VERSION}

configure credential and settings

Usage:
  aliyun configure --mode {AK|RamRoleArn|EcsRamRole|OIDC|External|CredentialsURI|ChainableRamRoleArn|CloudSSO} --profile <profileName>

Commands:
  get     print configuration values
  set     set config in non interactive mode
  list    list all config profile
  delete  delete the specified profile
  switch  switch default profile
`;

const NOT_IN_THIS_BUILD = new Set(['safety-policy', 'ai-mode', 'plugin-settings']);

export async function runConfigure(a: ParsedArgs, io: Io, argv: string[] = process.argv.slice(2)): Promise<number> {
  // Flags the (sub-)command does not know are refused first, as the real parser does.
  const words = checkConfigureWords(wordsAfterConfigure(argv));
  // Help never reads stdin or touches the file.
  if (words.help || a.flags.has('help')) {
    io.out(CONFIGURE_HELP);
    return 0;
  }
  const { sub, args } = words;
  if (sub === undefined) {
    // config/configure.go: the bare command takes no words.
    if (args.length) throw suggestError(`'${args[0]}' is not a valid command`, suggest(args[0], CONFIGURE_SUBCOMMANDS));
    return configureInteractive(a, io);
  }
  if (NOT_IN_THIS_BUILD.has(sub)) throw new CliError(`'aliyun configure ${sub}' is not available in this build: it configures features outside KMS`);
  // Words after set/list/delete/switch are ignored, as in the real CLI; get reads them as keys.
  switch (sub) {
    case 'set':
      return configureSet(a);
    case 'get':
      return configureGet(a, args, io);
    case 'list':
      return configureList(a, io);
    case 'delete':
      return configureDelete(a, io);
    default:
      return configureSwitch(a, io);
  }
}

/** i18n.GetLanguage after main's SetLanguage: the current profile's language if zh/en, else the environment's. */
function cliLanguage(cfg: ConfigFile | undefined): string {
  const current = cfg?.profiles.find((p) => p?.name === cfg.current);
  const lang = str(current?.language);
  return lang === 'zh' || lang === 'en' ? lang : environmentLanguage();
}

/** config/configuration.go NewConfiguration: what a missing file reads as. */
function newConfiguration(): ConfigFile {
  return { current: 'default', profiles: [newProfile('default')], meta_path: '' };
}

/** strconv.Atoi: an optional sign and decimal digits, within int64; undefined otherwise. */
function atoi(v: string): number | undefined {
  if (!/^[+-]?\d+$/.test(v)) return undefined;
  const n = BigInt(v);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? Number(n) : undefined;
}

/** config/configure_set.go: the fields `configure set` copies for each mode. */
const SET_MODE_FIELDS: Record<string, [flag: string, key: string][]> = {
  AK: [['access-key-id', 'access_key_id'], ['access-key-secret', 'access_key_secret']],
  StsToken: [['access-key-id', 'access_key_id'], ['access-key-secret', 'access_key_secret'], ['sts-token', 'sts_token']],
  RamRoleArn: [
    ['access-key-id', 'access_key_id'],
    ['access-key-secret', 'access_key_secret'],
    ['ram-role-arn', 'ram_role_arn'],
    ['role-session-name', 'ram_session_name'],
    ['external-id', 'external_id'],
    ['expired-seconds', 'expired_seconds'],
  ],
  EcsRamRole: [['ram-role-name', 'ram_role_name']],
  RamRoleArnWithRoleName: [['ram-role-name', 'ram_role_name'], ['ram-role-arn', 'ram_role_arn'], ['role-session-name', 'ram_session_name'], ['expired-seconds', 'expired_seconds']],
  ChainableRamRoleArn: [['source-profile', 'source_profile'], ['ram-role-arn', 'ram_role_arn'], ['role-session-name', 'ram_session_name'], ['external-id', 'external_id'], ['expired-seconds', 'expired_seconds']],
  RsaKeyPair: [['private-key', 'private_key'], ['key-pair-name', 'key_pair_name']],
  External: [['process-command', 'process_command']],
  OIDC: [['oidc-provider-arn', 'oidc_provider_arn'], ['oidc-token-file', 'oidc_token_file'], ['ram-role-arn', 'ram_role_arn'], ['role-session-name', 'ram_session_name'], ['expired-seconds', 'expired_seconds']],
  CloudSSO: [['cloud-sso-access-config', 'cloud_sso_access_config'], ['cloud-sso-account-id', 'cloud_sso_account_id'], ['cloud-sso-sign-in-url', 'cloud_sso_sign_in_url']],
  OAuth: [['oauth-site-type', 'oauth_site_type']],
  BearerToken: [['bearer-token', 'bearer_token'], ['bearer-token-header-key', 'bearer_token_header_key']],
};
/** …and those it copies whatever the mode. */
const SET_COMMON_FIELDS: [flag: string, key: string][] = [
  ['region', 'region_id'],
  ['language', 'language'],
  ['read-timeout', 'read_timeout'],
  ['connect-timeout', 'connect_timeout'],
  ['retry-count', 'retry_count'],
  ['sts-region', 'sts_region'],
  ['sts-endpoint', 'sts_endpoint'],
  ['endpoint-type', 'endpoint_type'],
  ['endpoint', 'endpoint'],
  ['external-account-type', 'external_account_type'],
];

/** Flag.GetStringOrDefault / GetIntegerOrDefault: a given flag's value (an integer only if it parses). */
function copyFlag(a: ParsedArgs, p: Profile, flag: string, key: string): void {
  const v = flagValue(a, flag);
  if (v === undefined) return;
  if (INT_KEYS.has(key)) {
    const n = atoi(v);
    if (n !== undefined) p[key] = n;
  } else p[key] = v;
}

async function configureSet(a: ParsedArgs): Promise<number> {
  const custom = flagValue(a, 'config-path');
  const path = custom || defaultConfigPath();
  let cfg: ConfigFile;
  try {
    cfg = existsSync(path) ? readConfigText(path) : (readConfigFile(path) ?? newConfiguration());
  } catch (e) {
    if (e instanceof ConfigReadError) throw new CliError(custom ? `load configuration file failed init config failed ${e.detail}` : `load configuration failed ${e.detail}`);
    throw e;
  }
  const name = a.flags.has('profile') ? (flagValue(a, 'profile') ?? '') : cfg.current;
  const existing = cfg.profiles.find((p) => p?.name === name);
  // A new profile starts as config/profile.go NewProfile makes it (json output, the CLI's language).
  const profile: Profile = existing ? { ...existing } : newProfile(name, cliLanguage(cfg));
  if (a.flags.has('mode')) profile.mode = normalizeMode(flagValue(a, 'mode') ?? '');
  else if (!profile.mode) profile.mode = 'AK';
  for (const [flag, key] of SET_MODE_FIELDS[profile.mode] ?? []) copyFlag(a, profile, flag, key);
  for (const [flag, key] of SET_COMMON_FIELDS) copyFlag(a, profile, flag, key);
  profile.output_format = 'json';
  profile.site = 'china';
  for (const [flag, key] of [
    ['auto-plugin-install', 'auto_plugin_install'],
    ['auto-plugin-install-enable-pre', 'auto_plugin_install_enable_pre'],
  ]) {
    const v = flagValue(a, flag);
    if (v !== undefined) profile[key] = v.toLowerCase() === 'true';
  }
  const problem = profileProblem(profile);
  if (problem) throw new CliError(`fail to set configuration: ${problem}`);
  if (existing) cfg.profiles = cfg.profiles.map((p) => (p === existing ? profile : p));
  else cfg.profiles.push(profile);
  cfg.current = name;
  await saveConfig(path, cfg, 'save configuration failed ');
  return 0;
}

/** `configure get` keys → the profile key and whether the value is masked. */
const GET_KEYS: Record<string, [string, boolean?]> = {
  profile: ['name'],
  mode: ['mode'],
  'access-key-id': ['access_key_id', true],
  'access-key-secret': ['access_key_secret', true],
  'sts-token': ['sts_token'],
  'sts-region': ['sts_region'],
  'sts-endpoint': ['sts_endpoint'],
  'ram-role-name': ['ram_role_name'],
  'ram-role-arn': ['ram_role_arn'],
  'external-id': ['external_id'],
  'role-session-name': ['ram_session_name'],
  'key-pair-name': ['key_pair_name'],
  'private-key': ['private_key'],
  language: ['language'],
  'cloud-sso-sign-in-url': ['cloud_sso_sign_in_url'],
  'cloud-sso-access-config': ['cloud_sso_access_config'],
  'cloud-sso-account-id': ['cloud_sso_account_id'],
  'oauth-site-type': ['oauth_site_type'],
  'endpoint-type': ['endpoint_type'],
  endpoint: ['endpoint'],
  'external-account-type': ['external_account_type'],
};

/** Persistent flags that config/profile.go OverwriteWithFlags reads (the others are not `get`'s flags). */
const GET_FLAG_FIELDS: [flag: string, key: string][] = [
  ['ram-role-name', 'ram_role_name'],
  ['cloud-sso-sign-in-url', 'cloud_sso_sign_in_url'],
  ['cloud-sso-access-config', 'cloud_sso_access_config'],
  ['cloud-sso-account-id', 'cloud_sso_account_id'],
  ['endpoint-type', 'endpoint_type'],
  ['endpoint', 'endpoint'],
  ['bearer-token', 'bearer_token'],
  ['bearer-token-header-key', 'bearer_token_header_key'],
];

const firstEnv = (...names: string[]) => names.map((n) => process.env[n]).find((v) => v) ?? '';

/** Environment fields config/profile.go OverwriteWithFlags fills when the profile leaves them empty. */
const GET_ENV_FIELDS: [key: string, value: () => string][] = [
  ['access_key_id', () => ENV.accessKeyId() ?? ''],
  ['access_key_secret', () => ENV.accessKeySecret() ?? ''],
  ['sts_token', () => ENV.stsToken() ?? ''],
  ['region_id', () => ENV.region() ?? ''],
  ['sts_endpoint', () => ENV.stsEndpoint() ?? ''],
  ['endpoint_type', () => ENV.endpointType() ?? ''],
  ['endpoint', () => ENV.endpoint() ?? ''],
  ['external_account_type', () => firstEnv('ALIBABA_CLOUD_EXTERNAL_ACCOUNT_TYPE')],
  ['credentials_uri', () => ENV.credentialsUri() ?? ''],
  ['bearer_token', () => firstEnv('ALIBABA_CLOUD_BEARER_TOKEN')],
  ['bearer_token_header_key', () => firstEnv('ALIBABA_CLOUD_BEARER_TOKEN_HEADER_KEY')],
  ['oidc_provider_arn', () => ENV.oidcProviderArn() ?? ''],
  ['oidc_token_file', () => ENV.oidcTokenFile() ?? ''],
  ['ram_role_arn', () => ENV.roleArn() ?? ''],
  ['external_id', () => ENV.externalId() ?? ''],
];

/** config/configuration.go GetCurrentProfile: the current profile (or a bare one by that name), flags and environment overlaid. */
function currentProfileForGet(cfg: ConfigFile, a: ParsedArgs): Profile {
  let name = cfg.current;
  if (name === '' || name === 'default') name = firstEnv('ALIBABACLOUD_PROFILE', 'ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE') || name;
  const found = cfg.profiles.find((p) => p?.name === name);
  const p: Profile = found ? { ...found } : { name };
  const mode = flagValue(a, 'mode')?.trim();
  if (mode) p.mode = normalizeMode(mode);
  for (const [flag, key] of GET_FLAG_FIELDS) {
    const v = flagValue(a, flag);
    if (v !== undefined) p[key] = v;
  }
  for (const [key, value] of GET_ENV_FIELDS) if (!str(p[key])) p[key] = value() || p[key];
  if (!p.auto_plugin_install) p.auto_plugin_install = process.env.ALIBABA_CLOUD_CLI_PLUGIN_AUTO_INSTALL === 'true' || p.auto_plugin_install;
  if (!p.auto_plugin_install_enable_pre) p.auto_plugin_install_enable_pre = process.env.ALIBABA_CLOUD_CLI_PLUGIN_AUTO_INSTALL_ENABLE_PRE === 'true' || p.auto_plugin_install_enable_pre;
  if (!p.mode && normalizeMode(process.env.ALIBABA_CLOUD_PROFILE_MODE ?? '') === 'Anonymous') p.mode = 'Anonymous';
  if (!p.mode) p.mode = detectMode(p);
  return p;
}

async function configureGet(a: ParsedArgs, keys: string[], io: Io): Promise<number> {
  const loaded = loadExisting(a);
  if (!loaded.ok) throw new CliError('load configuration failed. Run `aliyun configure` to set up');
  const { cfg } = loaded;
  let profile: Profile;
  if (a.flags.has('profile')) {
    const pn = flagValue(a, 'profile') ?? '';
    const found = cfg.profiles.find((p) => p?.name === pn);
    if (!found) throw new CliError(`profile ${pn} not found`);
    profile = { ...found };
  } else profile = currentProfileForGet(cfg, a);
  if (keys.length === 0) {
    // The Go struct marshalled: its fields only, empty ones left out; an all-empty profile prints nothing.
    const known = Object.fromEntries(Object.entries(orderProfile(profile)).filter(([k]) => PROFILE_KEYS.includes(k)));
    const empty = Object.entries(known).every(([, v]) => v === '' || v === undefined);
    io.out(empty ? '\n' : goIndentJson(known) + '\n\n');
    return 0;
  }
  let out = '';
  for (const k of keys) {
    if (k === 'region') {
      out += str(profile.region_id);
      continue;
    }
    const spec = GET_KEYS[k];
    if (!spec) continue;
    const v = str(profile[spec[0]]);
    out += `${k}=${spec[1] ? mosaic(v, 3) : v}\n`;
  }
  io.out(out + '\n');
  return 0;
}

/** config/configure_list.go: the credential column, by the mode exactly as stored. */
function credentialSummary(p: Profile): string {
  const s = (k: string) => str(p[k]);
  switch (p.mode) {
    case 'AK':
      return `AK:***${lastChars(s('access_key_id'), 3)}`;
    case 'StsToken':
      return `StsToken:***${lastChars(s('access_key_id'), 3)}`;
    case 'RamRoleArn':
      return `RamRoleArn:***${lastChars(s('access_key_id'), 3)}` + (s('external_id') ? `:${lastChars(s('external_id'), 3)}` : '');
    case 'EcsRamRole':
      return `EcsRamRole:${s('ram_role_name')}`;
    case 'RamRoleArnWithRoleName':
      return `arn:***${lastChars(s('access_key_id'), 3)}`;
    case 'ChainableRamRoleArn':
      return `ChainableRamRoleArn:${s('source_profile')}:${s('ram_role_arn')}` + (s('external_id') ? `:${lastChars(s('external_id'), 3)}` : '');
    case 'RsaKeyPair':
      return `RsaKeyPair:${s('key_pair_name')}`;
    case 'External':
      return `ProcessCommand:${s('process_command')}`;
    case 'CredentialsURI':
      return `CredentialsURI:${s('credentials_uri')}`;
    case 'OIDC':
      return `OIDC:***${lastChars(s('oidc_provider_arn'), 5)}@***${lastChars(s('oidc_token_file'), 5)}@${s('ram_role_arn')}`;
    case 'CloudSSO':
      return `CloudSSO:${s('cloud_sso_account_id')}@${s('cloud_sso_access_config')}`;
    case 'OAuth':
      return `OAuth:${lastChars(s('oauth_access_token'), 10)}@${s('oauth_site_type')}`;
    case 'BearerToken':
      return `BearerToken:***${lastChars(s('bearer_token'), 3)}` + (s('bearer_token_header_key') ? `@${s('bearer_token_header_key')}` : '');
  }
  return '';
}

/** Go text/tabwriter with minwidth 8, padding 1, spaces: every tab-terminated cell padded to its column. */
export function tabwrite(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.slice(0, -1).forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 8, [...c].length + 1);
    });
  return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c + ' '.repeat(widths[i] - [...c].length) : c)).join('') + '\n').join('');
}

async function configureList(a: ParsedArgs, io: Io): Promise<number> {
  const loaded = loadExisting(a);
  if (!loaded.ok) throw new CliError(`load configure failed: ${loaded.cause}`);
  const { cfg } = loaded;
  const rows: string[][] = [
    ['Profile', '| Credential ', '| Valid', '| Region', '| Language'],
    ['---------', '| ------------------', '| -------', '| ----------------', '| --------'],
  ];
  for (const p of cfg.profiles) {
    const valid = profileProblem(p) ? 'Invalid' : 'Valid';
    rows.push([p.name + (p.name === cfg.current ? ' *' : ''), `| ${credentialSummary(p)}`, `| ${valid}`, `| ${str(p.region_id)}`, `| ${str(p.language)}`]);
  }
  io.out(tabwrite(rows));
  return 0;
}

async function configureDelete(a: ParsedArgs, io: Io): Promise<number> {
  if (!a.flags.has('profile')) {
    const color = useColor(process.stderr);
    const text = '\nusage:\n  aliyun configure delete --profile <profileName> [--config-path <configPath>]\n';
    io.err(color ? `\x1b[1;33m${text}\x1b[0m` : text);
    throw new CliError('missing --profile <profileName>');
  }
  const name = flagValue(a, 'profile') ?? '';
  const loaded = loadExisting(a);
  if (!loaded.ok) throw new CliError(`ERROR: load configure failed: ${loaded.cause}`);
  const { cfg, path } = loaded;
  const rest = cfg.profiles.filter((p) => p?.name !== name);
  if (rest.length === cfg.profiles.length) throw new CliError(`error: configuration profile \`${name}\` not found`);
  cfg.profiles = rest;
  if (cfg.current === name) cfg.current = rest[0]?.name ?? 'default';
  await saveConfig(path, cfg, 'error: save configuration failed ');
  return 0;
}

/**
 * Writes config.json; a failure (a full disk, a read-only directory) is one line naming the file,
 * after the real CLI's prefix for the command (config/configure_set.go, configure_delete.go,
 * configure_switch.go; configure.go returns the error bare), never a stack trace.
 */
async function saveConfig(path: string, cfg: ConfigFile, prefix: string): Promise<void> {
  try {
    await writeConfigFile(path, cfg);
  } catch (e: any) {
    const why = e?.code === 'ENOSPC' ? 'no space left on device' : e?.code === 'EACCES' || e?.code === 'EPERM' ? 'permission denied' : e?.code === 'EROFS' ? 'read-only file system' : e?.code === 'ENOTDIR' ? 'a part of the path is not a directory' : (e?.code ?? String(e?.message ?? e));
    throw new CliError(`${prefix}failed to write config "${path}": ${why}`);
  }
}

async function configureSwitch(a: ParsedArgs, io: Io): Promise<number> {
  // config/configure_switch.go: the file is loaded before the flag is looked at.
  const loaded = loadExisting(a);
  if (!loaded.ok) throw new CliError(`load configuration failed ${loaded.cause}`);
  if (!a.flags.has('profile')) throw new CliError('the --profile <profileName> is required');
  const name = flagValue(a, 'profile') ?? '';
  const { cfg, path } = loaded;
  if (!cfg.profiles.some((p) => p?.name === name)) throw new CliError(`the profile \`${name}\` is inexist`);
  cfg.current = name;
  await saveConfig(path, cfg, 'save configuration failed: ');
  io.out(`The default profile is \`${name}\` now.\n`);
  return 0;
}

/** Prompts of each mode after the common ones: [label, profile key, masked?, default]. */
const MODE_PROMPTS: Record<string, [string, string, boolean?, string?][]> = {
  AK: [
    ['Access Key Id', 'access_key_id', true],
    ['Access Key Secret', 'access_key_secret', true],
  ],
  StsToken: [
    ['Access Key Id', 'access_key_id', true],
    ['Access Key Secret', 'access_key_secret', true],
    ['Sts Token', 'sts_token'],
  ],
  RamRoleArn: [
    ['Access Key Id', 'access_key_id', true],
    ['Access Key Secret', 'access_key_secret', true],
    ['Sts Region', 'sts_region'],
    ['Ram Role Arn', 'ram_role_arn'],
    ['Role Session Name', 'ram_session_name'],
    ['External ID', 'external_id'],
    ['Expired Seconds', 'expired_seconds', false, '900'],
  ],
  EcsRamRole: [['Ecs Ram Role', 'ram_role_name']],
  RamRoleArnWithRoleName: [
    ['Ecs Ram Role', 'ram_role_name'],
    ['Sts Region', 'sts_region'],
    ['Ram Role Arn', 'ram_role_arn'],
    ['Role Session Name', 'ram_session_name'],
    ['Expired Seconds', 'expired_seconds', false, '900'],
  ],
  ChainableRamRoleArn: [
    ['Source Profile', 'source_profile'],
    ['Sts Region', 'sts_region'],
    ['Ram Role Arn', 'ram_role_arn'],
    ['Role Session Name', 'ram_session_name'],
    ['External ID', 'external_id'],
    ['Expired Seconds', 'expired_seconds', false, '900'],
  ],
  External: [['Process Command', 'process_command']],
  CredentialsURI: [['Credentials URI', 'credentials_uri']],
  OIDC: [
    ['OIDC Provider ARN', 'oidc_provider_arn'],
    ['OIDC Token File', 'oidc_token_file'],
    ['RAM Role ARN', 'ram_role_arn'],
    ['Role Session Name', 'ram_session_name'],
  ],
};

/** Reads answers line by line (a terminal or a pipe); end of input answers empty. */
async function lineReader(): Promise<() => Promise<string>> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, terminal: false });
  const it = rl[Symbol.asyncIterator]();
  let done = false;
  return async () => {
    if (done) return '';
    const r = await it.next();
    if (r.done) {
      done = true;
      rl.close();
      return '';
    }
    return r.value;
  };
}

async function configureInteractive(a: ParsedArgs, io: Io): Promise<number> {
  const path = configPathOf(a);
  const cfg = readConfigFile(path) ?? newConfiguration();
  // i18n.GetLanguage: what a new profile and an answer other than zh/en get.
  const fallbackLanguage = cliLanguage(cfg);
  const named = flagValue(a, 'profile');
  const name = named || cfg.current || 'default';
  let profile = cfg.profiles.find((p) => p?.name === name);
  const isNew = !profile;
  profile ??= newProfile(name, fallbackLanguage);
  const modeFlag = flagValue(a, 'mode');
  const mode = modeFlag ? normalizeMode(modeFlag) : profile.mode || 'AK';
  const prompts = MODE_PROMPTS[mode];
  if (!prompts) throw new CliError(`unexcepted authenticate mode: ${modeFlag ?? mode}`);
  if (!named && modeFlag && profile.mode && profile.mode !== mode)
    io.out(`Warning: You are changing the authentication type of profile '${name}' from '${profile.mode}' to '${mode}'\n`);
  const read = await lineReader();
  const ask = async (label: string, current: string, shown = current) => {
    io.out(`${label} [${shown}]: `);
    const answer = (await read()).trim();
    return answer === '' ? current : answer;
  };
  io.out(`Configuring profile '${name}' in '${mode}' authenticate mode...\n`);
  const next: Profile = { ...profile, mode };
  for (const [label, key, masked, def] of prompts) {
    const current = str(next[key]) || def || '';
    next[key] = await ask(label, current, masked ? mosaic(current, 3) : current);
  }
  // config/configure.go: strconv.Atoi of the answer; what does not parse is 0 (and so left out).
  if (next.expired_seconds !== undefined) next.expired_seconds = atoi(str(next.expired_seconds)) ?? 0;
  next.region_id = await ask('Default Region Id', str(next.region_id));
  io.out('Default Output Format [json]: json (Only support json)\n');
  next.output_format = 'json';
  io.out(`Default Language [zh|en] ${str(next.language)}: `);
  const langAnswer = (await read()).trim();
  next.language = langAnswer === 'zh' || langAnswer === 'en' ? langAnswer : fallbackLanguage;
  io.out(`Saving profile[${name}] ...`);
  if (isNew) cfg.profiles.push(next);
  else cfg.profiles = cfg.profiles.map((p) => (p?.name === name ? next : p));
  cfg.current = name;
  await saveConfig(path, cfg, '');
  io.out('Done.\n');
  io.out(await checkProfile(next, path));
  return 0;
}

const BANNER = `
Configure Done!!!
..............888888888888888888888 ........=8888888888888888888D=..............
...........88888888888888888888888 ..........D8888888888888888888888I...........
.........,8888888888888ZI: ...........................=Z88D8888888888D..........
.........+88888888 ..........................................88888888D..........
.........+88888888 .......Welcome to use Alibaba Cloud.......O8888888D..........
.........+88888888 ............. ************* ..............O8888888D..........
.........+88888888 .... Command Line Interface(Reloaded) ....O8888888D..........
.........+88888888...........................................88888888D..........
..........D888888888888DO+. ..........................?ND888888888888D..........
...........O8888888888888888888888...........D8888888888888888888888=...........
............ .:D8888888888888888888.........78888888888888888888O ..............
`;

const FAILED = '-----------------------------------------------\n!!! Configure Failed please configure again !!!\n-----------------------------------------------\n';

/** After saving, the real CLI tries the keys with STS GetCallerIdentity: a banner, or the error framed (exit 0 either way). */
async function checkProfile(p: Profile, configPath: string): Promise<string> {
  const { getCallerIdentity } = await import('../backends/remote/credentials.js');
  const { ServiceError } = await import('../core/errors.js');
  const { serverErrorText } = await import('./render.js');
  // The saved profile as a call would see it: the STS endpoint may come from the environment.
  const checked: Profile = { ...p, sts_endpoint: str(p.sts_endpoint) || ENV.stsEndpoint() || '' };
  try {
    // config/profile.go GetCredential, which the real check goes through, tests AK fields first.
    if (checked.mode === 'AK') {
      if (!str(checked.access_key_id) || !str(checked.access_key_secret)) throw new Error('AccessKeyId/AccessKeySecret is empty! run `aliyun configure` first');
      if (!str(checked.region_id)) throw new Error('default RegionId is empty! run `aliyun configure` first');
    }
    await getCallerIdentity(checked, { configPath, http: { connectTimeoutMs: 5000, readTimeoutMs: 10000 } });
    return BANNER;
  } catch (e) {
    const text = e instanceof ServiceError ? serverErrorText(e) : e instanceof Error ? e.message : String(e);
    return FAILED + text + '\n' + FAILED;
  }
}
