// The remote backend (signed calls to the real KMS endpoint) is the next piece of work; until it
// lands, choosing it is a clear error rather than a silent fall-back to the local store.
import { CliError } from '../../core/errors.js';
import type { ParsedArgs } from '../../cli/argv.js';
import type { Profile } from '../../cli/profile.js';
import type { Backend } from '../backend.js';

export async function createRemoteBackend(_a: ParsedArgs, _p: Profile): Promise<{ backend: Backend; region: string }> {
  throw new CliError('the remote backend is not available in this build yet; use --backend local (or ALIYUN_KMS_BACKEND=local) for the local store');
}
