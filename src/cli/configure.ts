// `aliyun configure` and its sub-commands (aliyun-cli-behavior.md §5.3–5.4): the same prompts,
// outputs and errors as the real CLI, on the same config.json.
import { existsSync } from 'node:fs';
import { CliError, suggestError } from '../core/errors.js';
import { flagValue, type ParsedArgs } from './argv.js';
import { defaultConfigPath, readConfigFile, type ConfigFile, type Profile } from '../config/profile.js';
import { ENV } from '../config/env.js';
import { useColor, type Io } from './render.js';
import { goIndentJson, orderProfile, writeConfigFile } from '../config/config-file.js';
import { canonicalMode, validateProfile } from '../config/credentials.js';
import { suggest } from './suggest.js';
import { CLI_VERSION } from '../core/version.js';

const SUBCOMMANDS = ['get', 'set', 'list', 'delete', 'switch'];

/** All but the last 3 characters replaced by `*` (≤ 3 characters: all). */
export function mask(s: string): string {
  if (s.length <= 3) return '*'.repeat(s.length);
  return '*'.repeat(s.length - 3) + s.slice(-3);
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function configPathOf(a: ParsedArgs): string {
  return flagValue(a, 'config-path') || defaultConfigPath();
}

function emptyConfig(): ConfigFile {
  return { current: '', profiles: [], meta_path: '' };
}

/** Flag → profile key for `configure set` and the interactive defaults. */
const SET_FLAGS: [flag: string, key: string][] = [
  ['access-key-id', 'access_key_id'],
  ['access-key-secret', 'access_key_secret'],
  ['sts-token', 'sts_token'],
  ['sts-region', 'sts_region'],
  ['sts-endpoint', 'sts_endpoint'],
  ['ram-role-name', 'ram_role_name'],
  ['ram-role-arn', 'ram_role_arn'],
  ['role-session-name', 'ram_session_name'],
  ['external-id', 'external_id'],
  ['source-profile', 'source_profile'],
  ['private-key', 'private_key'],
  ['key-pair-name', 'key_pair_name'],
  ['expired-seconds', 'expired_seconds'],
  ['region', 'region_id'],
  ['language', 'language'],
  ['read-timeout', 'read_timeout'],
  ['connect-timeout', 'connect_timeout'],
  ['retry-count', 'retry_count'],
  ['process-command', 'process_command'],
  ['oidc-provider-arn', 'oidc_provider_arn'],
  ['oidc-token-file', 'oidc_token_file'],
  ['cloud-sso-sign-in-url', 'cloud_sso_sign_in_url'],
  ['cloud-sso-access-config', 'cloud_sso_access_config'],
  ['cloud-sso-account-id', 'cloud_sso_account_id'],
  ['oauth-site-type', 'oauth_site_type'],
  ['endpoint-type', 'endpoint_type'],
  ['endpoint', 'endpoint'],
  ['external-account-type', 'external_account_type'],
  ['bearer-token', 'bearer_token'],
  ['bearer-token-header-key', 'bearer_token_header_key'],
];

function rejectUnknownFlags(a: ParsedArgs, sub: string): void {
  const p = a.params[0];
  if (!p) return;
  const allowed = sub === 'list' ? ['config-path', 'profile', 'p'] : ['config-path', 'profile', 'mode', ...SET_FLAGS.map(([f]) => f)];
  const close = suggest(p.name, allowed);
  throw suggestError(
    close.length ? `invalid flag --${p.name}, did you mean --${close[0]}?` : `invalid flag --${p.name}; available flags: ${allowed.map((f) => (f.length === 1 ? '-' + f : '--' + f)).sort().join(', ')}`,
    [],
  );
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

export async function runConfigure(a: ParsedArgs, io: Io): Promise<number> {
  const sub = a.positionals[1];
  // Help never reads stdin or touches the file.
  if (a.flags.has('help') || sub === 'help') {
    io.out(CONFIGURE_HELP);
    return 0;
  }
  if (sub !== undefined && !SUBCOMMANDS.includes(sub)) throw suggestError(`'${sub}' is not a valid command`, suggest(sub, SUBCOMMANDS));
  if (a.positionals.length > 2 && sub !== 'get') throw new CliError(`too many arguments`);
  rejectUnknownFlags(a, sub ?? '');
  switch (sub) {
    case 'set':
      return configureSet(a);
    case 'get':
      return configureGet(a, io);
    case 'list':
      return configureList(a, io);
    case 'delete':
      return configureDelete(a, io);
    case 'switch':
      return configureSwitch(a, io);
  }
  return configureInteractive(a, io);
}

async function configureSet(a: ParsedArgs): Promise<number> {
  const path = configPathOf(a);
  const cfg = readConfigFile(path) ?? emptyConfig();
  const name = flagValue(a, 'profile') || cfg.current || 'default';
  let profile = cfg.profiles.find((p) => p?.name === name);
  if (!profile) {
    profile = { name, mode: '' };
    cfg.profiles.push(profile);
  }
  const modeFlag = flagValue(a, 'mode');
  const mode = modeFlag ? (canonicalMode(modeFlag) ?? modeFlag) : profile.mode || 'AK';
  profile.mode = mode;
  for (const [flag, key] of SET_FLAGS) {
    const v = flagValue(a, flag);
    if (v !== undefined) profile[key] = v;
  }
  profile.output_format = 'json';
  profile.site = 'china';
  try {
    validateProfile(profile);
  } catch (e) {
    if (e instanceof CliError) throw new CliError(`fail to set configuration: ${e.message}`);
    throw e;
  }
  cfg.current = name;
  await writeConfigFile(path, cfg);
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

async function configureGet(a: ParsedArgs, io: Io): Promise<number> {
  const cfg = readConfigFile(configPathOf(a));
  if (!cfg) throw new CliError('load configuration failed. Run `aliyun configure` to set up');
  const named = flagValue(a, 'profile');
  const name = named || cfg.current || 'default';
  const found = cfg.profiles.find((p) => p?.name === name);
  if (!found) throw new CliError(`profile ${name} not found`);
  const profile: Profile = { ...found };
  if (!named) {
    // Display only: environment credentials fill what the profile leaves empty.
    const fill: [string, string | undefined][] = [
      ['access_key_id', ENV.accessKeyId()],
      ['access_key_secret', ENV.accessKeySecret()],
      ['sts_token', ENV.stsToken()],
      ['region_id', ENV.region()],
    ];
    for (const [k, v] of fill) if (!str(profile[k]) && v) profile[k] = v;
  }
  const keys = a.positionals.slice(2);
  if (keys.length === 0) {
    io.out(goIndentJson(orderProfile(profile)) + '\n\n');
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
    out += `${k}=${spec[1] ? mask(v) : v}\n`;
  }
  io.out(out + '\n');
  return 0;
}

function credentialSummary(p: Profile): string {
  const s = (k: string) => str(p[k]);
  const last = (v: string, n: number) => v.slice(-n);
  switch (canonicalMode(p.mode ?? '') ?? p.mode) {
    case 'AK':
      return `AK:***${last(s('access_key_id'), 3)}`;
    case 'StsToken':
      return `StsToken:***${last(s('access_key_id'), 3)}`;
    case 'RamRoleArn':
      return `RamRoleArn:***${last(s('access_key_id'), 3)}` + (s('external_id') ? `:${last(s('external_id'), 3)}` : '');
    case 'EcsRamRole':
      return `EcsRamRole:${s('ram_role_name')}`;
    case 'ChainableRamRoleArn':
      return `ChainableRamRoleArn:${s('source_profile')}:${s('ram_role_arn')}`;
    case 'External':
      return `ProcessCommand:${s('process_command')}`;
    case 'CredentialsURI':
      return `CredentialsURI:${s('credentials_uri')}`;
    case 'OIDC':
      return `OIDC:***${last(s('oidc_provider_arn'), 5)}@***${last(s('oidc_token_file'), 5)}@${s('ram_role_arn')}`;
  }
  return p.mode ?? '';
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
  const path = configPathOf(a);
  if (!existsSync(path)) throw new CliError(`load configure failed: stat ${path}: no such file or directory`);
  const cfg = readConfigFile(path) ?? emptyConfig();
  const rows: string[][] = [
    ['Profile', '| Credential ', '| Valid', '| Region', '| Language'],
    ['---------', '| ------------------', '| -------', '| ----------------', '| --------'],
  ];
  for (const p of cfg.profiles) {
    if (!p) continue;
    let valid = 'Valid';
    try {
      validateProfile({ ...p });
    } catch {
      valid = 'Invalid';
    }
    rows.push([p.name + (p.name === cfg.current ? ' *' : ''), `| ${credentialSummary(p)}`, `| ${valid}`, `| ${str(p.region_id)}`, `| ${str(p.language)}`]);
  }
  io.out(tabwrite(rows));
  return 0;
}

async function configureDelete(a: ParsedArgs, io: Io): Promise<number> {
  const name = flagValue(a, 'profile');
  if (!name) {
    const color = useColor(process.stderr);
    const text = '\nusage:\n  aliyun configure delete --profile <profileName> [--config-path <configPath>]\n';
    io.err(color ? `\x1b[1;33m${text}\x1b[0m` : text);
    throw new CliError('missing --profile <profileName>');
  }
  const path = configPathOf(a);
  const cfg = readConfigFile(path);
  if (!cfg) throw new CliError(`ERROR: load configure failed: stat ${path}: no such file or directory`);
  const rest = cfg.profiles.filter((p) => p?.name !== name);
  if (rest.length === cfg.profiles.length) throw new CliError(`error: configuration profile \`${name}\` not found`);
  cfg.profiles = rest;
  if (cfg.current === name) cfg.current = rest[0]?.name ?? 'default';
  await writeConfigFile(path, cfg);
  return 0;
}

async function configureSwitch(a: ParsedArgs, io: Io): Promise<number> {
  const name = flagValue(a, 'profile');
  if (!name) throw new CliError('the --profile <profileName> is required');
  const path = configPathOf(a);
  const cfg = readConfigFile(path) ?? emptyConfig();
  if (!cfg.profiles.some((p) => p?.name === name)) throw new CliError(`the profile \`${name}\` is inexist`);
  cfg.current = name;
  await writeConfigFile(path, cfg);
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
  const cfg = readConfigFile(path) ?? emptyConfig();
  const named = flagValue(a, 'profile');
  const name = named || cfg.current || 'default';
  let profile = cfg.profiles.find((p) => p?.name === name);
  const isNew = !profile;
  profile ??= { name, mode: '' };
  const modeFlag = flagValue(a, 'mode');
  const mode = modeFlag ? (canonicalMode(modeFlag) ?? modeFlag) : profile.mode || 'AK';
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
    next[key] = await ask(label, current, masked ? mask(current) : current);
  }
  next.region_id = await ask('Default Region Id', str(next.region_id));
  io.out('Default Output Format [json]: json (Only support json)\n');
  next.output_format = 'json';
  const lang = str(next.language) || 'en';
  io.out(`Default Language [zh|en] ${lang}: `);
  const langAnswer = (await read()).trim();
  next.language = langAnswer === 'zh' || langAnswer === 'en' ? langAnswer : envLanguage();
  io.out(`Saving profile[${name}] ...`);
  if (isNew) cfg.profiles.push(next);
  else cfg.profiles = cfg.profiles.map((p) => (p?.name === name ? next : p));
  cfg.current = name;
  await writeConfigFile(path, cfg);
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
    await getCallerIdentity(checked, { configPath, http: { connectTimeoutMs: 5000, readTimeoutMs: 10000 } });
    return BANNER;
  } catch (e) {
    const text = e instanceof ServiceError ? serverErrorText(e) : e instanceof Error ? e.message : String(e);
    return FAILED + text + '\n' + FAILED;
  }
}

function envLanguage(): string {
  const l = process.env.LANG ?? process.env.LC_ALL ?? '';
  return l.startsWith('zh') ? 'zh' : 'en';
}
