// Usage and help texts (aliyun-cli-behavior.md §8), built from the flag table and the operation
// descriptions. Colour as everywhere: only on a terminal.
import { PRODUCT, KMS_API_NAMES, OPERATIONS } from '../operations/catalog.js';
import { compareCodePoints } from '../core/json.js';
import { ROOT_FLAGS } from './flags.js';
import { useColor } from './render.js';

/** The real CLI release whose behaviour this build reproduces (`aliyun version` prints it). */
export const CLI_VERSION = '3.4.11';

const HEAD = `Alibaba Cloud Command Line Interface Version ${CLI_VERSION}\n`;

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

export function rootUsage(): string {
  const flags = ROOT_FLAGS.filter((f) => !f.hidden).map((f): [string, string] => [`  --${f.name}${f.short ? ',-' + f.short : ''}`, f.help]);
  return (
    HEAD +
    '\nUsage:\n  aliyun <product> <operation> [--parameter1 value1 --parameter2 value2 ...]\n' +
    '\nCommands:\n' +
    tabwriter(SUB_COMMANDS.map(([n, s]) => [`  ${n}`, s])) +
    '\nFlags:\n' +
    tabwriter(flags) +
    '\nSample:\n  aliyun kms ListSecrets\n' +
    '\nUse `aliyun --help` for more information.\n'
  );
}

export function productHelp(withHead: boolean): string {
  const c = useColor(process.stdout);
  const green = (s: string) => (c ? `\x1b[0;32m${s}\x1b[0m` : s);
  const reset = c ? '\x1b[0m' : '';
  return (
    (withHead ? HEAD : '') +
    '\nUsage:\n  aliyun kms <ApiName> --parameter1 value1 --parameter2 value2 ...\n' +
    `\nProduct: ${PRODUCT.name} (${PRODUCT.longName})\nVersion: ${PRODUCT.version} \n` +
    `${reset}\nAvailable Api List: \n${reset}` +
    KMS_API_NAMES.map((n) => green(`  ${n.padEnd(32)} ${OPERATIONS[n]?.summary ?? ''}\n`)).join('') +
    '\nRun `aliyun kms <ApiName> --help` to get more information about this API\n'
  );
}

export function apiHelp(api: string): string {
  const op = OPERATIONS[api];
  const c = useColor(process.stdout);
  const cyan = (s: string) => (c ? `\x1b[0;36m${s}\x1b[0m` : s);
  let out = HEAD + `\nProduct: ${PRODUCT.name} (${PRODUCT.longName})\n\nParameters:\n`;
  if (!op) return out;
  const entries: { name: string; type: string; required: boolean; description: string }[] = [];
  for (const [name, p] of Object.entries(op.params)) {
    if (name === 'RegionId') continue; // a global flag, not shown per API
    if (p.type === 'RepeatList' && p.subParams) for (const sub of p.subParams) entries.push({ name: `${name}.n.${sub}`, type: p.type, required: !!p.required, description: p.description });
    else entries.push({ name: p.type === 'RepeatList' ? `${name}.n` : name, type: p.type, required: !!p.required, description: p.description });
  }
  entries.sort((a, b) => (a.required !== b.required ? (a.required ? -1 : 1) : compareCodePoints(a.name, b.name)));
  for (const e of entries) {
    out += `  --${cyan('')}${cyan(e.name)} ${e.type.padEnd(7)} ${e.required ? 'Required' : 'Optional'}\n\n`;
    out += e.description.split('\n').map((l) => `  ${l}\n`).join('') + '\n';
  }
  return out;
}
