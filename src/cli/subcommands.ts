// Root sub-commands other than `version`: `aliyun configure …` and `aliyun auto-completion` (each module loaded only for it).
import { CliError } from '../core/errors.js';
import type { ParsedArgs } from './argv.js';
import type { Io } from './render.js';

export async function runSubCommand(name: string, a: ParsedArgs, io: Io): Promise<number> {
  if (name === 'configure') {
    const { runConfigure } = await import('./configure.js');
    return runConfigure(a, io);
  }
  if (name === 'auto-completion') {
    const { runAutoCompletion } = await import('./completion-install.js');
    return runAutoCompletion(a, io);
  }
  throw new CliError(`'aliyun ${name}' is not available in this build`);
}
