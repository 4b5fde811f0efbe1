// `aliyun kms serve`: the local store as a KMS-compatible HTTP endpoint (being built).
import { CliError } from '../core/errors.js';
import type { Io } from '../cli/render.js';

export async function runCommand(_argv: string[], _io: Io): Promise<number> {
  throw new CliError('aliyun kms serve is not available in this build yet');
}
