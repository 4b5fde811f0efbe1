// The local backend: the CLI's face of the local service.
import type { Backend, Call } from '../backend.js';
import type { JsonValue } from '../../core/json.js';
import { LocalStore } from './store.js';
import { handleCall } from './service.js';
import './versions.js';

export class LocalBackend implements Backend {
  readonly name = 'local' as const;
  private store?: LocalStore;

  constructor(private readonly dir?: string) {}

  async call(c: Call): Promise<JsonValue> {
    this.store ??= new LocalStore(this.dir).open();
    return handleCall(this.store, c.action, c.params, c.region) as JsonValue;
  }
}
