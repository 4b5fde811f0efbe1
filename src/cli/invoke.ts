// Step 13 of a call: send it through the backend. `--pager` and `--waiter` (repeat the call and
// merge or poll) belong here, because they work the same on both backends.
import type { Backend, Call } from '../backends/backend.js';
import type { JsonValue } from '../core/json.js';
import type { ParsedArgs } from './argv.js';
import type { Io } from './render.js';

export async function invoke(backend: Backend, call: Call, _a: ParsedArgs, _io: Io): Promise<JsonValue | undefined> {
  return backend.call(call);
}
