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
import { chmodSync, closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createHash, randomInt } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AAD, DecryptError, deriveRootKey, newKey, newScryptParams, open, seal, type ScryptParams } from './crypto.js';
import { DIR_MODE, ensureDir, removeFileDurably, removeTempFiles, withLock, withLockAsync, writeFileAtomic } from './fsutil.js';
import type { Tag } from '../../operations/validators.js';
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
  rootKey: { source: 'file' } | ({ source: 'passphrase'; kdf: 'scrypt'; check: string } & ScryptParams);
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
  const off = Number(process.env.ALIYUN_KMS_LOCAL_TIME_OFFSET || 0);
  return Date.now() + (Number.isFinite(off) ? off * 1000 : 0);
}

const isObject = (v: any) => !!v && typeof v === 'object' && !Array.isArray(v);
const strings = (v: any, keys: string[]) => keys.every((k) => typeof v[k] === 'string');

/** The shape every reader relies on; a damaged file is refused rather than half-read. */
function isSecretRecord(v: any): boolean {
  return (
    isObject(v) &&
    strings(v, ['name', 'type', 'description', 'createTime', 'updateTime', 'dataKey']) &&
    (v.keyId === null || typeof v.keyId === 'string') &&
    Array.isArray(v.tags) &&
    Array.isArray(v.versions) &&
    v.versions.every((x: any) => isObject(x) && strings(x, ['id', 'createTime', 'dataType', 'value']) && Array.isArray(x.stages))
  );
}

function isKeyRecord(v: any): boolean {
  return isObject(v) && strings(v, ['keyId', 'keySpec', 'keyUsage', 'creationDate', 'material']) && Array.isArray(v.tags);
}

const fileNameOf = (secretName: string) => createHash('sha256').update(secretName).digest('hex') + '.json';

export class LocalStore {
  private header!: StoreHeader;
  private rootKey!: Buffer;
  readonly lockDir: string;

  constructor(readonly dir: string = defaultStoreDir()) {
    this.lockDir = join(dir, '.lock');
  }

  /** Opens the store, creating it on first use. */
  open(): this {
    const headerPath = join(this.dir, 'store.json');
    if (!existsSync(headerPath)) {
      ensureDir(this.dir);
      withLock(this.lockDir, () => {
        if (!existsSync(headerPath)) this.create(headerPath);
      });
    }
    let header: StoreHeader;
    try {
      header = JSON.parse(readFileSync(headerPath, 'utf8'));
    } catch (e: any) {
      throw new StoreError(`cannot read ${headerPath}: ${e.message}`);
    }
    if (header.format !== STORE_FORMAT) throw new StoreError(`${headerPath} is not a local KMS store`);
    if (header.version !== STORE_VERSION) throw new StoreError(`${headerPath} has store format version ${header.version}; this build reads version ${STORE_VERSION}`);
    this.header = header;
    this.rootKey = this.loadRootKey(header);
    return this;
  }

  private create(headerPath: string): void {
    // A folder holding secrets or keys without its header is damaged, not new: creating a store
    // there would replace the root key and make every value unreadable. (A root.key alone is what a
    // creation interrupted before store.json leaves; nothing was sealed with it yet.)
    if (existsSync(join(this.dir, 'regions')))
      throw new StoreError(`the local store ${this.dir} has secrets or keys but no store.json; restore store.json from a backup (nothing was changed)`);
    chmodSync(this.dir, DIR_MODE);
    const passphrase = process.env.ALIYUN_KMS_LOCAL_PASSPHRASE;
    // A 16-digit account id, like an Alibaba Cloud UID, fixed for the life of the store.
    const accountId = String(randomInt(1, 10)) + Array.from({ length: 15 }, () => randomInt(0, 10)).join('');
    let rootKey: StoreHeader['rootKey'];
    if (passphrase) {
      const params = newScryptParams();
      const key = deriveRootKey(passphrase, params);
      rootKey = { source: 'passphrase', kdf: 'scrypt', ...params, check: seal(key, Buffer.from('ok'), AAD.check) };
    } else {
      writeFileAtomic(join(this.dir, 'root.key'), newKey().toString('base64') + '\n');
      rootKey = { source: 'file' };
    }
    const header: StoreHeader = { format: STORE_FORMAT, version: STORE_VERSION, accountId, createTime: isoSeconds(Date.now()), rootKey };
    writeFileAtomic(headerPath, JSON.stringify(header, null, 2) + '\n');
  }

  private loadRootKey(h: StoreHeader): Buffer {
    if (h.rootKey.source === 'file') {
      if (process.env.ALIYUN_KMS_LOCAL_PASSPHRASE)
        throw new StoreError(`the local store ${this.dir} was created without a passphrase; unset ALIYUN_KMS_LOCAL_PASSPHRASE or use another ALIYUN_KMS_LOCAL_DIR`);
      try {
        const key = Buffer.from(readFileSync(join(this.dir, 'root.key'), 'utf8').trim(), 'base64');
        if (key.length !== 32) throw new Error('not a 32-byte key');
        return key;
      } catch (e: any) {
        throw new StoreError(`cannot read the root key ${join(this.dir, 'root.key')}: ${e.message}`);
      }
    }
    const passphrase = process.env.ALIYUN_KMS_LOCAL_PASSPHRASE;
    if (!passphrase) throw new StoreError(`the local store ${this.dir} is protected by a passphrase: set ALIYUN_KMS_LOCAL_PASSPHRASE`);
    const key = deriveRootKey(passphrase, h.rootKey);
    try {
      open(key, h.rootKey.check, AAD.check);
    } catch (e) {
      if (e instanceof DecryptError) throw new StoreError(`wrong passphrase for the local store ${this.dir}`);
      throw e;
    }
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
    return withLock(
      this.lockDir,
      () => {
        this.lockHeld = true;
        try {
          return fn();
        } finally {
          this.lockHeld = false;
        }
      },
      () => this.removeTempFiles(),
    );
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
    }
    try {
      this.generationFd = openSync(generationPath(this.dir), 'r');
    } catch (e: any) {
      if (e.code === 'ENOENT') return readGeneration(this.dir);
      throw e;
    }
    return fstatSync(this.generationFd).size;
  }

  get cachesReads(): boolean {
    return this.readCache !== undefined;
  }

  enableReadCache(maxEntries: number): void {
    this.readCache = new Map();
    this.readCacheMax = maxEntries;
  }

  /** A secret's file, through the cache when it is on. */
  readRecord<T>(key: string, pathOf: () => string, parse: (bytes: Buffer | undefined) => T | undefined): T | undefined {
    const cache = this.readCache;
    if (!cache || this.lockHeld) return parse(readOrUndefined(pathOf()));
    const before = this.generation();
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
    return withLockAsync(
      this.lockDir,
      () => {
        this.lockHeld = true;
        try {
          return fn();
        } finally {
          this.lockHeld = false;
        }
      },
      () => this.removeTempFiles(),
    );
  }

  /** Called with the lock held after a dead writer's lock was taken over: no live writer has temp files. */
  private removeTempFiles(): void {
    removeTempFiles(this.dir);
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

interface CachedRecord {
  /** The write count the file was last known unchanged at. */
  gen: number;
  /** The file's bytes as latin1 text; undefined: no such file. */
  text: string | undefined;
  value: unknown;
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (e: any) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
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
      () => this.listSecrets(),
      (name) => this.readSecret(name),
    );
  }

  private readJson<T>(path: string, valid: (v: any) => boolean): T | undefined {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e: any) {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    }
    return this.parseJson(path, text, valid);
  }

  private parseJson<T>(path: string, text: string, valid: (v: any) => boolean): T | undefined {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new StoreError(`corrupt store file ${path}: not JSON`);
    }
    if (!valid(v)) throw new StoreError(`corrupt store file ${path}: not a record of this store`);
    return v as T;
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

  /** Every record in a folder (temporary files of interrupted writes are not `.json`). */
  private readAll<T>(dir: string, valid: (v: any) => boolean): T[] {
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch (e: any) {
      if (e.code === 'ENOENT') return [];
      throw e;
    }
    const out: T[] = [];
    for (const f of files) {
      if (!f.endsWith('.json')) continue;
      const rec = this.readJson<T>(join(dir, f), valid);
      if (rec) out.push(rec);
    }
    return out;
  }

  listSecrets(): SecretRecord[] {
    return this.readAll<SecretRecord>(this.secretsDir, isSecretRecord);
  }

  readKey(keyId: string): KeyRecord | undefined {
    if (!/^[A-Za-z0-9-]+$/.test(keyId)) return undefined;
    return this.readJson<KeyRecord>(join(this.keysDir, keyId + '.json'), isKeyRecord);
  }

  writeKey(rec: KeyRecord): void {
    ensureDir(this.keysDir);
    changing(this.store.dir, () => writeFileAtomic(join(this.keysDir, rec.keyId + '.json'), JSON.stringify(rec)));
  }

  listKeys(): KeyRecord[] {
    return this.readAll<KeyRecord>(this.keysDir, isKeyRecord);
  }
}
