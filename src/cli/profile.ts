// The command line's side of the configuration: turns parsed flags into what src/config and the
// remote backend take (a ProfileRequest, RemoteBackendOptions). The rules themselves live in src/config.
import { defaultConfigPath, resolveProfile as resolveProfileRequest, PROFILE_FLAGS, type Profile, type ProfileRequest, type ResolvedProfile } from '../config/profile.js';
import { resolveRegion } from '../config/region.js';
import type { RemoteBackendOptions } from '../backends/remote/options.js';
import { flagList, flagValue, type ParsedArgs } from './argv.js';

export { defaultConfigPath, hasCredentials, profileString, readConfigFile, type ConfigFile, type Profile, type ResolvedProfile } from '../config/profile.js';
export { ENV } from '../config/env.js';

export function profileRequest(a: ParsedArgs): ProfileRequest {
  const flags: Record<string, string> = {};
  for (const [name] of PROFILE_FLAGS) {
    const v = flagValue(a, name);
    if (v !== undefined) flags[name] = v;
  }
  return { configPath: flagValue(a, 'config-path'), profile: flagValue(a, 'profile'), mode: flagValue(a, 'mode'), flags };
}

/** Selects the profile in force and overlays flags and environment on it. */
export function resolveProfile(a: ParsedArgs): ResolvedProfile {
  return resolveProfileRequest(profileRequest(a));
}

/** The region a call asked for: --region > --RegionId (the profile's otherwise). */
export function requestedRegion(a: ParsedArgs): string | undefined {
  return flagValue(a, 'region') || flagValue(a, 'RegionId') || undefined;
}

/** The request region: --region > --RegionId > profile > environment (already overlaid) > cn-hangzhou. */
export function requestRegion(a: ParsedArgs, p: Profile, fallback = 'cn-hangzhou'): string {
  return resolveRegion(requestedRegion(a), p, fallback);
}

/**
 * What the remote backend is given for a call. A malformed `--header` is left out here: the CLI
 * refuses it itself (after the profile checks, as the real CLI orders them) before anything is sent.
 */
export function remoteOptions(a: ParsedArgs, profile: Profile, configPath = flagValue(a, 'config-path') || ''): RemoteBackendOptions {
  const headers: [string, string][] = [];
  for (const h of flagList(a, 'header') ?? []) {
    const i = h.indexOf('=');
    if (i >= 0) headers.push([h.slice(0, i), h.slice(i + 1)]);
  }
  const method = flagValue(a, 'method');
  return {
    profile,
    configPath: configPath || defaultConfigPath(),
    region: requestedRegion(a),
    transport: {
      scheme: a.flags.has('secure') ? 'https' : a.flags.has('insecure') ? 'http' : 'https',
      method: method === 'GET' || method === 'POST' ? method : a.flags.has('force') ? 'GET' : 'POST',
      apiVersion: flagValue(a, 'version') || undefined,
      headers,
      skipVerify: a.flags.has('skip-secure-verify'),
      userAgent: flagValue(a, 'user-agent'),
      logLevel: flagValue(a, 'log-level'),
    },
  };
}
