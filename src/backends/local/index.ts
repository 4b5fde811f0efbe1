// The local backend: the CLI's face of the local service.
import type { Backend, Call } from '../backend.js';
import type { JsonValue } from '../../core/json.js';
import { ServiceError } from '../../core/errors.js';
import { LocalStore } from './store.js';
import { handleCall } from './service.js';
import './versions.js';

export class LocalBackend implements Backend {
  readonly name = 'local' as const;
  private store?: LocalStore;

  constructor(private readonly dir?: string) {}

  async call(c: Call): Promise<JsonValue> {
    this.store ??= new LocalStore(this.dir).open();
    try {
      return handleCall(this.store, c.action, c.params, c.region) as JsonValue;
    } catch (e) {
      // The headers `aliyun kms serve` sends with an error, so both paths print the same block.
      if (e instanceof ServiceError && e.headers.length === 0)
        e.headers = [
          ['Content-Type', 'application/json;charset=utf-8'],
          ['X-Acs-Request-Id', e.requestId],
        ];
      throw e;
    }
  }
}
