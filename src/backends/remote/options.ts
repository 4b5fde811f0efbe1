// What the remote backend is given to build a client: the resolved profile and the transport
// settings, typed. The CLI builds this from its flags (remoteOptions in the CLI's profile.ts); nothing here
// knows the command line.
import type { Profile } from '../../config/profile.js';
import type { Scheme } from './wire.js';

export interface RemoteTransportOptions {
  /** `--secure` / `--insecure`; https by default. */
  scheme?: Scheme;
  /** `--method`; POST by default (GET with `--force`, as the real CLI). */
  method?: 'GET' | 'POST';
  /** `--version`: the API version sent; 2016-01-20 by default. */
  apiVersion?: string;
  /** `--header` pairs, in order: they replace same-named defaults case-insensitively. */
  headers?: [string, string][];
  /** `--skip-secure-verify`. */
  skipVerify?: boolean;
  /** `--user-agent`: `name/version` words appended to the User-Agent. */
  userAgent?: string;
  /** `--log-level`: INFO or DEBUG logs throttling retries. */
  logLevel?: string;
  /** Seconds; when absent, the profile's `connect_timeout` (5 s by default). */
  connectTimeoutSeconds?: number;
  /** Seconds; when absent, the profile's `read_timeout` / `retry_timeout` (10 s by default). */
  readTimeoutSeconds?: number;
  /** Retries of a failed connection or a 5xx; when absent, the profile's `retry_count` (0). */
  retryCount?: number;
  /** Host of the KMS endpoint; when absent, resolved from the profile's endpoint settings and the region. */
  endpoint?: string;
}

export interface RemoteBackendOptions {
  /** The profile in force, flags and environment overlaid (config/profile.ts resolveProfile). */
  profile: Profile;
  /** The config.json the profile came from (ChainableRamRoleArn reads its source profile there). */
  configPath: string;
  /** The region the call asked for (`--region`, `--RegionId`), checked after the profile; else the profile's. */
  region?: string;
  transport: RemoteTransportOptions;
}
