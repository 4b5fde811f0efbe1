// What the CLI hands a backend, and what it gets back. Both backends answer the same call with the
// same response body (an object printed by the one printer) or throw the same ServiceError.
import type { JsonValue } from '../core/json.js';

export interface Call {
  /** The API name, e.g. `GetSecretValue`. */
  action: string;
  /** Wire parameters as the user gave them (strings, verbatim, `-FILE` contents read). */
  params: Record<string, string>;
  /** The request region (endpoint and `RegionId`). */
  region: string;
}

export interface Backend {
  readonly name: 'local' | 'remote';
  call(call: Call): Promise<JsonValue>;
}
