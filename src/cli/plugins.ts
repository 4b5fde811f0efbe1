// Lower-case words after `kms` are the real CLI's plug-in path (aliyun-cli-behavior.md §1.1): our
// own extra commands live there, each loaded only when called.
import { suggestError } from '../core/errors.js';
import type { ParsedArgs } from './argv.js';
import type { BackendChoice } from './backend-choice.js';
import { flagByName, flagByShort } from './flags.js';
import type { Io } from './render.js';

/** What the entry point lends a plug-in command: root flags given before it, and the backend choice. */
export interface PluginHost {
  /** Root-flag tokens that came before the command word (`aliyun --profile p kms get …`). */
  rootArgs: string[];
  chooseBackend(a: ParsedArgs): Promise<BackendChoice>;
}

type PluginModule = { runCommand(argv: string[], io: Io, host: PluginHost): Promise<number> };

export const PLUGIN_COMMANDS: Record<string, () => Promise<PluginModule>> = {
  serve: () => import('../server/cli.js'),
  store: () => import('./store-command.js'),
  get: () => import('./delivery-commands.js').then((m) => m.commands.get),
  run: () => import('./delivery-commands.js').then((m) => m.commands.run),
  export: () => import('./delivery-commands.js').then((m) => m.commands.export),
  inject: () => import('./delivery-commands.js').then((m) => m.commands.inject),
};

/**
 * `kms <command>` anywhere after root flags (`aliyun --profile p kms get db`): the command's name and
 * the root-flag tokens before it. Values of root flags are skipped as the argv grammar reads them.
 */
export function findPlugin(argv: string[]): { name: string; index: number; rootArgs: string[] } | undefined {
  const rootArgs: string[] = [];
  let sawProduct = false;
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t.startsWith('-') && t !== '-' && !t.startsWith('---')) {
      const cut = t.search(/[=:]/);
      const name = (cut < 0 ? t : t.slice(0, cut)).replace(/^--?/, '');
      const def = t.startsWith('--') ? flagByName(name) : name.length === 1 ? flagByShort(name) : undefined;
      rootArgs.push(t);
      if (def && def.mode !== 'switch' && (cut < 0 || cut === t.length - 1))
        while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) {
          rootArgs.push(argv[++i]);
          if (def.mode !== 'repeatable') break;
        }
      continue;
    }
    if (!sawProduct) {
      if (t !== 'kms') return undefined;
      sawProduct = true;
      continue;
    }
    if (!Object.hasOwn(PLUGIN_COMMANDS, t)) return undefined;
    // `kms get /path` stays the real CLI's REST form (which KMS, an RPC product, refuses): a path
    // starts with `/`, a secret reference never does.
    if (t === 'get' && argv.slice(i + 1).find((x) => !x.startsWith('-'))?.startsWith('/')) return undefined;
    // Everything after the command word is the command's own (runPlugin slices it off argv).
    return { name: t, index: i, rootArgs };
  }
  return undefined;
}

export async function runPlugin(name: string, argv: string[], io: Io, host: PluginHost): Promise<number> {
  const load = Object.hasOwn(PLUGIN_COMMANDS, name) ? PLUGIN_COMMANDS[name] : undefined;
  if (!load) {
    const { suggest } = await import('./suggest.js');
    throw suggestError(`'${name}' is not a valid command`, suggest(name, Object.keys(PLUGIN_COMMANDS)));
  }
  const rest = argv.slice(argv.indexOf(name) + 1);
  return (await load()).runCommand(rest, io, host);
}
