// Root sub-commands other than `version` (configure …).
import { CliError } from '../core/errors.js';
import type { ParsedArgs } from './argv.js';
import type { Io } from './render.js';

export async function runSubCommand(name: string, _a: ParsedArgs, _io: Io): Promise<number> {
  throw new CliError(`'aliyun ${name}' is not available in this build yet; edit ~/.aliyun/config.json or use the ALIBABA_CLOUD_* variables`);
}
