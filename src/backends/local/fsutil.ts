// Durable file primitives: atomic replace (temp file, fsync, rename, fsync of the folder) and an
// inter-process write lock whose commits are fenced.
//
// THE LOCK AND COMMIT PROTOCOL (callers: withLock / withLockAsync / writeFileAtomic / removeFileDurably)
//
//   <store>/.lock/owner          {pid, start, boot, host, time, token}: who holds the lock
//   <store>/.lock/<token>/       the holder's staging folder: its temp files, its deletions
//
// * Taking the lock: a folder `.lock.new-<token>` is filled (owner file, staging folder) and then
//   renamed to `.lock`. rename() onto a non-empty folder fails, so exactly one contender wins and
//   `.lock` never exists without its owner file (an empty or missing owner file is a leftover of
//   an older build or of a full disk: taken over after UNOWNED_GRACE_MS).
// * Who may take a lock over: on this host, only a dead owner's (its PID is gone, or the PID now
//   belongs to a process with another start time: /proc/PID/stat field 22, or the machine has
//   rebooted since: boot id). A live owner's lock is NEVER taken by age on the same host, however
//   long it has been stopped (SIGSTOP, a suspended laptop, a debugger): others wait up to
//   ALIYUN_KMS_LOCK_WAIT_MS (30 s) and then fail clearly. A lock of another host name (a
//   re-created container, a shared folder) cannot be probed, so it is taken over once it has
//   been held OTHER_HOST_STALE_MS.
// * Fencing, which makes a takeover unable to lose a confirmed write: while a lock is held, every
//   writeFileAtomic/removeFileDurably under the store goes through the holder's staging folder
//   `.lock/<token>/` (temp file there, then rename() to the target; a deletion renames the target
//   into it first). A takeover renames the old `.lock` away in one step, so from that moment the
//   old holder's path `.lock/<token>/…` no longer exists: its next rename fails with ENOENT and it
//   stops with LockLostError, having committed nothing after the takeover. Every rename that did
//   land, landed while it still held the lock. (The one window left is inside a single rename()
//   system call; a signal cannot stop a process there, and on this host only dead owners lose
//   their lock.)
// * Releasing: `.lock` is renamed to `.lock.gone-<token>` and then removed; if the folder moved
//   was not ours (ours was taken over), its holder's commits fail as above: never a lost write.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, relative, isAbsolute } from 'node:path';
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

/** The lock this process holds right now (set only while a withLock callback runs). */
let held: { lockDir: string; storeDir: string; staging: string } | undefined;

/** Thrown by a writer whose lock was taken over while it was stopped: it committed nothing since. */
export class LockTimeoutError extends Error {}
/** A subclass, so that callers that answer "busy, try again" (HTTP 503) do so for this too. */
export class LockLostError extends LockTimeoutError {}

/** The staging folder to commit `path` through, when this process holds the lock of its store. */
function stagingFor(path: string): string | undefined {
  if (!held) return undefined;
  const rel = relative(held.storeDir, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? held.staging : undefined;
}

function lockLost(): LockLostError {
  return new LockLostError(
    `the store lock ${held?.lockDir ?? ''} was taken over while this process was stopped or slow; nothing more was written: run the command again`,
  );
}

/** ENOENT on a path inside our staging folder means the folder is gone: our lock was taken over. */
function stagingGone(staging: string): boolean {
  return !existsSync(staging);
}

/**
 * Where to write the temporary file for an atomic replace of `path`: in the lock holder's staging
 * folder when this process holds the store's lock (so the commit is fenced), else beside `path`.
 */
export function tempPathFor(path: string): { tmp: string; staging?: string } {
  const staging = stagingFor(path);
  return { tmp: join(staging ?? dirname(path), `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`), staging };
}

/** Renames a temporary file from tempPathFor into place; LockLostError if our staging folder went. */
export function commitRename(tmp: string, path: string, staging: string | undefined): void {
  try {
    renameSync(tmp, path);
  } catch (e: any) {
    rmSync(tmp, { force: true });
    if (staging && e.code === 'ENOENT' && stagingGone(staging)) throw lockLost();
    throw e;
  }
}

/**
 * Replaces `path` with `data` so that a reader sees the old or the new file, never a mix. Under
 * the lock of the store that holds `path`, the write is fenced (see the top of this file) and
 * throws LockLostError if the lock was taken over; otherwise (creating a store) it is a plain
 * atomic replace.
 */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const dir = dirname(path);
  const { tmp, staging } = tempPathFor(path);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', FILE_MODE);
  } catch (e: any) {
    if (staging && e.code === 'ENOENT' && stagingGone(staging)) throw lockLost();
    throw e;
  }
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
  commitRename(tmp, path, staging);
  fsyncDir(dir);
}

/** Removes the temporary files that interrupted atomic writes of older builds left in `dir`. */
export function removeTempFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith('.tmp-')) rmSync(join(dir, n), { force: true });
}

/** Removes a file durably (fenced under the lock, as writeFileAtomic); a missing file is fine. */
export function removeFileDurably(path: string): void {
  const staging = stagingFor(path);
  try {
    if (staging) {
      const parked = join(staging, `.del-${randomBytes(6).toString('hex')}`);
      renameSync(path, parked);
      unlinkSync(parked);
    } else unlinkSync(path);
  } catch (e: any) {
    if (e.code !== 'ENOENT') throw e;
    if (staging && stagingGone(staging)) throw lockLost();
    return;
  }
  fsyncDir(dirname(path));
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
export function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

// ---- the lock ------------------------------------------------------------------------------------

interface LockOwner {
  pid: number;
  host: string;
  time: number;
  /** Start time of the process (clock ticks after boot, /proc/PID/stat field 22), Linux only. */
  start?: string;
  /** /proc/sys/kernel/random/boot_id: PIDs and start times mean nothing across a reboot. */
  boot?: string;
  token?: string;
}

/** A lock folder without a readable owner file (older builds, a full disk) is this young at most. */
const UNOWNED_GRACE_MS = 1_000;
/** A lock of another host name is taken over after this long (fencing keeps that safe). */
const OTHER_HOST_STALE_MS = 3_000;
/** A takeover guard lives microseconds; one older than this whose owner cannot be probed is left over. */
const GUARD_STALE_MS = 1_000;

/** How long a writer waits for the lock: ALIYUN_KMS_LOCK_WAIT_MS, default 30 s (tests shorten it). */
function waitLimitMs(): number {
  const raw = process.env.ALIYUN_KMS_LOCK_WAIT_MS;
  if (raw === undefined || raw === '') return 30_000;
  if (!/^\d+$/.test(raw) || Number(raw) > 3_600_000)
    throw new LockTimeoutError(`ALIYUN_KMS_LOCK_WAIT_MS must be a number of milliseconds from 0 to 3600000, got '${raw}': fix or unset it`);
  return Number(raw);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat (after the command name, which may hold spaces and parentheses). */
function processStart(pid: number | 'self'): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

let bootIdMemo: string | undefined | null = null;
function bootId(): string | undefined {
  if (bootIdMemo === null) bootIdMemo = readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
  return bootIdMemo;
}

let myStart: string | undefined | null = null;
function myIdentity(token: string): LockOwner {
  if (myStart === null) myStart = processStart('self');
  return { pid: process.pid, host: hostname(), time: Date.now(), start: myStart, boot: bootId(), token };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

function readOwner(dir: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(join(dir, 'owner'), 'utf8'));
    return o && typeof o === 'object' && Number.isInteger(o.pid) && typeof o.host === 'string' && typeof o.time === 'number' ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process named in `o` (on this host) is gone. Never judged by age. */
function ownerDead(o: LockOwner): boolean {
  const boot = bootId();
  if (o.boot && boot && o.boot !== boot) return true;
  if (!pidAlive(o.pid)) return true;
  if (o.start) {
    const now = processStart(o.pid);
    if (now !== undefined && now !== o.start) return true; // the PID was reused
  }
  return false;
}

/** Why the lock folder `dir` is stale, or undefined if its owner may still be working. */
function staleness(dir: string, seen: Map<string, number>, otherHostMs: number): string | undefined {
  const owner = readOwner(dir);
  if (!owner) {
    // An owner file that is there but empty or unreadable was never finished (older builds wrote
    // it after mkdir; a full disk): nobody holds that lock. A missing one may be an older build's
    // writer between two system calls: give it UNOWNED_GRACE_MS.
    if (existsSync(join(dir, 'owner'))) return 'its owner file is empty or damaged';
    let age: number;
    try {
      age = Date.now() - statSync(dir).mtimeMs;
    } catch {
      return undefined; // gone already: just retry
    }
    return age > UNOWNED_GRACE_MS ? 'it has no owner file' : undefined;
  }
  if (owner.host === hostname()) return ownerDead(owner) ? `its owner, process ${owner.pid}, has exited` : undefined;
  // Another host: measured on our own clock from when we first saw this owner, and on its clock.
  const key = owner.token ?? `${owner.host}/${owner.pid}/${owner.time}`;
  if (!seen.has(key)) seen.set(key, Date.now());
  const held = Math.max(Date.now() - seen.get(key)!, Date.now() - owner.time);
  return held > otherHostMs ? `it belongs to host ${owner.host} and has been held ${Math.round(held / 1000)} s` : undefined;
}

/** Creates `target` as a folder holding our owner file (and `extra` subfolder) in one rename. */
function createOwned(target: string, owner: LockOwner, extra?: string): boolean {
  const prep = `${target}.new-${owner.token}`;
  mkdirSync(prep, { mode: DIR_MODE });
  try {
    const fd = openSync(join(prep, 'owner'), 'wx', FILE_MODE);
    try {
      const buf = Buffer.from(JSON.stringify(owner));
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off);
    } finally {
      closeSync(fd);
    }
    if (extra) mkdirSync(join(prep, extra), { mode: DIR_MODE });
    renameSync(prep, target);
    return true;
  } catch (e: any) {
    rmSync(prep, { recursive: true, force: true });
    if (e.code === 'ENOTEMPTY' || e.code === 'EEXIST' || e.code === 'ENOTDIR') return false;
    throw e;
  }
}

/** Moves `dir` away in one rename and removes it; false if it was already gone. */
function discard(dir: string, why: string): boolean {
  const gone = `${dir}.${why}-${randomBytes(6).toString('hex')}`;
  try {
    renameSync(dir, gone);
  } catch (e: any) {
    if (e.code === 'ENOENT') return false;
    throw e;
  }
  rmSync(gone, { recursive: true, force: true });
  return true;
}

/**
 * Takes over the stale lock whose owner we judged. One process at a time does so (a guard folder,
 * itself created with its owner inside, so a guard left by a dead process is removed at once), and
 * it judges again inside the guard, so a lock freshly taken by a faster contender is left alone.
 */
function takeOver(lockDir: string, seen: Map<string, number>, otherHostMs: number): boolean {
  const guard = lockDir + '.takeover';
  const me = myIdentity(randomBytes(8).toString('hex'));
  if (!createOwned(guard, me)) {
    const o = readOwner(guard);
    let dead: boolean;
    if (!o) dead = true;
    else if (o.host === hostname()) dead = ownerDead(o);
    else dead = Date.now() - o.time > GUARD_STALE_MS;
    if (dead) discard(guard, 'stale');
    return false;
  }
  try {
    if (!staleness(lockDir, seen, otherHostMs)) return false;
    return discard(lockDir, 'stale');
  } finally {
    if (readOwner(guard)?.token === me.token) discard(guard, 'gone');
  }
}

type Attempt = 'acquired' | 'busy' | 'retry';

interface Acquisition {
  tookOver: boolean;
  token: string;
  seen: Map<string, number>;
  otherHostMs: number;
}

/** One try at the lock; a stale lock is taken over on the way (then try again at once). */
function attemptLock(lockDir: string, a: Acquisition): Attempt {
  if (createOwned(lockDir, myIdentity(a.token), a.token)) return 'acquired';
  if (!staleness(lockDir, a.seen, a.otherHostMs) || !takeOver(lockDir, a.seen, a.otherHostMs)) return 'busy';
  a.tookOver = true;
  return 'retry';
}

/** Releases our lock: the folder is moved away in one step, then removed (see the top). */
function release(lockDir: string, token: string): void {
  if (readOwner(lockDir)?.token !== token) return; // taken over from us: not ours to remove
  discard(lockDir, 'gone');
}

function runHolding<T>(lockDir: string, fn: () => T, a: Acquisition, afterTakeover?: () => void): T {
  const outer = held;
  held = { lockDir, storeDir: dirname(lockDir), staging: join(lockDir, a.token) };
  try {
    if (a.tookOver) afterTakeover?.();
    return fn();
  } finally {
    held = outer;
    release(lockDir, a.token);
  }
}

function busyMessage(lockDir: string, limitMs: number): string {
  const o = readOwner(lockDir);
  const who = o
    ? o.host === hostname()
      ? `process ${o.pid} holds it (a live process: stopped, suspended or very slow?)`
      : `process ${o.pid} on host ${o.host} holds it`
    : 'its owner is unknown';
  return `timed out after ${limitMs / 1000} s waiting for the store lock ${lockDir}: ${who}; resume or end that process and run the command again`;
}

/**
 * Tries for the lock until it is held, yielding how long to wait between tries; the caller waits
 * synchronously or not.
 */
function* acquireLock(lockDir: string, waitMs?: number): Generator<number, Acquisition> {
  const limit = waitMs ?? waitLimitMs();
  const start = Date.now();
  const a: Acquisition = { tookOver: false, token: randomBytes(8).toString('hex'), seen: new Map(), otherHostMs: OTHER_HOST_STALE_MS };
  for (let delay = 1; ; ) {
    const r = attemptLock(lockDir, a);
    if (r === 'acquired') return a;
    if (r === 'retry') continue;
    if (Date.now() - start >= limit) throw new LockTimeoutError(busyMessage(lockDir, limit));
    yield delay + Math.random() * delay;
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * Runs `fn` while holding the store lock `lockDir` (the folder `.lock` inside the store), waiting
 * for it synchronously (a CLI call has nothing else to do). `afterTakeover` runs first when the
 * lock was taken from a dead writer. While `fn` runs, writeFileAtomic/removeFileDurably of paths
 * inside the store are fenced and may throw LockLostError. Throws LockTimeoutError after
 * ALIYUN_KMS_LOCK_WAIT_MS, or after `opts.waitMs` if given (0: one try).
 */
export function withLock<T>(lockDir: string, fn: () => T, afterTakeover?: () => void, opts: { waitMs?: number } = {}): T {
  const tries = acquireLock(lockDir, opts.waitMs);
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



