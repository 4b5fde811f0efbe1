// Where the server runs write calls: in a writer thread (write-worker.ts) when its bundle is there,
// so that fsync and the wait for the store lock never stall the event loop; otherwise (running
// from source) on the event loop, waiting for the lock without blocking.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ServiceError } from '../core/errors.js';
import { LockTimeoutError } from '../backends/local/fsutil.js';
import { handleCall } from '../backends/local/service.js';
import type { LocalStore } from '../backends/local/store.js';
import type { WriteReply, WriteRequest } from './write-worker.js';

type Pending = { resolve: (r: Record<string, unknown>) => void; reject: (e: unknown) => void };

export class WriteRunner {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly script: string | undefined;

  constructor() {
    // dist/serve.cjs and dist/write-worker.cjs sit side by side.
    const candidate = typeof __dirname === 'string' ? join(__dirname, 'write-worker.cjs') : undefined;
    this.script = candidate && existsSync(candidate) ? candidate : undefined;
  }

  run(store: LocalStore, action: string, params: Record<string, string>, region: string): Promise<Record<string, unknown>> {
    if (!this.script) return store.writeAsync(() => handleCall(store, action, params, region));
    const worker = this.start(store.dir);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, action, params, region } satisfies WriteRequest);
    });
  }

  private start(storeDir: string): Worker {
    if (this.worker && this.workerDir === storeDir) return this.worker;
    void this.worker?.terminate();
    const worker = new Worker(this.script!, { workerData: { storeDir } });
    worker.unref();
    worker.on('message', (m: WriteReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('result' in m) p.resolve(m.result);
      else if ('serviceError' in m) {
        const e = new ServiceError(m.serviceError.httpStatus, m.serviceError.code, m.serviceError.message);
        Object.assign(e, m.serviceError.fields);
        p.reject(e);
      } else if ('lockTimeout' in m) p.reject(new LockTimeoutError(m.lockTimeout));
      else p.reject(new Error(m.internal));
    });
    // A thread that died fails what it had, and the next write starts a new one.
    const fail = (err: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err instanceof Error ? err : new Error(`writer thread stopped (${String(err)})`));
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`writer thread exited with code ${code}`)));
    this.worker = worker;
    this.workerDir = storeDir;
    return worker;
  }

  private workerDir = '';

  close(): Promise<number> | undefined {
    return this.worker?.terminate();
  }
}
