// Which backend answers a call (README "Which backend answers"). The one place that decides it, for the
// API commands and the plug-in commands (`get`, `run`, `export`, `inject`) alike.
import { CliError, CONFIG_TIP, tipError } from '../core/errors.js';
import type { Backend } from '../backends/backend.js';
import { LocalBackend } from '../backends/local/index.js';
import { defaultStoreDir } from '../backends/local/store.js';
import { flagValue, type ParsedArgs } from './argv.js';
import { hasCredentials, remoteOptions, requestRegion, resolveProfile } from './profile.js';

export interface BackendChoice {
  backend: Backend;
  /** The request region (the profile's, flags', environment's, or cn-hangzhou). */
  region: string;
}

/** The tip added to the configuration error when the local store was not allowed to answer. */
export const LOCAL_TIP = 'To use the local store instead, pass --backend local or set ALIYUN_KMS_BACKEND=local.';

/**
 * The local store answers an unconfigured call only where a person is watching: stdin and stderr are
 * terminals and `CI` is not set. A script or CI job whose credentials went missing gets the real
 * CLI's configuration error instead of quietly reading or writing the developer's local store.
 */
export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY) && process.env.CI === undefined;
}

export async function chooseBackend(a: ParsedArgs, warn: (line: string) => void): Promise<BackendChoice> {
  const forced = flagValue(a, 'backend') || process.env.ALIYUN_KMS_BACKEND || '';
  if (forced && forced !== 'local' && forced !== 'remote')
    throw tipError(`invalid backend ${forced}`, 'Use `--backend local` or `--backend remote` (or ALIYUN_KMS_BACKEND)');
  const { profile } = resolveProfile(a);
  const remote = forced === 'remote' || (!forced && hasCredentials(profile));
  if (remote || (!forced && !isInteractive())) {
    const { createRemoteBackend } = await import('../backends/remote/index.js');
    if (remote) return createRemoteBackend(remoteOptions(a, profile));
    // No credentials: the remote backend refuses the profile with the real CLI's own error (exit 3).
    try {
      await createRemoteBackend(remoteOptions(a, profile));
    } catch (e) {
      if (e instanceof CliError && e.exitCode === 3) throw tipError(e.message, `${e.tip ?? CONFIG_TIP}\n${LOCAL_TIP}`);
      throw e;
    }
    throw tipError(`profile ${profile.name} is not configure yet, run \`aliyun configure --profile ${profile.name}\` first`, `${CONFIG_TIP}\n${LOCAL_TIP}`);
  }
  const region = requestRegion(a, profile);
  if (!forced) {
    warn(
      `aliyun: no credentials configured (flags, ALIBABA_CLOUD_* variables, ~/.aliyun/config.json); using the local store ${defaultStoreDir()}. Pass --backend local or set ALIYUN_KMS_BACKEND=local to silence this.\n`,
    );
  }
  return { backend: new LocalBackend(), region };
}
