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

/** Mode names are matched case-insensitively. */
export function canonicalMode(m: string): string | undefined {
  return MODES.find((x) => x.toLowerCase() === m.toLowerCase());
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
  return canonicalMode(m) ?? m;
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
  if (!canonicalMode(mode)) throw tipError(`invalid mode: ${raw}`);
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
