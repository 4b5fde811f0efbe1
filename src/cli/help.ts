// Usage and help texts (aliyun-cli-behavior.md §8), built from the flag table, the API metadata and
// our operation descriptions. Colour as everywhere: only on a terminal. The CLI's own texts follow
// the real CLI's language switch (i18n/environment.go): the profile's `language`, else LANG.
import { PRODUCT, KMS_API_NAMES, apiMeta, apiSummary, parameterHelp, type MetaParam } from '../operations/catalog.js';
import { ROOT_FLAGS, type FlagDef } from './flags.js';
import { useColor } from '../core/color.js';
import { CLI_VERSION } from '../core/version.js';

export { CLI_VERSION };

export type Language = 'en' | 'zh';
let language: Language = languageFromEnv();

/** i18n/environment.go: LANG starting with zh_CN means Chinese; anything else English. */
function languageFromEnv(): Language {
  return (process.env.LANG ?? '').startsWith('zh_CN') ? 'zh' : 'en';
}

/** i18n.SetLanguage: `en` or `zh` as given, anything else (also empty) falls back to LANG. */
export function setLanguage(lang: unknown): void {
  language = lang === 'en' || lang === 'zh' ? lang : languageFromEnv();
}

export const getLanguage = (): Language => language;
const t = (en: string, zh: string) => (language === 'zh' ? zh : en);

const head = () => t(`Alibaba Cloud Command Line Interface Version ${CLI_VERSION}`, `阿里云CLI命令行工具 ${CLI_VERSION}`) + '\n';
const productName = () => t(PRODUCT.longName, PRODUCT.longNameZh);

/** Go text/tabwriter with minwidth 8, padding 1, padded with spaces. */
function tabwriter(rows: [string, string][]): string {
  const w = Math.max(8, ...rows.map((r) => [...r[0]].length + 1));
  return rows.map(([a, b]) => a + ' '.repeat(w - [...a].length) + b + '\n').join('');
}

/** Sub-commands listed in the usage (`version` exists too, hidden as in the real CLI). */
export const SUB_COMMANDS: [string, string][] = [
  ['configure', 'configure credential and settings'],
  ['auto-completion', 'enable auto completion'],
];
const SUB_COMMANDS_ZH: Record<string, string> = { configure: '配置身份认证和其他信息', 'auto-completion': '启用自动完成' };

/** The Chinese short help of each flag, as the real CLI's i18n texts have them (ours for our own flags). */
const FLAG_HELP_ZH: Record<string, string> = {
  mode: "使用 `--mode {AK|StsToken|RamRoleArn|EcsRamRole|RsaKeyPair|RamRoleArnWithRoleName|CloudSSO|OAuth|BearerToken|Anonymous}` 指定认证方式",
  profile: "使用 `--profile <profileName>` 指定操作的配置集",
  language: "使用 `--language [en|zh]` 来指定语言",
  region: "使用 `--region <regionId>` 来指定访问大区",
  'config-path': "使用 `--config-path` 指定配置文件路径",
  'access-key-id': "使用 `--access-key-id <AccessKeyId>` 指定AccessKeyId",
  'access-key-secret': "使用 `--access-key-secret <AccessKeySecret>` 指定AccessKeySecret",
  'sts-token': "使用 `--sts-token <StsToken>` 指定StsToken",
  'sts-region': "使用 `--sts-region <StsRegion>` 指定StsRegion",
  'sts-endpoint': "使用 `--sts-endpoint <StsEndpoint>` 指定 STS endpoint，例如 sts-vpc.cn-hangzhou.aliyuncs.com",
  'ram-role-name': "使用 `--ram-role-name <RamRoleName>` 指定RamRoleName",
  'ram-role-arn': "使用 `--ram-role-arn <RamRoleArn>` 指定RamRoleArn",
  'source-profile': "使用 `--source-profile <SourceProfile>` 指定SourceProfile",
  'role-session-name': "使用 `--role-session-name <RoleSessionName>` 指定RoleSessionName",
  'external-id': "使用 `--external-id <ExternalId>` 指定ExternalId",
  'private-key': "使用 `--private-key <PrivateKey>` 指定RSA私钥",
  'key-pair-name': "使用 `--key-pair-name <KeyPairName>` 指定KeyPairName",
  'read-timeout': "使用 `--read-timeout <seconds>` 指定I/O超时时间(秒)",
  'connect-timeout': "使用 `--connect-timeout <seconds>` 指定请求连接超时时间(秒)",
  'retry-count': "使用 `--retry-count <count>` 指定重试次数",
  'skip-secure-verify': "使用 `--skip-secure-verify` 跳过https的证书校验 [不推荐使用]",
  'expired-seconds': "使用 `--expired-seconds <seconds>` 指定凭证过期时间",
  'process-command': "使用 `--process-command <ProcessCommand>` 指定外部程序运行命令",
  'oidc-provider-arn': "使用 `--oidc-provider-arn <OIDCProviderARN>` 来指定 OIDC 提供者 ARN",
  'oidc-token-file': "使用 `--oidc-token-file <OIDCTokenFile>` 来指定 OIDC Token 文件路径",
  'cloud-sso-sign-in-url': "使用 `--cloud-sso-sign-in-url` 指定云SSO登录地址",
  'cloud-sso-access-config': "使用 `--cloud-sso-access-config` 指定云SSO访问配置",
  'cloud-sso-account-id': "使用 `--cloud-sso-account-id` 指定云SSO账号ID",
  'oauth-site-type': "使用 `--oauth-site-type` 指定 OAuth 站点类型, 支持 CN|INTL",
  'endpoint-type': "使用 `--endpoint-type` 指定 endpoint 类型, 支持 vpc 或空值(默认公网)",
  endpoint: "使用 `--endpoint`/`-e <endpoint>` 来指定接入点地址",
  'external-account-type': "使用 `--external-account-type <type>` 来指定外部账号类型",
  'auto-plugin-install': "使用 `--auto-plugin-install {true|false}` 启用/禁用自动安装插件",
  'auto-plugin-install-enable-pre': "使用 `--auto-plugin-install-enable-pre {true|false}` 安装最新版本（包括预览版本）",
  'bearer-token': "使用 `--bearer-token <token>` 指定 Bearer Token（BearerToken 认证模式）",
  'bearer-token-header-key': "使用 `--bearer-token-header-key <key>` 指定自定义认证 Header 名称，例如 x-custom-token",
  secure: "使用 `--secure` 开关强制使用https方式调用",
  insecure: "使用 `--insecure` 开关强制使用http方式调用（不推荐）",
  force: "添加 `--force` 开关可跳过API与参数的合法性检查",
  version: "使用 `--version <YYYY-MM-DD>` 来指定访问的API版本",
  header: "使用 `--header X-foo=bar` 来添加特定的HTTP头, 可多次添加",
  body: "使用 `--body $(cat foo.json)` 来指定在RESTful调用中的HTTP包体",
  pager: "使用 `--pager` 在访问分页的API时合并结果分页",
  output: "使用 `--output cols=Field1,Field1 [rows=jmesPath]` 使用表格方式打印输出",
  waiter: "使用 `--waiter expr=<jmesPath> to=<value>` 来轮询调用OpenAPI，直到返回期望的值",
  dryrun: "使用 `--dryrun` 在执行校验后打印请求包体，跳过实际运行",
  'cli-dry-run': "使用 `--cli-dry-run` 在执行校验后以人类可读格式输出请求详情，跳过实际运行",
  'estimate-cost': "使用 `--estimate-cost` 预估将要创建的资源费用（本版本不支持）",
  'estimate-cost-context': "使用 `--estimate-cost-context key=value` 为 --estimate-cost 提供上下文",
  quiet: "使用 `--quiet` 关闭正常输出",
  'log-level': "设置日志级别: DEBUG、INFO、WARN、ERROR（默认: ERROR）",
  yes: "跳过安全策略的确认提示（用于非交互式/Agent 场景）",
  'cli-query': "使用 `--cli-query <jmespath>` 通过 JMESPath 表达式过滤输出结果",
  method: "使用 `--method {GET|POST}` 来指定 RPC 请求的 Method",
  'cli-ai-mode': "添加 `--cli-ai-mode` 标记由 AI Agent 发起的调用",
  backend: "使用 `--backend {local|remote}` 选择后端（默认：能解析到凭证时为 remote，否则为 local）",
  help: "打印帮助信息",
};

const flagHelp = (f: FlagDef) => t(f.help, FLAG_HELP_ZH[f.name] ?? f.help);

function flagRows(flags: readonly FlagDef[]): string {
  return tabwriter(flags.filter((f) => !f.hidden).map((f): [string, string] => [`  --${f.name}${f.short ? ',-' + f.short : ''}`, flagHelp(f)]));
}

/** `aliyun`, and with the Products section `aliyun --help` (openapi/commando.go help, printProducts). */
export function rootUsage(withProducts = false): string {
  return (
    head() +
    '\nUsage:\n  aliyun <product> <operation> [--parameter1 value1 --parameter2 value2 ...]\n' +
    '\nCommands:\n' +
    tabwriter(SUB_COMMANDS.map(([n, s]) => [`  ${n}`, t(s, SUB_COMMANDS_ZH[n] ?? s)])) +
    '\nFlags:\n' +
    flagRows(ROOT_FLAGS) +
    '\nSample:\n  aliyun kms ListSecrets\n' +
    (withProducts ? productsSection() : '') +
    '\nUse `aliyun --help` for more information.\n'
  );
}

/** The products this build implements: kms only. "  %-20s\t%s" through a tabwriter, cyan. */
function productsSection(): string {
  const c = useColor(process.stdout);
  const off = c ? '\x1b[0m' : '';
  const line = `  ${PRODUCT.code.padEnd(20)} ${productName()}\n`;
  return `${off}\nProducts:\n${off}` + (c ? `\x1b[0;36m${line}\x1b[0m` : line);
}

/**
 * Flags a hidden sub-command such as `version` accepts after its name: the root's persistent flags
 * and help (cli/context.go EnterCommand), in registration order.
 */
export const PERSISTENT_FLAGS = ['mode', 'profile', 'config-path', 'ram-role-name', 'skip-secure-verify', 'help'];

/** `aliyun version --help` (cli/command.go executeHelp with no Help function). */
export function versionHelp(): string {
  const flags = PERSISTENT_FLAGS.map((n) => ROOT_FLAGS.find((f) => f.name === n)!);
  return t('print current version', '打印当前版本号') + '\n' + '\nFlags:\n' + flagRows(flags) + '\nUse `version --help` for more information.\n';
}

export function productHelp(withHead: boolean): string {
  const c = useColor(process.stdout);
  const green = (s: string) => (c ? `\x1b[0;32m${s}\x1b[0m` : s);
  const reset = c ? '\x1b[0m' : '';
  const width = Math.max(...KMS_API_NAMES.map((n) => n.length)) + 1;
  return (
    (withHead ? head() : '') +
    '\nUsage:\n  aliyun kms <ApiName> --parameter1 value1 --parameter2 value2 ...\n' +
    `\nProduct: ${PRODUCT.name} (${productName()})\nVersion: ${PRODUCT.version} \n` +
    `${reset}\nAvailable Api List: \n${reset}` +
    KMS_API_NAMES.map((n) => green(`  ${n.padEnd(width)} ${apiSummary(n)}\n`)).join('') +
    '\nRun `aliyun kms <ApiName> --help` to get more information about this API\n' +
    t('\nCommands of this build (not in the real aliyun CLI):\n', '\n本实现附加的命令（官方 aliyun CLI 没有）:\n') +
    OWN_COMMANDS.map(([n, en, zh]) => `  ${n.padEnd(width)} ${t(en, zh)}\n`).join('') +
    t('\nRun `aliyun kms <command> --help` to get more information about a command\n', '\n运行 `aliyun kms <command> --help` 获取命令的更多信息\n')
  );
}

/**
 * Our own commands after `kms` (the plug-in path, cli/plugins.ts), listed after the API list so that
 * the list itself keeps the real CLI's format.
 */
const OWN_COMMANDS: [string, string, string][] = [
  ['get', 'Print one secret value (or one field of a JSON secret), byte for byte.', '输出一个凭据值（或 JSON 凭据的一个字段），逐字节原样输出。'],
  ['run', 'Run a command with secrets in its environment, masking them in its output.', '以凭据作为环境变量运行命令，并在其输出中屏蔽凭据值。'],
  ['export', 'Write secrets as variables: dotenv, json, shell or github.', '将凭据输出为变量：dotenv、json、shell 或 github 格式。'],
  ['inject', 'Fill the {{ kms://NAME }} placeholders of a template with secret values.', '用凭据值填充模板中的 {{ kms://NAME }} 占位符。'],
  ['serve', 'Serve the local store over the KMS HTTP API.', '通过 KMS HTTP API 提供本地存储的服务。'],
  ['store', 'Look after the local store (`store verify` checks every record).', '维护本地存储（`store verify` 检查每条记录）。'],
];

/**
 * `aliyun kms <Api> --help` (openapi/library.go printParameters): required first, then by name,
 * RepeatList members under `Name.n.`; descriptions are ours (parameterHelp).
 */
export function apiHelp(api: string): string {
  const meta = apiMeta(api);
  const c = useColor(process.stdout);
  const cyan = (s: string) => (c ? `\x1b[0;36m${s}\x1b[0m` : s);
  let out = head() + `\nProduct: ${PRODUCT.name} (${productName()})\n\nParameters:\n`;
  if (!meta) return out;
  const print = (params: readonly MetaParam[], prefix: string) => {
    const sorted = [...params].sort((a, b) => (a.required !== b.required ? (a.required ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const p of sorted) {
      if (p.type === 'RepeatList' && p.subParams?.length) {
        print(p.subParams, `${prefix}${p.name}.n.`);
        continue;
      }
      const name = p.type === 'RepeatList' ? `${p.name}.n` : p.name;
      out += `  --${cyan(prefix)}${cyan(name)} ${p.type.padEnd(7)} ${p.required ? 'Required' : 'Optional'}\n\n`;
      out += parameterHelp(api, p.name).split('\n').map((l) => `  ${l}\n`).join('') + '\n';
    }
  };
  print(meta.params, '');
  return out;
}
