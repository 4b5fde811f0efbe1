// Lower-case words after `kms` are the real CLI's plug-in path (aliyun-cli-behavior.md §1.1): our
// own extra commands live there, each loaded only when called.
import { suggestError } from '../core/errors.js';
import type { Io } from './render.js';

export const PLUGIN_COMMANDS: Record<string, () => Promise<{ runCommand(argv: string[], io: Io): Promise<number> }>> = {
  serve: () => import('../server/cli.js'),
  store: () => import('./store-command.js'),
};

export async function runPlugin(name: string, argv: string[], io: Io): Promise<number> {
  const load = Object.hasOwn(PLUGIN_COMMANDS, name) ? PLUGIN_COMMANDS[name] : undefined;
  if (!load) {
    const { suggest } = await import('./suggest.js');
    throw suggestError(`'${name}' is not a valid command`, suggest(name, Object.keys(PLUGIN_COMMANDS)));
  }
  const rest = argv.slice(argv.indexOf(name) + 1);
  return (await load()).runCommand(rest, io);
}
