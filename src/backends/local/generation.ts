// A store-wide write counter that readers in other processes can check with one stat: the size of
// `<dir>/generation`, a file that only ever grows by one byte per step (so a value never repeats,
// unlike a file's inode or a coarse mtime). Writers, holding the store lock, make it odd before
// they change a file and even afterwards (a sequence lock): a reader caches what it read only when
// the count was even and unchanged across its read, and trusts a cached record only while the count
// is still the one it was read at. A writer killed half-way leaves the count odd, which turns
// caching off until the next writer evens it out; nothing stale is ever served.
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_MODE } from './fsutil.js';

const FILE = 'generation';
const STEP = Buffer.from('.');

export const generationPath = (storeDir: string) => join(storeDir, FILE);

export function readGeneration(storeDir: string): number {
  try {
    return statSync(generationPath(storeDir)).size;
  } catch (e: any) {
    if (e.code === 'ENOENT') return 0;
    throw e;
  }
}

function step(storeDir: string): void {
  // O_APPEND: one byte at the end, whatever other file descriptors do. No fsync: the count only
  // matters to processes running now, and an OS crash ends those too.
  const fd = openSync(join(storeDir, FILE), 'a', FILE_MODE);
  try {
    writeSync(fd, STEP);
  } finally {
    closeSync(fd);
  }
}

/** Runs a change of store files (with the store lock held) between an odd and an even count. */
export function changing<T>(storeDir: string, change: () => T): T {
  // Odd with the lock free: a writer died mid-change; even it out first (its change is on disk as
  // far as it got, and every cached record is re-validated once the count moves).
  if (readGeneration(storeDir) % 2 === 1) step(storeDir);
  step(storeDir);
  try {
    return change();
  } finally {
    step(storeDir);
  }
}
