// Durable file primitives: atomic replace (temp file, fsync, rename, fsync of the folder) and an
// inter-process lock (a directory created atomically, with stale-lock takeover).
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: DIR_MODE });
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Replaces `path` with `data` so that a reader sees the old or the new file, never a mix. */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const dir = dirname(path);
  const tmp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const fd = openSync(tmp, 'wx', FILE_MODE);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dir);
}

/** Removes the temporary files that interrupted atomic writes left in `dir`. */
export function removeTempFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith('.tmp-')) rmSync(join(dir, n), { force: true });
}

/** Removes a file durably; a missing file is fine. */
export function removeFileDurably(path: string): void {
  try {
    unlinkSync(path);
  } catch (e: any) {
    if (e.code === 'ENOENT') return;
    throw e;
  }
  fsyncDir(dirname(path));
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
export function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

interface LockOwner {
  pid: number;
  host: string;
  time: number;
}

/** A lock older than this is taken over even if its owner seems alive: no operation holds it that long. */
const STALE_AFTER_MS = 60_000;
/** A lock directory without an owner file yet (its creator is between two system calls) is young. */
const UNOWNED_GRACE_MS = 5_000;
const WAIT_LIMIT_MS = 30_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

function readOwner(lockDir: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(join(lockDir, 'owner'), 'utf8'));
  } catch {
    return undefined;
  }
}

function isStale(lockDir: string): boolean {
  const owner = readOwner(lockDir);
  if (!owner) {
    try {
      return Date.now() - statSync(lockDir).mtimeMs > UNOWNED_GRACE_MS;
    } catch {
      return false; // gone already: not stale, just retry
    }
  }
  if (Date.now() - owner.time > STALE_AFTER_MS) return true;
  return owner.host === hostname() && !pidAlive(owner.pid);
}

function removeLockDir(lockDir: string): void {
  rmSync(join(lockDir, 'owner'), { force: true });
  try {
    rmdirSync(lockDir);
  } catch {
    /* already gone */
  }
}

/**
 * Takes over a stale lock. Only one process at a time may do so (a second directory guards the
 * takeover), and it checks staleness again inside the guard, so a lock freshly taken by a faster
 * contender is never removed.
 */
function takeOver(lockDir: string): boolean {
  const guard = lockDir + '.takeover';
  try {
    mkdirSync(guard, { mode: DIR_MODE });
  } catch (e: any) {
    if (e.code !== 'EEXIST') throw e;
    try {
      if (Date.now() - statSync(guard).mtimeMs > UNOWNED_GRACE_MS) rmdirSync(guard);
    } catch {
      /* someone else cleaned it */
    }
    return false;
  }
  try {
    if (!isStale(lockDir)) return false;
    removeLockDir(lockDir);
    return true;
  } finally {
    rmdirSync(guard);
  }
}

export class LockTimeoutError extends Error {}

type Attempt = 'acquired' | 'busy' | 'retry';

/** One try at the lock; a stale lock is taken over on the way (then try again at once). */
function attemptLock(lockDir: string, state: { tookOver: boolean }): Attempt {
  try {
    mkdirSync(lockDir, { mode: DIR_MODE });
  } catch (e: any) {
    if (e.code !== 'EEXIST') throw e;
    if (!isStale(lockDir) || !takeOver(lockDir)) return 'busy';
    state.tookOver = true;
    return 'retry';
  }
  const fd = openSync(join(lockDir, 'owner'), 'w', FILE_MODE);
  writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() } satisfies LockOwner));
  closeSync(fd);
  return 'acquired';
}

function runHolding<T>(lockDir: string, fn: () => T, tookOver: boolean, afterTakeover?: () => void): T {
  try {
    if (tookOver) afterTakeover?.();
    return fn();
  } finally {
    // Never remove a lock that was taken over from us (we held it past STALE_AFTER_MS).
    if (readOwner(lockDir)?.pid === process.pid) removeLockDir(lockDir);
  }
}

/**
 * Tries for the lock until it is held (returns whether a dead writer's lock was taken over),
 * yielding how long to wait between tries; the caller waits synchronously or not.
 */
function* acquireLock(lockDir: string): Generator<number, boolean> {
  const start = Date.now();
  const state = { tookOver: false };
  for (let delay = 1; ; ) {
    const r = attemptLock(lockDir, state);
    if (r === 'acquired') return state.tookOver;
    if (r === 'retry') continue;
    if (Date.now() - start > WAIT_LIMIT_MS) throw new LockTimeoutError(`timed out waiting for the lock ${lockDir}`);
    yield delay + Math.random() * delay;
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * Runs `fn` while holding the store lock, waiting for it synchronously (a CLI call has nothing else
 * to do). `afterTakeover` runs first when the lock was taken from a dead writer, to clear what that
 * writer left half done.
 */
export function withLock<T>(lockDir: string, fn: () => T, afterTakeover?: () => void): T {
  const tries = acquireLock(lockDir);
  for (let t = tries.next(); ; t = tries.next()) {
    if (t.done) return runHolding(lockDir, fn, t.value, afterTakeover);
    sleepMs(t.value);
  }
}

/** The same, waiting without blocking the event loop (the server keeps answering reads meanwhile). */
export async function withLockAsync<T>(lockDir: string, fn: () => T, afterTakeover?: () => void): Promise<T> {
  const tries = acquireLock(lockDir);
  for (let t = tries.next(); ; t = tries.next()) {
    if (t.done) return runHolding(lockDir, fn, t.value, afterTakeover);
    const ms = t.value;
    await new Promise((res) => setTimeout(res, ms));
  }
}
