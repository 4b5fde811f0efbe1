// The two families of failure: errors the service answers (HTTP status + JSON body, printed by the
// CLI as an SDK.ServerError block) and errors the CLI raises itself (exit 1, 2 or 3).
import { randomUUID } from 'node:crypto';

export function newRequestId(): string {
  return randomUUID();
}

/** The JSON body of a KMS error response, as our local service and server produce it. */
export interface ServiceErrorBody {
  RequestId: string;
  HostId: string;
  Code: string;
  Message: string;
  Recommend: string;
}

// Lazily loaded parts of the CLI are separate bundles with their own copy of these classes, so
// `instanceof` checks a brand shared through the global symbol registry instead of the prototype.
const SERVICE_ERROR = Symbol.for('aliyun-kms-cli.ServiceError');
const CLI_ERROR = Symbol.for('aliyun-kms-cli.CliError');
const branded = (brand: symbol) => (v: unknown) => typeof v === 'object' && v !== null && (v as any)[brand] === true;
const isServiceError = branded(SERVICE_ERROR);
const isCliError = branded(CLI_ERROR);

/** An error answered by the service (local store, our server, or the real endpoint). */
export class ServiceError extends Error {
  static override [Symbol.hasInstance](v: unknown): boolean {
    return isServiceError(v);
  }
  readonly [SERVICE_ERROR] = true;
  requestId = '';
  hostId = '';
  /** Response headers as received (remote) or as our server would send them (local). */
  headers: [string, string][] = [];
  /** The raw response body when it came over the wire (remote backend). */
  rawBody?: string;
  recommend?: string;
  /** The object-valued `AccessDeniedDetail` of a RAM refusal, when the body has one. */
  accessDeniedDetail?: Record<string, unknown>;

  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** Fills in request id, host and the troubleshooting link the gateway adds. */
  stamp(region: string, requestId = newRequestId()): this {
    this.requestId = requestId;
    this.hostId = `kms.${region}.aliyuncs.com`;
    this.recommend ??= `https://api.aliyun.com/troubleshoot?q=${this.code}&product=Kms&requestId=${requestId}`;
    // The headers our service sends with an error body (`aliyun kms serve` adds the transport's own).
    if (this.headers.length === 0)
      this.headers = [
        ['Content-Type', 'application/json;charset=utf-8'],
        ['X-Acs-Request-Id', requestId],
      ];
    return this;
  }

  body(): ServiceErrorBody {
    return { RequestId: this.requestId, HostId: this.hostId, Code: this.code, Message: this.message, Recommend: this.recommend ?? '' };
  }
}

/** Exit codes of the real CLI: 1 plain error, 2 "did you mean" errors, 3 errors with a tip; 4 is ours (a secret reference names nothing). */
export class CliError extends Error {
  static override [Symbol.hasInstance](v: unknown): boolean {
    return isCliError(v);
  }
  readonly [CLI_ERROR] = true;
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3 | 4 = 1,
    readonly tip?: string,
    readonly suggestions?: string[],
  ) {
    super(message);
  }
}

export const CONFIG_TIP = 'Configuration failed, use `aliyun configure` to configure it';

export const tipError = (message: string, tip = CONFIG_TIP) => new CliError(message, 3, tip);
export const suggestError = (message: string, suggestions: string[]) => new CliError(message, 2, undefined, suggestions);
