// Writing ~/.aliyun/config.json as the real CLI does (aliyun-cli-behavior.md §5.1–5.2): Go's
// MarshalIndent with tabs (HTML characters escaped), no trailing newline, profile keys in the Go
// struct's order with empty values left out, `meta_path` always present, mode 0600, atomic replace.
// Keys the Go CLI does not know are kept (after the known ones), so nothing a user wrote is lost.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ConfigFile, Profile } from './profile.js';

/** The Go struct's field order. */
export const PROFILE_KEYS = [
  'name',
  'mode',
  'access_key_id',
  'access_key_secret',
  'sts_token',
  'sts_region',
  'sts_endpoint',
  'ram_role_name',
  'ram_role_arn',
  'ram_session_name',
  'external_id',
  'source_profile',
  'private_key',
  'key_pair_name',
  'expired_seconds',
  'verified',
  'region_id',
  'output_format',
  'language',
  'site',
  'read_timeout',
  'retry_timeout',
  'connect_timeout',
  'retry_count',
  'process_command',
  'credentials_uri',
  'oidc_provider_arn',
  'oidc_token_file',
  'cloud_sso_sign_in_url',
  'access_token',
  'cloud_sso_access_token_expire',
  'sts_expiration',
  'cloud_sso_access_config',
  'cloud_sso_account_id',
  'oauth_access_token',
  'oauth_refresh_token',
  'oauth_access_token_expire',
  'oauth_refresh_token_expire',
  'oauth_site_type',
  'endpoint_type',
  'endpoint',
  'external_account_type',
  'auto_plugin_install',
  'auto_plugin_install_enable_pre',
  'bearer_token',
  'bearer_token_header_key',
];

/** Integer fields: written as JSON numbers. */
export const INT_KEYS = new Set(['expired_seconds', 'read_timeout', 'retry_timeout', 'connect_timeout', 'retry_count', 'cloud_sso_access_token_expire', 'sts_expiration', 'oauth_access_token_expire', 'oauth_refresh_token_expire']);

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || v === 0 || v === false;

/** A profile in written form: known keys in order (empties dropped except name and mode), then the rest. */
export function orderProfile(p: Profile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of PROFILE_KEYS) {
    let v = p[k];
    if (INT_KEYS.has(k) && typeof v === 'string' && /^-?\d+$/.test(v)) v = Number(v);
    if (k === 'name' || k === 'mode') out[k] = v ?? '';
    else if (!isEmpty(v)) out[k] = v;
  }
  for (const [k, v] of Object.entries(p)) if (!(k in out) && !PROFILE_KEYS.includes(k)) out[k] = v;
  return out;
}

export function orderConfig(cfg: ConfigFile, nullProfiles = false): Record<string, unknown> {
  // A Go nil slice (e.g. a migration that found no complete section) is written as null.
  const out: Record<string, unknown> = { current: cfg.current ?? '', profiles: nullProfiles ? null : cfg.profiles.map(orderProfile), meta_path: cfg.meta_path ?? '' };
  for (const [k, v] of Object.entries(cfg)) if (!(k in out)) out[k] = v;
  return out;
}

/** Go's json.MarshalIndent(v, "", "\t"): like JSON.stringify with tabs, plus Go's HTML escaping. */
export function goIndentJson(v: unknown, prefix = ''): string {
  return JSON.stringify(v, null, '\t')
    .replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
    .replace(/\n/g, '\n' + prefix);
}

/** Replaces the file atomically (temp file + rename) with mode 0600, through conf. */
export async function writeConfigFile(path: string, cfg: ConfigFile): Promise<void> {
  const { default: Conf } = await import('conf');
  const file = basename(path);
  const store = new Conf<Record<string, unknown>>({
    cwd: dirname(path),
    configName: file,
    fileExtension: '',
    configFileMode: 0o600,
    // Reading is ours (readConfigFile); conf reads the old file only to compare.
    deserialize: (text: string) => {
      try {
        return JSON.parse(text);
      } catch {
        return {};
      }
    },
    serialize: (v: Record<string, unknown>) => goIndentJson(v),
    accessPropertiesByDotNotation: false,
  });
  store.store = orderConfig(cfg);
}

/**
 * The same file written synchronously (temp file, fsync, rename; mode 0600; the directory made
 * 0755 if missing): for the migration, which happens on the call path where nothing else is async.
 */
export function writeConfigFileSync(path: string, cfg: ConfigFile, opts: { nullProfiles?: boolean } = {}): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, goIndentJson(orderConfig(cfg, opts.nullProfiles)));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
