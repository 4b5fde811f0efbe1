// Credential modes and profile validation (the real CLI's exit-3 errors, aliyun-cli-behavior.md
// §4.4, §6.2): whether a profile names a usable way to get keys. Fetching the keys (STS, instance
// metadata, a process, a URI) is the remote backend's business (backends/remote/credentials.ts).
import { CliError, tipError } from '../core/errors.js';
import { ENV } from './env.js';
import { profileString, type Profile } from './profile.js';
import { isValidRegion } from './region.js';

export const MODES = [
  'AK',
  'StsToken',
  'RamRoleArn',
  'EcsRamRole',
  'RsaKeyPair',
  'RamRoleArnWithRoleName',
  'ChainableRamRoleArn',
  'External',
  'CredentialsURI',
  'OIDC',
  'CloudSSO',
  'OAuth',
  'BearerToken',
  'Anonymous',
] as const;

/**
 * config/profile.go NormalizeMode: a mode given by flag is matched case-insensitively; anything
 * else stays as typed. A mode read from config.json is taken as written (`ak` there is invalid).
 */
export function normalizeMode(m: string): string {
  return MODES.find((x) => x.toLowerCase() === m.toLowerCase()) ?? m;
}

/** Whether `m` is exactly one of the real CLI's modes. */
export function isKnownMode(m: string): boolean {
  return (MODES as readonly string[]).includes(m);
}

/**
 * config/profile.go Profile.Validate, as `configure set` and `configure list` use it: the message
 * of the first problem, or undefined for a valid profile. (The KMS call path adds its own refusals
 * in validateProfile below.)
 */
export function profileProblem(p: Profile): string | undefined {
  const name = p.name;
  const s = (k: string) => profileString(p, k);
  const region = s('region_id');
  if (!region) return "region can't be empty";
  if (!isValidRegion(region)) return `invalid region ${region}`;
  const mode = p.mode ?? '';
  if (!mode) return `profile ${name} is not configure yet, run \`aliyun configure --profile ${name}\` first`;
  const missing = (field: string, shown = field) =>
    s(field) ? undefined : `${shown} is not configured for profile '${name}'. Run \`aliyun configure --profile ${name} --mode ${mode}\` to set it`;
  const first = (...checks: (() => string | undefined)[]) => {
    for (const c of checks) {
      const m = c();
      if (m) return m;
    }
    return undefined;
  };
  const ak = [() => missing('access_key_id'), () => missing('access_key_secret')];
  switch (mode) {
    case 'AK':
      return first(...ak);
    case 'StsToken':
      return first(...ak, () => missing('sts_token'));
    case 'RamRoleArn':
      return first(...ak, () => missing('ram_role_arn'), () => missing('ram_session_name', 'role_session_name'));
    case 'EcsRamRole':
    case 'RamRoleArnWithRoleName':
    case 'Anonymous':
      return undefined;
    case 'RsaKeyPair':
      return first(() => missing('private_key'), () => missing('key_pair_name'));
    case 'External':
      return missing('process_command');
    case 'CredentialsURI':
      return s('credentials_uri')
        ? undefined
        : `credentials_uri is not configured for profile '${name}'. Run \`aliyun configure --profile ${name} --mode CredentialsURI\` or set ALIBABA_CLOUD_CREDENTIALS_URI environment variable`;
    case 'OIDC':
      return first(() => missing('oidc_provider_arn'), () => missing('oidc_token_file'), () => missing('ram_role_arn'), () => missing('ram_session_name', 'role_session_name'));
    case 'ChainableRamRoleArn':
      return first(() => missing('source_profile'), () => missing('ram_role_arn'), () => missing('ram_session_name', 'role_session_name'));
    case 'CloudSSO':
      return missing('cloud_sso_sign_in_url');
    case 'OAuth': {
      const site = s('oauth_site_type');
      return site === 'CN' || site === 'INTL'
        ? undefined
        : `invalid oauth_site_type '${site}' for profile '${name}', should be CN or INTL. Run \`aliyun configure --profile ${name} --mode OAuth\` to set it`;
    }
    case 'BearerToken':
      return missing('bearer_token');
  }
  return `invalid mode: ${mode}`;
}

/** Field a mode needs → the name the error message uses. */
const REQUIRED: Record<string, [key: string, shown: string][]> = {
  AK: [
    ['access_key_id', 'access_key_id'],
    ['access_key_secret', 'access_key_secret'],
  ],
  StsToken: [
    ['access_key_id', 'access_key_id'],
    ['access_key_secret', 'access_key_secret'],
    ['sts_token', 'sts_token'],
  ],
  RamRoleArn: [
    ['access_key_id', 'access_key_id'],
    ['access_key_secret', 'access_key_secret'],
    ['ram_role_arn', 'ram_role_arn'],
    ['ram_session_name', 'role_session_name'],
  ],
  ChainableRamRoleArn: [
    ['source_profile', 'source_profile'],
    ['ram_role_arn', 'ram_role_arn'],
    ['ram_session_name', 'role_session_name'],
  ],
  External: [['process_command', 'process_command']],
  OIDC: [
    ['oidc_provider_arn', 'oidc_provider_arn'],
    ['oidc_token_file', 'oidc_token_file'],
    ['ram_role_arn', 'ram_role_arn'],
    ['ram_session_name', 'role_session_name'],
  ],
  EcsRamRole: [],
};

/** The profile's mode after validation; an empty mode with a credentials URI means CredentialsURI. */
export function effectiveMode(p: Profile): string {
  const m = p.mode ?? '';
  if (!m && (profileString(p, 'credentials_uri') || ENV.credentialsUri())) return 'CredentialsURI';
  return m;
}

/** Validates a profile as the real CLI does before building a client: region, then mode, then fields. */
export function validateProfile(p: Profile, needRegion = true): string {
  const name = p.name;
  const region = profileString(p, 'region_id');
  if (needRegion) {
    if (!region) throw tipError("region can't be empty");
    if (!isValidRegion(region)) throw tipError(`invalid region ${region}`);
  }
  const raw = p.mode ?? '';
  const mode = effectiveMode(p);
  if (!mode) throw tipError(`profile ${name} is not configure yet, run \`aliyun configure --profile ${name}\` first`);
  if (!isKnownMode(mode)) throw tipError(`invalid mode: ${raw}`);
  if (mode === 'CredentialsURI') {
    if (!profileString(p, 'credentials_uri') && !ENV.credentialsUri())
      throw tipError(
        `credentials_uri is not configured for profile '${name}'. Run \`aliyun configure --profile ${name} --mode CredentialsURI\` or set ALIBABA_CLOUD_CREDENTIALS_URI environment variable`,
      );
    return mode;
  }
  if (mode === 'BearerToken')
    throw tipError('profile uses BearerToken mode: built-in product "kms" is not supported; use AK, StsToken or a role mode for KMS');
  if (mode === 'Anonymous') throw new CliError('init client failed anonymous mode is only supported via the OpenAPI path; legacy SDK cannot disable signing');
  const required = REQUIRED[mode];
  if (!required) throw tipError(`mode ${mode} is not supported by this aliyun; use AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, External, CredentialsURI or OIDC`);
  for (const [key, shown] of required)
    if (!profileString(p, key))
      throw tipError(`${shown} is not configured for profile '${name}'. Run \`aliyun configure --profile ${name} --mode ${mode}\` to set it`);
  return mode;
}
