// The real CLI's root flags, in registration order (aliyun-cli-behavior.md §2.1): the order matters
// for help, for "Did you mean" candidates and for which exclusivity error is reported first.

/** switch: never takes a value; once: the next value; optional: the next value if one follows; repeatable: every following value. */
export type FlagMode = 'switch' | 'once' | 'optional' | 'repeatable';

export interface FlagDef {
  name: string;
  short?: string;
  aliases?: string[];
  mode: FlagMode;
  hidden?: boolean;
  help: string;
  /** Flags this one may not be combined with (checked in table order). */
  excludes?: string[];
}

const f = (name: string, mode: FlagMode, help: string, extra: Partial<FlagDef> = {}): FlagDef => ({ name, mode, help, ...extra });

export const ROOT_FLAGS: FlagDef[] = [
  f('mode', 'optional', 'use `--mode {AK|StsToken|RamRoleArn|EcsRamRole|RsaKeyPair|RamRoleArnWithRoleName|CloudSSO|OAuth|BearerToken|Anonymous}` to assign authenticate mode'),
  f('profile', 'optional', 'use `--profile <profileName>` to select profile', { short: 'p' }),
  f('language', 'once', 'use `--language [en|zh]` to assign language'),
  f('region', 'once', 'use `--region <regionId>` to assign region'),
  f('RegionId', 'once', '', { hidden: true }),
  f('config-path', 'once', 'use `--config-path` to specify the configuration file path'),
  f('access-key-id', 'once', 'use `--access-key-id <AccessKeyId>` to assign AccessKeyId, required in AK/StsToken/RamRoleArn mode'),
  f('access-key-secret', 'once', 'use `--access-key-secret <AccessKeySecret>` to assign AccessKeySecret'),
  f('sts-token', 'once', 'use `--sts-token <StsToken>` to assign StsToken'),
  f('sts-region', 'once', 'use `--sts-region <StsRegion>` to assign StsRegion'),
  f('sts-endpoint', 'once', 'use `--sts-endpoint <StsEndpoint>` to assign STS endpoint, e.g. sts-vpc.cn-hangzhou.aliyuncs.com'),
  f('ram-role-name', 'once', 'use `--ram-role-name <RamRoleName>` to assign RamRoleName'),
  f('ram-role-arn', 'once', 'use `--ram-role-arn <RamRoleArn>` to assign RamRoleArn'),
  f('source-profile', 'once', 'use `--source-profile <SourceProfile>` to assign SourceProfile'),
  f('role-session-name', 'once', 'use `--role-session-name <RoleSessionName>` to assign RoleSessionName'),
  f('external-id', 'once', 'use `--external-id <ExternalId>` to assign ExternalId'),
  f('private-key', 'once', 'use `--private-key <PrivateKey>` to assign RSA PrivateKey'),
  f('key-pair-name', 'once', 'use `--key-pair-name <KeyPairName>` to assign KeyPairName'),
  f('read-timeout', 'once', 'use `--read-timeout <seconds>` to set I/O timeout(seconds)', { aliases: ['retry-timeout'] }),
  f('connect-timeout', 'once', 'use `--connect-timeout <seconds>` to set connect timeout(seconds)'),
  f('retry-count', 'once', 'use `--retry-count <count>` to set retry count'),
  f('skip-secure-verify', 'switch', 'use `--skip-secure-verify` to skip https certification validate [Not recommended]'),
  f('expired-seconds', 'once', 'use `--expired-seconds <seconds>` to specify expiration time'),
  f('process-command', 'once', 'use `--process-command <ProcessCommand>` to specify external program execution command'),
  f('oidc-provider-arn', 'once', 'use `--oidc-provider-arn <OIDCProviderARN>` to assign OIDC provider ARN'),
  f('oidc-token-file', 'once', 'use `--oidc-token-file <OIDCTokenFile>` to assign OIDC token file path'),
  f('cloud-sso-sign-in-url', 'once', 'use `--cloud-sso-sign-in-url` to specify the cloud sso sign in url'),
  f('cloud-sso-access-config', 'once', 'use `--cloud-sso-access-config` to specify the cloud sso access config'),
  f('cloud-sso-account-id', 'once', 'use `--cloud-sso-account-id` to specify the cloud sso account id'),
  f('oauth-site-type', 'once', 'use `--oauth-site-type` to specify the oauth site type, support CN|INTL'),
  f('endpoint-type', 'once', 'use `--endpoint-type` to specify the endpoint type, support vpc or empty (default public)'),
  f('endpoint', 'once', 'use `--endpoint`/`-e <endpoint>` to assign endpoint', { short: 'e' }),
  f('external-account-type', 'once', 'use `--external-account-type <type>` to assign external account type'),
  f('auto-plugin-install', 'once', 'use `--auto-plugin-install {true|false}` to enable/disable automatic plugin installation'),
  f('auto-plugin-install-enable-pre', 'once', 'use `--auto-plugin-install-enable-pre {true|false}` to install latest version (including pre-release)'),
  f('bearer-token', 'once', 'use `--bearer-token <token>` to assign bearer token (BearerToken mode)'),
  f('bearer-token-header-key', 'once', 'use `--bearer-token-header-key <key>` to assign custom auth header key, e.g. x-custom-token'),
  f('secure', 'switch', 'use `--secure` to force https'),
  f('insecure', 'switch', 'use `--insecure` to force http(not recommend)', { hidden: true }),
  f('force', 'switch', 'use `--force` to skip api and parameters check'),
  f('version', 'once', 'use `--version <YYYY-MM-DD>` to assign product api version'),
  f('header', 'repeatable', 'use `--header X-foo=bar` to add custom HTTP header, repeatable'),
  f('body', 'once', 'use `--body $(cat foo.json)` to assign http body in RESTful call'),
  f('body-file', 'once', '', { hidden: true }),
  f('pager', 'repeatable', 'use `--pager` to merge pages for pageable APIs', { excludes: ['waiter'] }),
  f('accept', 'once', '', { hidden: true }),
  f('output', 'repeatable', 'use `--output cols=Field1,Field2 [rows=jmesPath]` to print output as table', { short: 'o' }),
  f('waiter', 'repeatable', 'use `--waiter expr=<jmesPath> to=<value>` to pull api until result equal to expected value', { excludes: ['pager'] }),
  f('dryrun', 'switch', 'add `--dryrun` to validate and print request without running.', { excludes: ['pager', 'waiter', 'cli-dry-run', 'cli-dry-run-json'] }),
  // Exclusions as openapi/flags.go (3.4.11) declares them.
  f('cli-dry-run', 'switch', 'add `--cli-dry-run` to validate and print request details in human-readable format without running.', { excludes: ['pager', 'waiter', 'dryrun', 'cli-dry-run-json'] }),
  f('cli-dry-run-json', 'switch', '', { hidden: true, excludes: ['pager', 'waiter', 'dryrun', 'cli-dry-run'] }),
  f('estimate-cost', 'switch', 'add `--estimate-cost` to estimate the cost of the resources to be created (not supported by this build)', { excludes: ['pager', 'waiter', 'dryrun', 'cli-dry-run', 'cli-dry-run-json'] }),
  f('estimate-cost-context', 'repeatable', 'use `--estimate-cost-context key=value` to give context to --estimate-cost'),
  f('quiet', 'switch', 'add `--quiet` to hide normal output', { short: 'q', excludes: ['dryrun', 'cli-dry-run', 'cli-dry-run-json'] }),
  f('log-level', 'once', 'set log level: DEBUG, INFO, WARN, ERROR (default: ERROR)', { aliases: ['log_level'] }),
  f('yes', 'switch', 'skip safety policy confirmation prompt (for non-interactive/agent use)', { short: 'y' }),
  f('cli-query', 'once', 'use `--cli-query <jmespath>` to filter output with JMESPath expression'),
  f('roa', 'once', '', { hidden: true }),
  f('method', 'once', 'add `--method {GET|POST}` to assign rpc call method.'),
  f('user-agent', 'once', '', { hidden: true }),
  f('cli-ai-mode', 'switch', 'add `--cli-ai-mode` to mark calls made by an AI agent'),
  f('no-cli-ai-mode', 'switch', '', { hidden: true }),
  // Ours: not in the real CLI. Chooses the backend regardless of what credentials resolve.
  f('backend', 'once', 'use `--backend {local|remote}` to choose the backend (default: remote when credentials resolve, else local)'),
  f('help', 'switch', 'print help', { short: 'h' }),
];

const byName = new Map<string, FlagDef>();
const byShort = new Map<string, FlagDef>();
for (const d of ROOT_FLAGS) {
  byName.set(d.name, d);
  for (const a of d.aliases ?? []) byName.set(a, d);
  if (d.short) byShort.set(d.short, d);
}

export const flagByName = (name: string) => byName.get(name);
export const flagByShort = (s: string) => byShort.get(s);

/** Candidates for "Did you mean" after an API's own parameters: every root flag, then `help`. */
export const ROOT_FLAG_NAMES = ROOT_FLAGS.filter((d) => d.name !== 'help')
  .map((d) => d.name)
  .concat('help');
