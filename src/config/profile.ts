// Profile selection and the field overlay of the real CLI (aliyun-cli-behavior.md §5, §6): which
// profile of ~/.aliyun/config.json is in force, and what flags and environment add to it. The
// caller says what was asked for (a ProfileRequest); nothing here knows the command line's grammar.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { tipError } from '../core/errors.js';
import { JsonSyntaxError, parseLossless } from '../core/json.js';
import { ENV, ignoreProfile } from './env.js';
import { decodeConfiguration, GoDecodeError } from './go-decode.js';
import { migrateLegacyConfiguration } from './legacy.js';
import { writeConfigFileSync } from './config-file.js';
import { normalizeMode } from './credentials.js';

/** A profile as stored in config.json (snake_case keys; unknown keys are kept). */
export type Profile = Record<string, unknown> & { name: string; mode?: string };

export interface ConfigFile {
  current: string;
  profiles: Profile[];
  meta_path?: string;
  [k: string]: unknown;
}

export function defaultConfigPath(): string {
  return join(process.env.HOME ?? homedir(), '.aliyun', 'config.json');
}

/**
 * The language of the CLI's own texts before a profile says otherwise (i18n/environment.go):
 * `zh` when LANG starts with `zh_CN`, else `en`.
 */
export function environmentLanguage(): string {
  return (process.env.LANG ?? '').startsWith('zh_CN') ? 'zh' : 'en';
}

/** config/profile.go NewProfile: what a profile the file does not have yet starts as. */
export function newProfile(name: string, language = environmentLanguage()): Profile {
  return { name, mode: '', output_format: 'json', language };
}

/** config.json could not be read or decoded; `cause` is the Go error text. */
export class ConfigReadError extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

const loadFailed = (cause: string) => tipError(`load current configuration failed init config failed ${cause}`);

/** Parses config.json text as the real CLI does (see go-decode.ts). */
export function parseConfigText(text: string): ConfigFile {
  let doc;
  try {
    // Our parser's messages name one character at most: V8's quote the file, secrets included.
    doc = parseLossless(text);
    JSON.parse(text);
  } catch (e: any) {
    throw new ConfigReadError(e instanceof JsonSyntaxError ? e.message : 'invalid JSON');
  }
  try {
    return decodeConfiguration(doc, (name) => newProfile(name));
  } catch (e) {
    if (e instanceof GoDecodeError) throw new ConfigReadError(e.message);
    throw e;
  }
}

/** Reads and decodes an existing config.json; failures are ConfigReadError (ENOENT included). */
export function readConfigText(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: any) {
    throw new ConfigReadError(e.code === 'ENOENT' ? `stat ${path}: no such file or directory` : `reading config from '${path}' failed ${e.message}`);
  }
  return parseConfigText(text);
}

/**
 * Reads config.json; undefined when the file does not exist. A broken file is an error (exit 3).
 * When the default file does not exist, the legacy ~/.aliyuncli files are migrated into it first
 * (config/configuration.go LoadOrCreateConfiguration).
 */
export function readConfigFile(path: string): ConfigFile | undefined {
  if (!existsSync(path)) return path === defaultConfigPath() ? migrateLegacy(path) : undefined;
  try {
    return readConfigText(path);
  } catch (e) {
    if (e instanceof ConfigReadError) throw loadFailed(e.detail);
    throw e;
  }
}

function migrateLegacy(path: string): ConfigFile | undefined {
  const conf = migrateLegacyConfiguration(process.env.HOME ?? homedir(), existsSync);
  if (!conf) return undefined;
  try {
    writeConfigFileSync(path, conf, { nullProfiles: conf.profiles.length === 0 });
  } catch (e: any) {
    throw loadFailed(`save failed ${e.message}`);
  }
  return conf;
}

/** Flag name → profile key, for the overlay (flags > profile > environment). */
export const PROFILE_FLAGS: [flag: string, key: string, env?: () => string | undefined][] = [
  ['access-key-id', 'access_key_id', ENV.accessKeyId],
  ['access-key-secret', 'access_key_secret', ENV.accessKeySecret],
  ['sts-token', 'sts_token', ENV.stsToken],
  ['region', 'region_id', ENV.region],
  ['sts-region', 'sts_region'],
  ['sts-endpoint', 'sts_endpoint', ENV.stsEndpoint],
  ['ram-role-name', 'ram_role_name'],
  ['ram-role-arn', 'ram_role_arn', ENV.roleArn],
  ['role-session-name', 'ram_session_name'],
  ['external-id', 'external_id', ENV.externalId],
  ['source-profile', 'source_profile'],
  ['private-key', 'private_key'],
  ['key-pair-name', 'key_pair_name'],
  ['expired-seconds', 'expired_seconds'],
  ['process-command', 'process_command'],
  ['oidc-provider-arn', 'oidc_provider_arn', ENV.oidcProviderArn],
  ['oidc-token-file', 'oidc_token_file', ENV.oidcTokenFile],
  ['cloud-sso-sign-in-url', 'cloud_sso_sign_in_url'],
  ['cloud-sso-access-config', 'cloud_sso_access_config'],
  ['cloud-sso-account-id', 'cloud_sso_account_id'],
  ['oauth-site-type', 'oauth_site_type'],
  ['endpoint-type', 'endpoint_type', ENV.endpointType],
  ['endpoint', 'endpoint', ENV.endpoint],
  ['external-account-type', 'external_account_type'],
  ['bearer-token', 'bearer_token'],
  ['bearer-token-header-key', 'bearer_token_header_key'],
  ['read-timeout', 'read_timeout'],
  ['connect-timeout', 'connect_timeout'],
  ['retry-count', 'retry_count'],
];

/** Flags whose presence lets `--mode` overlay the profile (§2.2 gotcha). */
const CREDENTIAL_FLAGS = ['access-key-id', 'access-key-secret', 'sts-token', 'ram-role-name', 'ram-role-arn', 'role-session-name', 'private-key', 'key-pair-name', 'oidc-provider-arn', 'oidc-token-file'];

/** What a call asks of the configuration. */
export interface ProfileRequest {
  /** `--config-path`; the default file when empty. */
  configPath?: string;
  /** `--profile`. */
  profile?: string;
  /** `--mode`. */
  mode?: string;
  /** The profile flags given (names of PROFILE_FLAGS and CREDENTIAL_FLAGS), by name; present even when empty. */
  flags: Record<string, string>;
}

export interface ResolvedProfile {
  profile: Profile;
  configPath: string;
  config?: ConfigFile;
}

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Selects the profile in force and overlays flags and environment on it. */
export function resolveProfile(req: ProfileRequest): ResolvedProfile {
  const configPath = req.configPath || defaultConfigPath();
  const ignore = ignoreProfile();
  let profile: Profile;
  let config: ConfigFile | undefined;
  if (ignore) profile = { name: 'default', mode: '', region_id: 'cn-hangzhou' };
  else {
    config = readConfigFile(configPath);
    const flagProfile = req.profile;
    const name = flagProfile || process.env.ALIBABACLOUD_PROFILE || process.env.ALIBABA_CLOUD_PROFILE || process.env.ALICLOUD_PROFILE || config?.current || 'default';
    const found = config?.profiles.find((p) => p && p.name === name);
    if (found) profile = { ...found };
    else if (!config && name === 'default') profile = { name: 'default', mode: '', output_format: 'json' };
    else if (flagProfile) throw tipError(`unknown profile ${name}, run configure to check`);
    else throw tipError(`load current configuration failed unknown profile ${name}, run configure to check`);
  }

  const modeFlag = req.mode;
  // openapi/commando.go DetectInConfigureMode: an empty --mode or Anonymous still overlays.
  const modeOnly = !!modeFlag?.trim() && normalizeMode(modeFlag.trim()) !== 'Anonymous' && !CREDENTIAL_FLAGS.some((f) => Object.hasOwn(req.flags, f));
  // config/profile.go OverwriteWithFlags: a mode given by flag is normalized, an empty one ignored.
  if (modeFlag && modeFlag.trim()) profile.mode = normalizeMode(modeFlag.trim());
  if (!modeOnly) {
    for (const [flag, key, env] of PROFILE_FLAGS) {
      const fv = Object.hasOwn(req.flags, flag) ? req.flags[flag] : undefined;
      if (fv !== undefined && fv !== '') profile[key] = fv;
      else if (!str(profile[key]) && env && !(ignore && key === 'region_id')) {
        const ev = env();
        if (ev) profile[key] = ev;
      }
    }
  }
  if (!profile.mode) profile.mode = detectMode(profile);
  // §6.2: this variable forces Anonymous, which the KMS path then refuses.
  if (process.env.ALIBABA_CLOUD_PROFILE_MODE === 'Anonymous') profile.mode = 'Anonymous';
  return { profile, configPath, config };
}

/** Mode auto-detection when none is set (§6.2). */
export function detectMode(p: Profile): string {
  const has = (k: string) => !!str(p[k]);
  if (has('access_key_id') && has('access_key_secret')) return has('sts_token') ? 'StsToken' : has('ram_role_arn') ? 'RamRoleArn' : 'AK';
  if (has('private_key') && has('key_pair_name')) return 'RsaKeyPair';
  if (has('ram_role_name')) return 'EcsRamRole';
  if (has('process_command')) return 'External';
  if (has('oidc_provider_arn') && has('oidc_token_file') && has('ram_role_arn')) return 'OIDC';
  if (has('cloud_sso_sign_in_url')) return 'CloudSSO';
  if (has('bearer_token')) return 'BearerToken';
  return '';
}

/** Whether the profile in force names a way to obtain credentials (the remote backend's condition). */
export function hasCredentials(p: Profile): boolean {
  return !!p.mode || !!ENV.credentialsUri() || !!str(p.credentials_uri);
}

export function profileString(p: Profile, key: string): string {
  return str(p[key]);
}
