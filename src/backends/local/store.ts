// The on-disk local store. One file per secret and per key, so a read or a write touches only what
// it names and the cost of Get/Create does not grow with the number of secrets.
//
//   <dir>/store.json                      format, version, account id, how the root key is kept
//   <dir>/root.key                        32 random bytes, base64 (absent in passphrase mode)
//   <dir>/.lock/                          inter-process write lock
//   <dir>/regions/<region>/secrets/<sha256(name)>.json
//   <dir>/regions/<region>/keys/<keyId>.json
//   <dir>/regions/<region>/secrets.index, secrets.journal   the listing index (secret-index.ts)
//   <dir>/generation                      a write counter for readers' caches (generation.ts)
//
// Metadata is plain JSON (as in the service, metadata is not secret); every secret value is sealed.
import { chmodSync, closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash, randomInt } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AAD, deriveDefaultKey, deriveRootKey, newKey, newScryptParams, open, seal, type ScryptParams } from './crypto.js';
import { DIR_MODE, LockTimeoutError, ensureDir, removeFileDurably, removeTempFiles, withLock, withLockAsync, writeFileAtomic } from './fsutil.js';
import type { Tag } from '../../operations/validators.js';
import type { writeFilesAtomic } from './batch-write.js';
import { changing, generationPath, readGeneration } from './generation.js';
import { SecretIndex, crashPoint, summaryOf, type IndexCache, type SecretListing } from './secret-index.js';

export const STORE_FORMAT = 'aliyun-kms-local';
export const STORE_VERSION = 1;

export class StoreError extends Error {}

interface StoreHeader {
  format: typeof STORE_FORMAT;
  version: number;
  accountId: string;
  createTime: string;
  rootKey: { source: 'file'; check?: string } | ({ source: 'passphrase'; kdf: 'scrypt'; check: string } & ScryptParams);
}

export interface VersionRecord {
  id: string;
  createTime: string;
  stages: string[];
  dataType: string;
  /** The sealed value. */
  value: string;
}

export interface RotationRecord {
  enabled: boolean;
  intervalSeconds?: number;
  nextRotationDate?: string;
  lastRotationDate?: string;
}

export interface SecretRecord {
  name: string;
  type: string;
  description: string;
  /** null: the region's service default key. */
  keyId: string | null;
  dkmsInstanceId?: string;
  tags: Tag[];
  createTime: string;
  updateTime: string;
  plannedDeleteTime?: string;
  extendedConfig?: string;
  policy?: string;
  rotation?: RotationRecord;
  /** The secret's data key, sealed by its key. */
  dataKey: string;
  /** In creation order. */
  versions: VersionRecord[];
}

export interface KeyRecord {
  keyId: string;
  description: string;
  keySpec: string;
  keyUsage: string;
  origin: string;
  protectionLevel: string;
  creationDate: string;
  primaryKeyVersion: string;
  automaticRotation: string;
  rotationInterval?: string;
  tags: Tag[];
  /** The key material, sealed by the root key. */
  material: string;
}

export function defaultStoreDir(): string {
  return process.env.ALIYUN_KMS_LOCAL_DIR || join(homedir(), '.aliyun', 'kms-local');
}

/** Seconds-precision UTC, `2024-05-01T12:00:00Z`, the service's time format. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Current time. ALIYUN_KMS_LOCAL_TIME_OFFSET (seconds) moves the local service's clock, so that
 * recovery windows and rotation dates can be tested without waiting for them.
 */
export function nowMs(): number {
  return Date.now() + timeOffsetMs();
}

/** ±100 years: beyond that no date can be printed (and no test needs it). */
const MAX_TIME_OFFSET_S = 100 * 365 * 86400;

function timeOffsetMs(): number {
  const raw = process.env.ALIYUN_KMS_LOCAL_TIME_OFFSET;
  if (raw === undefined || raw.trim() === '') return 0;
  const off = Number(raw);
  if (!Number.isFinite(off) || Math.abs(off) > MAX_TIME_OFFSET_S)
    throw new StoreError(`ALIYUN_KMS_LOCAL_TIME_OFFSET must be a number of seconds from -${MAX_TIME_OFFSET_S} to ${MAX_TIME_OFFSET_S}, got '${raw}': fix or unset it`);
  return off * 1000;
}

/** A file-system error in words, with the path only when the caller's message lacks it. */
export function describeFsError(e: any): string {
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EROFS':
      return 'read-only file system';
    default:
      return e?.message ?? String(e);
  }
}

/** What is missing from a parsed store.json, if anything. */
function headerProblem(h: any): string | undefined {
  if (typeof h.accountId !== 'string' || !/^\d+$/.test(h.accountId)) return 'it has no accountId';
  if (typeof h.createTime !== 'string') return 'it has no createTime';
  const k = h.rootKey;
  if (!isObject(k)) return 'it has no rootKey (how the root key is kept)';
  if (k.source === 'file') return k.check === undefined || typeof k.check === 'string' ? undefined : 'its rootKey.check is not a string';
  if (k.source === 'passphrase')
    return typeof k.salt === 'string' && typeof k.check === 'string' && [k.N, k.r, k.p].every((n) => Number.isInteger(n) && n > 0)
      ? undefined
      : 'its rootKey lacks the scrypt parameters or check value';
  return `its rootKey.source is neither "file" nor "passphrase"`;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Whether `sealed` opens with `key` (false for a wrong key or damaged data). */
function opens(key: Buffer, sealed: string, aad: string): boolean {
  try {
    open(key, sealed, aad);
    return true;
  } catch {
    return false; // a wrong key, or sealed data that is not even well-formed
  }
}

/** A record file, or undefined if it is missing; a damaged one throws a StoreError naming it. */
export function readRecordStrict<T>(path: string, valid: (v: any) => boolean): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e: any) {
    if (e.code === 'ENOENT') return undefined;
    if (e.code === 'EISDIR') throw new StoreError(`corrupt store file ${path}: it is a folder, not a record; move it out of the store`);
    throw new StoreError(`cannot read the store file ${path}: ${describeFsError(e)}`);
  }
  return parseRecord<T>(path, text, valid);
}

/** A record's text checked as readRecordStrict checks it. */
export function parseRecord<T>(path: string, text: string, valid: (v: any) => boolean): T {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new StoreError(`corrupt store file ${path}: not JSON`);
  }
  if (!valid(v)) throw new StoreError(`corrupt store file ${path}: not a record of this store`);
  return v as T;
}

/** The same, undefined for a damaged record too. */
function readRecord<T>(path: string, valid: (v: any) => boolean): T | undefined {
  try {
    return readRecordStrict<T>(path, valid);
  } catch {
    return undefined;
  }
}

export const isObject = (v: any) => !!v && typeof v === 'object' && !Array.isArray(v);
const strings = (v: any, keys: string[]) => keys.every((k) => typeof v[k] === 'string');

/** The shape every reader relies on; a damaged file is refused rather than half-read. */
export function isSecretRecord(v: any): boolean {
  return (
    isObject(v) &&
    strings(v, ['name', 'type', 'description', 'createTime', 'updateTime', 'dataKey']) &&
    (v.keyId === null || typeof v.keyId === 'string') &&
    Array.isArray(v.tags) &&
    Array.isArray(v.versions) &&
    v.versions.every((x: any) => isObject(x) && strings(x, ['id', 'createTime', 'dataType', 'value']) && Array.isArray(x.stages))
  );
}

export function isKeyRecord(v: any): boolean {
  return isObject(v) && strings(v, ['keyId', 'keySpec', 'keyUsage', 'creationDate', 'material']) && Array.isArray(v.tags);
}

export const fileNameOf = (secretName: string) => createHash('sha256').update(secretName).digest('hex') + '.json';

/** Larger answers are not kept as text (a value is at most 64 KiB; the value cache keeps it anyway). */
const MAX_CACHED_ANSWER = 8192;

export class LocalStore {
  private header!: StoreHeader;
  private rootKey!: Buffer;
  readonly lockDir: string;

  constructor(readonly dir: string = defaultStoreDir()) {
    this.lockDir = join(dir, '.lock');
  }

  /** Opens the store, creating it on first use (with `accountId` if given, else a random one). */
  open(creation: { accountId?: string } = {}): this {
    const headerPath = join(this.dir, 'store.json');
    const passphrase = process.env.ALIYUN_KMS_LOCAL_PASSPHRASE;
    if (passphrase === '')
      throw new StoreError('ALIYUN_KMS_LOCAL_PASSPHRASE is set but empty: set a passphrase, or unset the variable to keep the root key in a root.key file');
    if (!this.headerExists(headerPath)) {
      ensureDir(this.dir);
      this.lockedForSetup(() => {
        if (!this.headerExists(headerPath)) this.create(headerPath, creation.accountId);
      });
    }
    this.checkPrivate(this.dir, true);
    let text: string;
    try {
      text = readFileSync(headerPath, 'utf8');
    } catch (e: any) {
      throw new StoreError(`cannot read ${headerPath}: ${describeFsError(e)}`);
    }
    let header: StoreHeader;
    try {
      header = JSON.parse(text);
    } catch {
      throw new StoreError(`${headerPath} is damaged (not JSON): restore it from a backup`);
    }
    if (!isObject(header) || header.format !== STORE_FORMAT) throw new StoreError(`${headerPath} is not a local KMS store`);
    if (header.version !== STORE_VERSION) throw new StoreError(`${headerPath} has store format version ${header.version}; this build reads version ${STORE_VERSION}`);
    const problem = headerProblem(header);
    if (problem) throw new StoreError(`${headerPath} is damaged: ${problem}; restore it from a backup (nothing was changed)`);
    this.header = header;
    this.rootKey = this.loadRootKey(header);
    if (header.rootKey.source === 'file' && header.rootKey.check === undefined) this.addKeyCheck(headerPath);
    return this;
  }

  /** store.json is there (a folder we may not list is reported when reading it, not re-created). */
  private headerExists(headerPath: string): boolean {
    try {
      statSync(headerPath);
      return true;
    } catch (e: any) {
      return e.code !== 'ENOENT';
    }
  }

  /** Creating a store takes the write lock; a user who may not write the folder learns why. */
  private lockedForSetup(fn: () => void): void {
    try {
      withLock(this.lockDir, fn);
    } catch (e: any) {
      if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS')
        throw new StoreError(`cannot write the local store ${this.dir} (${describeFsError(e)}): give this user write access to it, or set ALIYUN_KMS_LOCAL_DIR to a store it may write`);
      throw e;
    }
  }

  /**
   * Refuses a store folder or root.key that group or others may use, as ssh refuses a private key:
   * the root key opens every secret. (Skipped on Windows, which has no such mode bits.)
   */
  private checkPrivate(path: string, isDir: boolean): void {
    if (process.platform === 'win32') return;
    let mode: number;
    try {
      mode = statSync(path).mode & 0o777;
    } catch {
      return; // reported by whoever reads it
    }
    if (mode & 0o077) {
      const want = isDir ? '700' : '600';
      throw new StoreError(
        `${isDir ? 'the local store folder' : 'the root key'} ${path} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}); it protects every secret: run  chmod ${want} ${path}  and try again`,
      );
    }
  }

  /**
   * Key-file stores created before the check value existed get one the first time they are
   * opened, once the root key has been proven against a sealed record (or the store has none, so
   * nothing sealed can be lost). A wrong key is refused here, before anything is written with it.
   * A user who cannot write store.json just skips storing the check.
   */
  private addKeyCheck(headerPath: string): void {
    const verdict = this.rootKeyOpensData();
    if (verdict === false) throw this.wrongRootKey();
    // One try at the lock: a read never waits for it (a busy lock just leaves this for next time).
    try {
      withLock(
        this.lockDir,
        () => {
          const h = JSON.parse(readFileSync(headerPath, 'utf8')) as StoreHeader;
          if (h.rootKey.source !== 'file' || h.rootKey.check !== undefined) return;
          h.rootKey = { source: 'file', check: seal(this.rootKey, Buffer.from('ok'), AAD.check) };
          writeFileAtomic(headerPath, JSON.stringify(h, null, 2) + '\n');
        },
        undefined,
        { waitMs: 0 },
      );
    } catch (e: any) {
      if (!(e instanceof LockTimeoutError || e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS')) throw e;
    }
  }

  /** true: the root key opens a sealed record; false: records exist and it opens none; undefined: no records. */
  private rootKeyOpensData(): boolean | undefined {
    const regions = join(this.dir, 'regions');
    let tried = false;
    for (const region of safeReaddir(regions)) {
      const keysDir = join(regions, region, 'keys');
      for (const f of safeReaddir(keysDir).filter((f) => f.endsWith('.json')).slice(0, 5)) {
        const rec = readRecord<KeyRecord>(join(keysDir, f), isKeyRecord);
        if (!rec) continue;
        tried = true;
        if (opens(this.rootKey, rec.material, AAD.keyMaterial(region, rec.keyId))) return true;
      }
      const secretsDir = join(regions, region, 'secrets');
      for (const f of safeReaddir(secretsDir).filter((f) => f.endsWith('.json')).slice(0, 20)) {
        const rec = readRecord<SecretRecord>(join(secretsDir, f), isSecretRecord);
        if (!rec || rec.keyId !== null) continue; // a customer key's secrets are proven through the key
        tried = true;
        if (opens(deriveDefaultKey(this.rootKey, this.header.accountId, region), rec.dataKey, AAD.dataKey(region, rec.name))) return true;
      }
    }
    return tried ? false : undefined;
  }

  private wrongRootKey(): StoreError {
    const keyPath = join(this.dir, 'root.key');
    return new StoreError(
      `the root key ${keyPath} is not the key of the local store ${this.dir} (it does not open the check value in store.json): put back the root.key this store was created with, or set ALIYUN_KMS_LOCAL_DIR to the store this key belongs to (nothing was changed)`,
    );
  }

  private create(headerPath: string, fixedAccountId?: string): void {
    // A folder holding secrets or keys without its header is damaged, not new: creating a store
    // there would replace the root key and make every value unreadable. (A root.key alone is what a
    // creation interrupted before store.json leaves; nothing was sealed with it yet.)
    if (existsSync(join(this.dir, 'regions')))
      throw new StoreError(`the local store ${this.dir} has secrets or keys but no store.json; restore store.json from a backup (nothing was changed)`);
    chmodSync(this.dir, DIR_MODE);
    const passphrase = process.env.ALIYUN_KMS_LOCAL_PASSPHRASE;
    // A 16-digit account id, like an Alibaba Cloud UID, fixed for the life of the store.
    const accountId = fixedAccountId ?? String(randomInt(1, 10)) + Array.from({ length: 15 }, () => randomInt(0, 10)).join('');
    let rootKey: StoreHeader['rootKey'];
    if (passphrase) {
      const params = newScryptParams();
      const key = deriveRootKey(passphrase, params);
      rootKey = { source: 'passphrase', kdf: 'scrypt', ...params, check: seal(key, Buffer.from('ok'), AAD.check) };
    } else {
      const key = newKey();
      writeFileAtomic(join(this.dir, 'root.key'), key.toString('base64') + '\n');
      rootKey = { source: 'file', check: seal(key, Buffer.from('ok'), AAD.check) };
    }
    const header: StoreHeader = { format: STORE_FORMAT, version: STORE_VERSION, accountId, createTime: isoSeconds(Date.now()), rootKey };
    const writeHeader = () => writeFileAtomic(headerPath, JSON.stringify(header, null, 2) + '\n');
    // A folder that kept its write counter (only store.json was removed): the counter moves, so
    // that a running server, which looks at the header only when the counter moves, sees the new one.
    if (existsSync(generationPath(this.dir))) changing(this.dir, writeHeader);
    else writeHeader();
  }

  private loadRootKey(h: StoreHeader): Buffer {
    if (h.rootKey.source === 'file') {
      if (process.env.ALIYUN_KMS_LOCAL_PASSPHRASE)
        throw new StoreError(`the local store ${this.dir} was created without a passphrase; unset ALIYUN_KMS_LOCAL_PASSPHRASE or use another ALIYUN_KMS_LOCAL_DIR`);
      const keyPath = join(this.dir, 'root.key');
      let key: Buffer;
      try {
        key = Buffer.from(readFileSync(keyPath, 'utf8').trim(), 'base64');
      } catch (e: any) {
        throw new StoreError(`cannot read the root key ${keyPath}: ${describeFsError(e)}`);
      }
      if (key.length !== 32) throw new StoreError(`cannot read the root key ${keyPath}: not a 32-byte key in base64; put back the root.key this store was created with`);
      this.checkPrivate(keyPath, false);
      if (h.rootKey.check !== undefined && !opens(key, h.rootKey.check, AAD.check)) {
        this.rootKey = key;
        throw this.wrongRootKey();
      }
      return key;
    }
    const passphrase = process.env.ALIYUN_KMS_LOCAL_PASSPHRASE;
    if (!passphrase) throw new StoreError(`the local store ${this.dir} is protected by a passphrase: set ALIYUN_KMS_LOCAL_PASSPHRASE`);
    const key = deriveRootKey(passphrase, h.rootKey);
    if (!opens(key, h.rootKey.check, AAD.check)) throw new StoreError(`wrong passphrase for the local store ${this.dir}`);
    return key;
  }

  get accountId(): string {
    return this.header.accountId;
  }

  private readonly derived = new Map<string, unknown>();

  /** Values derived from the root key, computed once per opened store (the server keeps it open). */
  memo<T>(key: string, derive: () => T): T {
    if (!this.derived.has(key)) this.derived.set(key, derive());
    return this.derived.get(key) as T;
  }

  get createTime(): string {
    return this.header.createTime;
  }

  get root(): Buffer {
    return this.rootKey;
  }

  private readonly regions = new Map<string, RegionStore>();

  region(region: string): RegionStore {
    let rs = this.regions.get(region);
    if (!rs) this.regions.set(region, (rs = new RegionStore(this, region)));
    return rs;
  }

  /** Serialises writers across processes. Readers never need it: files are replaced atomically. */
  write<T>(fn: () => T): T {
    if (this.lockHeld) return fn();
    return withLock(this.lockDir, this.holding(fn), () => this.removeTempFiles());
  }

  /** `fn` marked as running under the lock (reads then bypass the cache). */
  private holding<T>(fn: () => T): () => T {
    return () => {
      this.lockHeld = true;
      try {
        return fn();
      } finally {
        this.lockHeld = false;
      }
    };
  }

  /** True while this process holds the lock and runs a writer: reads then bypass the cache. */
  lockHeld = false;

  /** Parsed secret records by region and name (off unless enabled: a CLI call reads each once). */
  private readCache?: Map<string, CachedRecord>;
  private readCacheMax = 0;
  /** Parsed listing indexes by region, for a long-lived process. */
  readonly indexCaches = new Map<string, IndexCache>();

  /**
   * Keeps up to `maxEntries` parsed records between calls (the server). A record is served from
   * memory only while the store's write counter (generation.ts) is where it was when the file was
   * read; after any write its file is read again and parsed again only if its bytes changed.
   */
  private generationFd = -1;

  /** The write count, from an open descriptor (the server asks on every read). */
  private generation(): number {
    if (this.generationFd >= 0) {
      const st = fstatSync(this.generationFd);
      // Unlinked (the store was removed): the count lives in a new file now.
      if (st.nlink > 0) return st.size;
      closeSync(this.generationFd);
      this.generationFd = -1;
      this.generationReplaced = true;
    }
    try {
      this.generationFd = openSync(generationPath(this.dir), 'r');
    } catch (e: any) {
      if (e.code === 'ENOENT') return readGeneration(this.dir);
      throw e;
    }
    return fstatSync(this.generationFd).size;
  }

  /** Set when the counter file was found unlinked: the store folder was removed (see probeGeneration). */
  private generationReplaced = false;

  /**
   * The write count for a long-lived reader, with whether the store may have been replaced since
   * the last probe (its counter file unlinked, or no counter file to tell): one fstat.
   */
  probeGeneration(): { generation: number; maybeReplaced: boolean } {
    const generation = this.generation();
    const maybeReplaced = this.generationReplaced || this.generationFd < 0;
    this.generationReplaced = false;
    return { generation, maybeReplaced };
  }

  /** A write count read at the start of the current synchronous call (see withGeneration). */
  private pinned: number | undefined;

  /**
   * Runs a synchronous read with the write count the caller has just read: the cache checks it
   * instead of reading it again (the same check, made a moment earlier within the same request).
   */
  withGeneration<T>(generation: number, fn: () => T): T {
    this.pinned = generation;
    try {
      return fn();
    } finally {
      this.pinned = undefined;
    }
  }

  /** Answers of read calls as JSON text, with the count they were computed at (see cachedAnswer). */
  private answerCache?: Map<string, { gen: number; text: string; result: Readonly<Record<string, unknown>> }>;

  /**
   * A read call's JSON answer (without its RequestId) kept while the write count stays where it
   * was: the service caches only answers that depend on nothing but the store's files and the
   * call's parameters (service.ts, answerText).
   */
  cachedAnswer(key: string): { gen: number; text?: string; result?: Readonly<Record<string, unknown>> } {
    const gen = this.pinned ?? this.generation();
    if (!this.answerCache || this.lockHeld || gen % 2 === 1) return { gen };
    const hit = this.answerCache.get(key);
    return hit && hit.gen === gen ? hit : { gen };
  }

  /** Keeps an answer computed with the count at `gen` (read before it), if no writer was inside a change meanwhile. */
  cacheAnswer(key: string, gen: number, text: string, result: Record<string, unknown>): void {
    const cache = this.answerCache;
    if (!cache || this.lockHeld || gen % 2 === 1 || text.length > MAX_CACHED_ANSWER || this.generation() !== gen) return;
    cache.delete(key);
    cache.set(key, { gen, text, result: Object.freeze(result) });
    if (cache.size > this.readCacheMax) cache.delete(cache.keys().next().value!);
  }

  get cachesReads(): boolean {
    return this.readCache !== undefined;
  }

  enableReadCache(maxEntries: number): void {
    this.readCache = new Map();
    this.answerCache = new Map();
    this.readCacheMax = maxEntries;
  }

  /** A secret's file, through the cache when it is on. */
  readRecord<T>(key: string, pathOf: () => string, parse: (bytes: Buffer | undefined) => T | undefined): T | undefined {
    const cache = this.readCache;
    if (!cache || this.lockHeld) return parse(readOrUndefined(pathOf()));
    const before = this.pinned ?? this.generation();
    const hit = cache.get(key);
    if (hit && hit.gen === before && before % 2 === 0) return hit.value as T | undefined;
    const bytes = readOrUndefined(pathOf());
    // Cached only if no writer was inside a change during our read (count even and unchanged).
    const stable = before % 2 === 0 && this.generation() === before;
    // Kept as a string: a small Buffer from readFileSync is a slice of a shared 8 KiB pool, which
    // it would keep alive.
    const text = bytes?.toString('latin1');
    if (hit && hit.text === text) {
      if (stable) hit.gen = before;
      return hit.value as T | undefined;
    }
    const value = parse(bytes);
    if (stable) {
      if (value !== undefined) deepFreeze(value);
      cache.delete(key);
      cache.set(key, { gen: before, text, value });
      // Oldest first: a Map iterates in insertion order.
      if (cache.size > this.readCacheMax) cache.delete(cache.keys().next().value!);
    }
    return value;
  }

  /**
   * Runs `fn` (synchronous, so nothing else of this process interleaves) holding the lock, waiting
   * for it without blocking: the server calls this for writes and keeps answering reads meanwhile.
   */
  writeAsync<T>(fn: () => T): Promise<T> {
    return withLockAsync(this.lockDir, this.holding(fn), () => this.removeTempFiles());
  }

  /** Called with the lock held after a dead writer's lock was taken over: no live writer has temp files. */
  private removeTempFiles(): void {
    removeTempFiles(this.dir);
    // Lock folders that a killed process was moving away or preparing (see fsutil.ts).
    for (const n of safeReaddir(this.dir)) {
      if (!/^\.lock\.(stale|gone|new)-/.test(n)) continue;
      const p = join(this.dir, n);
      try {
        if (n.startsWith('.lock.new-') && Date.now() - statSync(p).mtimeMs < 60_000) continue; // may be a contender's
        rmSync(p, { recursive: true, force: true });
      } catch {
        /* another process cleans it */
      }
    }
    const regions = join(this.dir, 'regions');
    let names: string[] = [];
    try {
      names = readdirSync(regions);
    } catch {
      /* no region yet */
    }
    for (const r of names) for (const sub of ['secrets', 'keys']) removeTempFiles(join(regions, r, sub));
  }
}

function warnDamaged(e: StoreError): void {
  process.stderr.write(`warning: skipped a damaged file: ${e.message} (run 'aliyun kms store verify' for a full check)\n`);
}

interface CachedRecord {
  /** The write count the file was last known unchanged at. */
  gen: number;
  /** The file's bytes as latin1 text; undefined: no such file. */
  text: string | undefined;
  value: unknown;
}

/** A record file's bytes (undefined: no such file), with readRecordStrict's errors. */
function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (e: any) {
    if (e.code === 'ENOENT') return undefined;
    if (e.code === 'EISDIR') throw new StoreError(`corrupt store file ${path}: it is a folder, not a record; move it out of the store`);
    throw new StoreError(`cannot read the store file ${path}: ${describeFsError(e)}`);
  }
}

/** Cached records are shared between calls: a handler that tried to change one would throw. */
function deepFreeze(v: any): void {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
}

export class RegionStore {
  readonly secretsDir: string;
  readonly keysDir: string;
  readonly index: SecretIndex;

  constructor(
    readonly store: LocalStore,
    readonly region: string,
  ) {
    const base = join(store.dir, 'regions', region);
    this.secretsDir = join(base, 'secrets');
    this.keysDir = join(base, 'keys');
    this.index = new SecretIndex(
      base,
      this.secretsDir,
      (quiet) => this.listSecrets(quiet ? () => {} : undefined),
      (name) => this.readSecret(name),
    );
  }

  private readJson<T>(path: string, valid: (v: any) => boolean): T | undefined {
    return readRecordStrict<T>(path, valid);
  }

  /** The path of a secret's file (which need not exist). */
  secretPath(name: string): string {
    return join(this.secretsDir, fileNameOf(name));
  }

  private parseJson<T>(path: string, text: string, valid: (v: any) => boolean): T | undefined {
    return parseRecord<T>(path, text, valid);
  }

  readSecret(name: string): SecretRecord | undefined {
    const pathOf = () => join(this.secretsDir, fileNameOf(name));
    const rec = this.store.readRecord(`${this.region}\u0000${name}`, pathOf, (bytes) =>
      bytes === undefined ? undefined : this.parseJson<SecretRecord>(pathOf(), bytes.toString('utf8'), isSecretRecord),
    );
    // Two names never share a file unless SHA-256 collides; check anyway.
    return rec && rec.name === name ? rec : undefined;
  }

  /** Writes a secret's file; the listing index and the write counter move with it. */
  writeSecret(rec: SecretRecord): void {
    ensureDir(this.secretsDir);
    this.index.change(rec.name, () => {
      changing(this.store.dir, () => {
        writeFileAtomic(join(this.secretsDir, fileNameOf(rec.name)), JSON.stringify(rec));
        crashPoint('store:inside-change');
      });
      return summaryOf(rec);
    });
  }

  /**
   * Many secrets at once, each durable before this returns (for seeding). The seeder passes in the
   * batch writer (batch-write.ts): it loads node:child_process, which the start-up bundle that
   * holds this store must not (about 3.5 ms of every call).
   */
  writeSecrets(recs: SecretRecord[], writeFiles: typeof writeFilesAtomic): void {
    if (!recs.length) return;
    ensureDir(this.secretsDir);
    // The listing index and the write counter move with them, as for one secret (writeSecret).
    this.index.changeMany(
      recs.map((r) => r.name),
      () => {
        changing(this.store.dir, () => writeFiles(recs.map((rec) => ({ path: join(this.secretsDir, fileNameOf(rec.name)), data: JSON.stringify(rec) }))));
        return recs.map(summaryOf);
      },
    );
  }

  removeSecret(name: string): void {
    this.index.change(name, () => {
      changing(this.store.dir, () => {
        removeFileDurably(join(this.secretsDir, fileNameOf(name)));
        crashPoint('store:inside-change');
      });
      return null;
    });
  }

  /** Every live or scheduled secret's listing fields, in listing order (read-only: may be shared). */
  listSecretSummaries(): SecretListing {
    let cache = this.store.indexCaches.get(this.region);
    if (!cache && this.store.lockHeld === false && this.store.cachesReads) this.store.indexCaches.set(this.region, (cache = {}));
    return this.index.list(cache);
  }

  /**
   * Every record in a folder (temporary files of interrupted writes are not `.json`). A damaged
   * file does not hide the others: it is skipped and reported through `onDamaged` (by default a
   * warning on stderr naming the file and `aliyun kms store verify`).
   */
  private readAll<T>(dir: string, valid: (v: any) => boolean, onDamaged: (e: StoreError) => void = warnDamaged): T[] {
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch (e: any) {
      if (e.code === 'ENOENT') return [];
      throw new StoreError(`cannot list the store folder ${dir}: ${describeFsError(e)}`);
    }
    const out: T[] = [];
    for (const f of files) {
      if (!f.endsWith('.json')) continue;
      try {
        const rec = this.readJson<T>(join(dir, f), valid);
        if (rec) out.push(rec);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        onDamaged(e);
      }
    }
    return out;
  }

  listSecrets(onDamaged?: (e: StoreError) => void): SecretRecord[] {
    return this.readAll<SecretRecord>(this.secretsDir, isSecretRecord, onDamaged);
  }

  readKey(keyId: string): KeyRecord | undefined {
    if (!/^[A-Za-z0-9-]+$/.test(keyId)) return undefined;
    return this.readJson<KeyRecord>(join(this.keysDir, keyId + '.json'), isKeyRecord);
  }

  writeKey(rec: KeyRecord): void {
    ensureDir(this.keysDir);
    changing(this.store.dir, () => writeFileAtomic(join(this.keysDir, rec.keyId + '.json'), JSON.stringify(rec)));
  }

  listKeys(onDamaged?: (e: StoreError) => void): KeyRecord[] {
    return this.readAll<KeyRecord>(this.keysDir, isKeyRecord, onDamaged);
  }
}
