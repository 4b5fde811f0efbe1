// The server's writer thread (bundled as dist/write-worker.cjs): runs each write call exactly as a
// CLI process does (store lock, atomic replace, fsync, listing index), so the server's event loop
// never waits for a disk or for another process's lock; it keeps answering reads meanwhile. Calls
// arrive one at a time and run in order.
import { parentPort, workerData } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../core/errors.js';
import { LocalStore } from '../backends/local/store.js';
import { LockTimeoutError } from '../backends/local/fsutil.js';
import { handleCall } from '../backends/local/service.js';
import '../backends/local/versions.js';

export interface WriteRequest {
  id: number;
  action: string;
  params: Record<string, string>;
  region: string;
}

export type WriteReply =
  | { id: number; result: Record<string, unknown> }
  | { id: number; serviceError: { httpStatus: number; code: string; message: string; fields: Record<string, unknown> } }
  | { id: number; lockTimeout: string }
  | { id: number; internal: string };

const dir: string = workerData.storeDir;
let store: LocalStore | undefined;
let stamp = '';

/** The store, reopened when its header file was replaced (as the server's CurrentStore does). */
function current(): LocalStore {
  let now: string;
  try {
    const st = statSync(join(dir, 'store.json'));
    now = `${st.ino}:${st.mtimeMs}:${st.size}`;
  } catch {
    now = 'missing';
  }
  if (!store || now !== stamp) {
    store = new LocalStore(dir).open();
    stamp = now;
  }
  return store;
}

parentPort!.on('message', (req: WriteRequest) => {
  let reply: WriteReply;
  try {
    reply = { id: req.id, result: handleCall(current(), req.action, req.params, req.region) };
  } catch (e) {
    if (e instanceof ServiceError) {
      const { httpStatus, code, message, ...rest } = e;
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rest)) if (typeof v !== 'function') fields[k] = v;
      reply = { id: req.id, serviceError: { httpStatus, code, message, fields } };
    } else if (e instanceof LockTimeoutError) reply = { id: req.id, lockTimeout: e.message };
    else reply = { id: req.id, internal: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
