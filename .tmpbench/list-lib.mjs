var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/backends/local/store.ts
import { chmodSync, closeSync as closeSync4, existsSync, fstatSync as fstatSync2, openSync as openSync4, readdirSync as readdirSync2, readFileSync as readFileSync3 } from "node:fs";
import { createHash, randomInt } from "node:crypto";
import { homedir } from "node:os";
import { join as join4 } from "node:path";

// src/backends/local/crypto.ts
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scryptSync } from "node:crypto";
var IV = 12;
var TAG = 16;
var DecryptError = class extends Error {
};
function seal(key, plaintext, aad) {
  const iv = randomBytes(IV);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString("base64");
}
function open(key, sealed, aad) {
  const buf = Buffer.from(sealed, "base64");
  if (buf.length < IV + TAG) throw new DecryptError("sealed data too short");
  const d = createDecipheriv("aes-256-gcm", key, buf.subarray(0, IV));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(buf.subarray(IV, IV + TAG));
  try {
    return Buffer.concat([d.update(buf.subarray(IV + TAG)), d.final()]);
  } catch {
    throw new DecryptError("authentication failed");
  }
}
var newKey = () => randomBytes(32);
function newScryptParams() {
  return { salt: randomBytes(16).toString("base64"), N: 1 << 15, r: 8, p: 1 };
}
function deriveRootKey(passphrase, s) {
  return scryptSync(passphrase, Buffer.from(s.salt, "base64"), 32, { N: s.N, r: s.r, p: s.p, maxmem: 256 * s.N * s.r + 1024 * 1024 });
}
function deriveDefaultKey(root, accountId, region) {
  return Buffer.from(hkdfSync("sha256", root, accountId, `aliyun-kms-local default key ${region}`, 32));
}
var AAD = {
  check: "aliyun-kms-local root-key check",
  keyMaterial: (region, keyId) => `aliyun-kms-local key ${region} ${keyId}`,
  dataKey: (region, secretName2) => `aliyun-kms-local data-key ${region} ${secretName2}`,
  value: (secretName2, versionId) => `aliyun-kms-local value ${secretName2}\0${versionId}`
};

// src/backends/local/fsutil.ts
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { hostname } from "node:os";
import { randomBytes as randomBytes2 } from "node:crypto";
var FILE_MODE = 384;
var DIR_MODE = 448;
function ensureDir(path) {
  mkdirSync(path, { recursive: true, mode: DIR_MODE });
}
function fsyncDir(dir) {
  let fd;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
  } finally {
    if (fd !== void 0) closeSync(fd);
  }
}
function writeFileAtomic(path, data) {
  const dir = dirname(path);
  const tmp = join(dir, `.tmp-${process.pid}-${randomBytes2(6).toString("hex")}`);
  const fd = openSync(tmp, "wx", FILE_MODE);
  try {
    const buf = typeof data === "string" ? Buffer.from(data) : data;
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
function removeTempFiles(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(".tmp-")) rmSync(join(dir, n), { force: true });
}
function removeFileDurably(path) {
  try {
    unlinkSync(path);
  } catch (e) {
    if (e.code === "ENOENT") return;
    throw e;
  }
  fsyncDir(dirname(path));
}
var sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms) {
  Atomics.wait(sleepCell, 0, 0, ms);
}
var STALE_AFTER_MS = 6e4;
var UNOWNED_GRACE_MS = 5e3;
var WAIT_LIMIT_MS = 3e4;
function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}
function readOwner(lockDir) {
  try {
    return JSON.parse(readFileSync(join(lockDir, "owner"), "utf8"));
  } catch {
    return void 0;
  }
}
function isStale(lockDir) {
  const owner = readOwner(lockDir);
  if (!owner) {
    try {
      return Date.now() - statSync(lockDir).mtimeMs > UNOWNED_GRACE_MS;
    } catch {
      return false;
    }
  }
  if (Date.now() - owner.time > STALE_AFTER_MS) return true;
  return owner.host === hostname() && !pidAlive(owner.pid);
}
function removeLockDir(lockDir) {
  rmSync(join(lockDir, "owner"), { force: true });
  try {
    rmdirSync(lockDir);
  } catch {
  }
}
function takeOver(lockDir) {
  const guard = lockDir + ".takeover";
  try {
    mkdirSync(guard, { mode: DIR_MODE });
  } catch (e) {
    if (e.code !== "EEXIST") throw e;
    try {
      if (Date.now() - statSync(guard).mtimeMs > UNOWNED_GRACE_MS) rmdirSync(guard);
    } catch {
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
var LockTimeoutError = class extends Error {
};
function attemptLock(lockDir, state) {
  try {
    mkdirSync(lockDir, { mode: DIR_MODE });
  } catch (e) {
    if (e.code !== "EEXIST") throw e;
    if (!isStale(lockDir) || !takeOver(lockDir)) return "busy";
    state.tookOver = true;
    return "retry";
  }
  const fd = openSync(join(lockDir, "owner"), "w", FILE_MODE);
  writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() }));
  closeSync(fd);
  return "acquired";
}
function runHolding(lockDir, fn, tookOver, afterTakeover) {
  try {
    if (tookOver) afterTakeover?.();
    return fn();
  } finally {
    if (readOwner(lockDir)?.pid === process.pid) removeLockDir(lockDir);
  }
}
function* acquireLock(lockDir) {
  const start = Date.now();
  const state = { tookOver: false };
  for (let delay = 1; ; ) {
    const r = attemptLock(lockDir, state);
    if (r === "acquired") return state.tookOver;
    if (r === "retry") continue;
    if (Date.now() - start > WAIT_LIMIT_MS) throw new LockTimeoutError(`timed out waiting for the lock ${lockDir}`);
    yield delay + Math.random() * delay;
    delay = Math.min(delay * 2, 50);
  }
}
function withLock(lockDir, fn, afterTakeover) {
  const tries = acquireLock(lockDir);
  for (let t = tries.next(); ; t = tries.next()) {
    if (t.done) return runHolding(lockDir, fn, t.value, afterTakeover);
    sleepMs(t.value);
  }
}
async function withLockAsync(lockDir, fn, afterTakeover) {
  const tries = acquireLock(lockDir);
  for (let t = tries.next(); ; t = tries.next()) {
    if (t.done) return runHolding(lockDir, fn, t.value, afterTakeover);
    const ms = t.value;
    await new Promise((res) => setTimeout(res, ms));
  }
}

// src/backends/local/generation.ts
import { closeSync as closeSync2, openSync as openSync2, statSync as statSync2, writeSync as writeSync2 } from "node:fs";
import { join as join2 } from "node:path";
var FILE = "generation";
var STEP = Buffer.from(".");
var generationPath = (storeDir) => join2(storeDir, FILE);
function readGeneration(storeDir) {
  try {
    return statSync2(generationPath(storeDir)).size;
  } catch (e) {
    if (e.code === "ENOENT") return 0;
    throw e;
  }
}
function step(storeDir) {
  const fd = openSync2(join2(storeDir, FILE), "a", FILE_MODE);
  try {
    writeSync2(fd, STEP);
  } finally {
    closeSync2(fd);
  }
}
function changing(storeDir, change) {
  if (readGeneration(storeDir) % 2 === 1) step(storeDir);
  step(storeDir);
  try {
    return change();
  } finally {
    step(storeDir);
  }
}

// src/backends/local/secret-index.ts
import { closeSync as closeSync3, fstatSync, openSync as openSync3, readFileSync as readFileSync2, readSync, statSync as statSync3, writeSync as writeSync3, fdatasyncSync } from "node:fs";
import { randomBytes as randomBytes3 } from "node:crypto";
import { join as join3 } from "node:path";
function summaryOf(r) {
  const s = { name: r.name, type: r.type, description: r.description, tags: r.tags, createTime: r.createTime, updateTime: r.updateTime };
  if (r.plannedDeleteTime !== void 0) s.plannedDeleteTime = r.plannedDeleteTime;
  if (r.dkmsInstanceId !== void 0) s.dkmsInstanceId = r.dkmsInstanceId;
  return s;
}
var byCreateThenName = (a, b) => a.createTime < b.createTime ? -1 : a.createTime > b.createTime ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
var toRow = (s) => [
  s.name,
  s.type,
  s.description,
  s.createTime,
  s.updateTime,
  s.plannedDeleteTime ?? 0,
  s.tags.length ? s.tags.map((t) => [t.TagKey, t.TagValue]) : 0,
  s.dkmsInstanceId ?? 0
];
function fromRow(r) {
  const s = { name: r[0], type: r[1], description: r[2], createTime: r[3], updateTime: r[4], tags: r[6] ? r[6].map(([k, v]) => ({ TagKey: k, TagValue: v })) : [] };
  if (r[5]) s.plannedDeleteTime = r[5];
  if (r[7]) s.dkmsInstanceId = r[7];
  return s;
}
var isRow = (r) => Array.isArray(r) && r.length === 8 && typeof r[0] === "string" && typeof r[3] === "string";
function crashPoint(step2) {
  if (process.env.ALIYUN_KMS_TEST_CRASH_AT === step2) process.kill(process.pid, "SIGKILL");
}
function dirMtime(dir) {
  try {
    return String(statSync3(dir, { bigint: true }).mtimeNs);
  } catch (e) {
    if (e.code === "ENOENT") return "missing";
    throw e;
  }
}
function readText(path) {
  try {
    return readFileSync2(path, "utf8");
  } catch (e) {
    if (e.code === "ENOENT") return void 0;
    throw e;
  }
}
function headOf(path) {
  let fd;
  try {
    fd = openSync3(path, "r");
  } catch (e) {
    if (e.code === "ENOENT") return void 0;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, 1024));
    return { head: buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString("utf8").split("\n")[0], size };
  } finally {
    closeSync3(fd);
  }
}
function headAndTail(path) {
  let fd;
  try {
    fd = openSync3(path, "r");
  } catch (e) {
    if (e.code === "ENOENT") return void 0;
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, 8192));
    const head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString("utf8").split("\n")[0];
    const n = readSync(fd, buf, 0, buf.length, Math.max(0, size - buf.length));
    const lines = buf.subarray(0, n).toString("utf8").split("\n");
    lines.pop();
    let tail = "";
    while (lines.length && !(tail = lines.pop())) ;
    return { head, tail, size };
  } finally {
    closeSync3(fd);
  }
}
function parseJson(line) {
  try {
    return JSON.parse(line);
  } catch {
    return void 0;
  }
}
function parseHeader(line) {
  const h = parseJson(line);
  return h && typeof h.gen === "number" && typeof h.id === "string" && typeof h.mtime === "string" ? h : void 0;
}
function parseJournal(text) {
  const lines = text.split("\n");
  const head = parseJson(lines[0]);
  if (!head || typeof head.gen !== "number") return void 0;
  const events = [];
  for (let i = 1; i < lines.length - 1; i++) {
    if (!lines[i]) continue;
    const e = parseJson(lines[i]);
    if (e && typeof e.i === "string") events.push(e);
    else if (e && typeof e.c === "string" && typeof e.m === "string" && (e.s === null || isRow(e.s))) events.push(e);
  }
  return { gen: head.gen, events };
}
var COMPACT_MIN_BYTES = 64 * 1024;
var SecretIndex = class {
  constructor(regionDir, secretsDir, scan, readOne) {
    this.secretsDir = secretsDir;
    this.scan = scan;
    this.readOne = readOne;
    this.indexPath = join3(regionDir, "secrets.index");
    this.journalPath = join3(regionDir, "secrets.journal");
  }
  secretsDir;
  scan;
  readOne;
  indexPath;
  journalPath;
  // ---- writers (store lock held) ---------------------------------------------------------------
  /** Runs `change` (which writes or removes the file of `name`) with the index kept in step. */
  change(name, change) {
    const state = this.writerState();
    if (state === "rebuild") this.rebuild();
    this.append({ i: name }, true);
    crashPoint("index:after-intent");
    const summary = change();
    crashPoint("index:after-file");
    this.append({ c: name, s: summary && toRow(summary), m: dirMtime(this.secretsDir) }, false);
    crashPoint("index:after-commit");
    const journalSize = statSync3(this.journalPath).size;
    const limit = Number(process.env.ALIYUN_KMS_TEST_INDEX_COMPACT_BYTES) || Math.max(COMPACT_MIN_BYTES, statSync3(this.indexPath).size / 8);
    if (journalSize > limit) this.compact();
  }
  /** Whether the journal can be appended to as it is, from its first and last lines only. */
  writerState() {
    const base = headOf(this.indexPath);
    const header = base && parseHeader(base.head);
    if (!header) return "rebuild";
    const journal = headAndTail(this.journalPath);
    const jgen = journal ? parseJson(journal.head)?.gen : void 0;
    if (jgen !== header.gen) {
      if (typeof jgen !== "number" || jgen < header.gen) this.freshJournal(header.gen);
      else return "rebuild";
      return this.mtimeAgrees(header.mtime) ? "ok" : "rebuild";
    }
    const last = journal && journal.tail !== journal.head ? parseJson(journal.tail) : void 0;
    if (last && typeof last.i === "string") return "ok";
    const recorded = last && typeof last.m === "string" ? last.m : header.mtime;
    return this.mtimeAgrees(recorded) ? "ok" : "rebuild";
  }
  mtimeAgrees(recorded) {
    return dirMtime(this.secretsDir) === recorded;
  }
  append(event, sync) {
    const fd = openSync3(this.journalPath, "a", FILE_MODE);
    try {
      writeSync3(fd, "\n" + JSON.stringify(event) + "\n");
      if (sync) fdatasyncSync(fd);
    } finally {
      closeSync3(fd);
    }
  }
  freshJournal(gen) {
    writeFileAtomic(this.journalPath, JSON.stringify({ gen }) + "\n");
  }
  writeIndex(gen, rows) {
    rows.sort(byCreateThenName);
    const header = { gen, id: randomBytes3(12).toString("hex"), mtime: dirMtime(this.secretsDir) };
    writeFileAtomic(this.indexPath, JSON.stringify(header) + "\n" + JSON.stringify(rows.map(toRow)) + "\n");
    crashPoint("index:after-index");
    this.freshJournal(gen);
    crashPoint("index:after-journal");
  }
  /** The index from every file, when it cannot be trusted. */
  rebuild() {
    const old = parseHeader(headOf(this.indexPath)?.head ?? "");
    const oldJournal = headOf(this.journalPath);
    const gen = Math.max(old?.gen ?? 0, parseJson(oldJournal?.head ?? "")?.gen ?? 0) + 1;
    this.writeIndex(gen, this.scan().map(summaryOf));
  }
  /** Folds the journal into a new index. */
  compact() {
    const listing = this.read();
    if (!listing.fromIndex) return this.rebuild();
    const header = parseHeader(headOf(this.indexPath).head);
    this.writeIndex(header.gen + 1, [...listing.sorted]);
  }
  // ---- readers (no lock) -----------------------------------------------------------------------
  /** Every secret's summary, from the index when it agrees with the folder, else from the files. */
  list(cache) {
    return this.read(cache);
  }
  read(cache) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = this.tryIndex(cache);
      if (r) return { ...r, fromIndex: true };
    }
    const sorted = this.scan().map(summaryOf).sort(byCreateThenName);
    return { sorted, anyPlannedDelete: sorted.some((s) => s.plannedDeleteTime !== void 0), fromIndex: false };
  }
  tryIndex(cache) {
    const mtimeNow = dirMtime(this.secretsDir);
    const journal = this.readJournal(cache);
    const header = parseHeader(headOf(this.indexPath)?.head ?? "");
    if (!header) return void 0;
    let rows;
    if (cache?.base && cache.base.id === header.id) rows = cache.base.rows;
    else {
      const text = readText(this.indexPath);
      if (text === void 0) return void 0;
      const nl = text.indexOf("\n");
      const full = parseHeader(text.slice(0, nl));
      if (!full || full.id !== header.id) return void 0;
      const parsed = parseJson(text.slice(nl + 1));
      if (!Array.isArray(parsed) || !parsed.every(isRow)) return void 0;
      rows = new Array(parsed.length);
      for (let i = 0; i < parsed.length; i++) rows[i] = fromRow(parsed[i]);
      if (cache) cache.base = { id: header.id, gen: header.gen, rows };
    }
    let j = { gen: header.gen, size: 0, events: [], pending: /* @__PURE__ */ new Set() };
    if (journal) {
      if (journal.gen > header.gen) return void 0;
      if (journal.gen === header.gen) j = journal;
    }
    const last = j.events[j.events.length - 1];
    if (!last || "c" in last) {
      if ((last ? last.m : header.mtime) !== mtimeNow) return void 0;
    }
    const viewKey = `${header.id}:${j.gen}:${j.size}`;
    if (j.pending.size === 0 && cache?.view?.key === viewKey) return cache.view.listing;
    const changed = /* @__PURE__ */ new Map();
    for (const e of j.events) if ("c" in e) changed.set(e.c, e.s && fromRow(e.s));
    for (const name of j.pending) {
      const rec = this.readOne(name);
      changed.set(name, rec ? summaryOf(rec) : null);
    }
    let sorted;
    if (changed.size === 0) sorted = rows;
    else {
      const added = [];
      for (const s of changed.values()) if (s) added.push(s);
      added.sort(byCreateThenName);
      sorted = [];
      let a = 0;
      for (const r of rows) {
        if (changed.has(r.name)) continue;
        while (a < added.length && byCreateThenName(added[a], r) < 0) sorted.push(added[a++]);
        sorted.push(r);
      }
      while (a < added.length) sorted.push(added[a++]);
    }
    const listing = { sorted, anyPlannedDelete: sorted.some((s) => s.plannedDeleteTime !== void 0) };
    if (cache && j.pending.size === 0) cache.view = { key: viewKey, listing };
    return listing;
  }
  /** The journal's events, parsed again only when its size or generation moved. */
  readJournal(cache) {
    if (cache?.journal) {
      const peek = headOf(this.journalPath);
      if (!peek) return void 0;
      const gen = parseJson(peek.head)?.gen;
      if (gen === cache.journal.gen && peek.size === cache.journal.size) return cache.journal;
    }
    const text = readText(this.journalPath);
    if (text === void 0) return void 0;
    const parsed = parseJournal(text);
    if (!parsed) return { gen: Infinity, size: 0, events: [], pending: /* @__PURE__ */ new Set() };
    const pending = /* @__PURE__ */ new Set();
    for (const e of parsed.events) {
      if ("i" in e) pending.add(e.i);
      else pending.delete(e.c);
    }
    const j = { gen: parsed.gen, size: Buffer.byteLength(text), events: parsed.events, pending };
    if (cache) cache.journal = j;
    return j;
  }
};

// src/backends/local/store.ts
var STORE_FORMAT = "aliyun-kms-local";
var STORE_VERSION = 1;
var StoreError = class extends Error {
};
function defaultStoreDir() {
  return process.env.ALIYUN_KMS_LOCAL_DIR || join4(homedir(), ".aliyun", "kms-local");
}
function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
function nowMs() {
  const off = Number(process.env.ALIYUN_KMS_LOCAL_TIME_OFFSET || 0);
  return Date.now() + (Number.isFinite(off) ? off * 1e3 : 0);
}
var isObject = (v) => !!v && typeof v === "object" && !Array.isArray(v);
var strings = (v, keys) => keys.every((k) => typeof v[k] === "string");
function isSecretRecord(v) {
  return isObject(v) && strings(v, ["name", "type", "description", "createTime", "updateTime", "dataKey"]) && (v.keyId === null || typeof v.keyId === "string") && Array.isArray(v.tags) && Array.isArray(v.versions) && v.versions.every((x) => isObject(x) && strings(x, ["id", "createTime", "dataType", "value"]) && Array.isArray(x.stages));
}
function isKeyRecord(v) {
  return isObject(v) && strings(v, ["keyId", "keySpec", "keyUsage", "creationDate", "material"]) && Array.isArray(v.tags);
}
var fileNameOf = (secretName2) => createHash("sha256").update(secretName2).digest("hex") + ".json";
var LocalStore = class {
  constructor(dir = defaultStoreDir()) {
    this.dir = dir;
    this.lockDir = join4(dir, ".lock");
  }
  dir;
  header;
  rootKey;
  lockDir;
  /** Opens the store, creating it on first use. */
  open() {
    const headerPath = join4(this.dir, "store.json");
    if (!existsSync(headerPath)) {
      ensureDir(this.dir);
      withLock(this.lockDir, () => {
        if (!existsSync(headerPath)) this.create(headerPath);
      });
    }
    let header;
    try {
      header = JSON.parse(readFileSync3(headerPath, "utf8"));
    } catch (e) {
      throw new StoreError(`cannot read ${headerPath}: ${e.message}`);
    }
    if (header.format !== STORE_FORMAT) throw new StoreError(`${headerPath} is not a local KMS store`);
    if (header.version !== STORE_VERSION) throw new StoreError(`${headerPath} has store format version ${header.version}; this build reads version ${STORE_VERSION}`);
    this.header = header;
    this.rootKey = this.loadRootKey(header);
    return this;
  }
  create(headerPath) {
    if (existsSync(join4(this.dir, "regions")))
      throw new StoreError(`the local store ${this.dir} has secrets or keys but no store.json; restore store.json from a backup (nothing was changed)`);
    chmodSync(this.dir, DIR_MODE);
    const passphrase = process.env.ALIYUN_KMS_LOCAL_PASSPHRASE;
    const accountId = String(randomInt(1, 10)) + Array.from({ length: 15 }, () => randomInt(0, 10)).join("");
    let rootKey;
    if (passphrase) {
      const params = newScryptParams();
      const key = deriveRootKey(passphrase, params);
      rootKey = { source: "passphrase", kdf: "scrypt", ...params, check: seal(key, Buffer.from("ok"), AAD.check) };
    } else {
      writeFileAtomic(join4(this.dir, "root.key"), newKey().toString("base64") + "\n");
      rootKey = { source: "file" };
    }
    const header = { format: STORE_FORMAT, version: STORE_VERSION, accountId, createTime: isoSeconds(Date.now()), rootKey };
    writeFileAtomic(headerPath, JSON.stringify(header, null, 2) + "\n");
  }
  loadRootKey(h) {
    if (h.rootKey.source === "file") {
      if (process.env.ALIYUN_KMS_LOCAL_PASSPHRASE)
        throw new StoreError(`the local store ${this.dir} was created without a passphrase; unset ALIYUN_KMS_LOCAL_PASSPHRASE or use another ALIYUN_KMS_LOCAL_DIR`);
      try {
        const key2 = Buffer.from(readFileSync3(join4(this.dir, "root.key"), "utf8").trim(), "base64");
        if (key2.length !== 32) throw new Error("not a 32-byte key");
        return key2;
      } catch (e) {
        throw new StoreError(`cannot read the root key ${join4(this.dir, "root.key")}: ${e.message}`);
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
  get accountId() {
    return this.header.accountId;
  }
  derived = /* @__PURE__ */ new Map();
  /** Values derived from the root key, computed once per opened store (the server keeps it open). */
  memo(key, derive) {
    if (!this.derived.has(key)) this.derived.set(key, derive());
    return this.derived.get(key);
  }
  get createTime() {
    return this.header.createTime;
  }
  get root() {
    return this.rootKey;
  }
  regions = /* @__PURE__ */ new Map();
  region(region) {
    let rs = this.regions.get(region);
    if (!rs) this.regions.set(region, rs = new RegionStore(this, region));
    return rs;
  }
  /** Serialises writers across processes. Readers never need it: files are replaced atomically. */
  write(fn) {
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
      () => this.removeTempFiles()
    );
  }
  /** True while this process holds the lock and runs a writer: reads then bypass the cache. */
  lockHeld = false;
  /** Parsed secret records by region and name (off unless enabled: a CLI call reads each once). */
  readCache;
  readCacheMax = 0;
  /** Parsed listing indexes by region, for a long-lived process. */
  indexCaches = /* @__PURE__ */ new Map();
  /**
   * Keeps up to `maxEntries` parsed records between calls (the server). A record is served from
   * memory only while the store's write counter (generation.ts) is where it was when the file was
   * read; after any write its file is read again and parsed again only if its bytes changed.
   */
  generationFd = -1;
  /** The write count, from an open descriptor (the server asks on every read). */
  generation() {
    if (this.generationFd >= 0) {
      const st = fstatSync2(this.generationFd);
      if (st.nlink > 0) return st.size;
      closeSync4(this.generationFd);
      this.generationFd = -1;
    }
    try {
      this.generationFd = openSync4(generationPath(this.dir), "r");
    } catch (e) {
      if (e.code === "ENOENT") return readGeneration(this.dir);
      throw e;
    }
    return fstatSync2(this.generationFd).size;
  }
  get cachesReads() {
    return this.readCache !== void 0;
  }
  enableReadCache(maxEntries) {
    this.readCache = /* @__PURE__ */ new Map();
    this.readCacheMax = maxEntries;
  }
  /** A secret's file, through the cache when it is on. */
  readRecord(key, pathOf, parse) {
    const cache = this.readCache;
    if (!cache || this.lockHeld) return parse(readOrUndefined(pathOf()));
    const before = this.generation();
    const hit = cache.get(key);
    if (hit && hit.gen === before && before % 2 === 0) return hit.value;
    const bytes = readOrUndefined(pathOf());
    const stable = before % 2 === 0 && this.generation() === before;
    const text = bytes?.toString("latin1");
    if (hit && hit.text === text) {
      if (stable) hit.gen = before;
      return hit.value;
    }
    const value = parse(bytes);
    if (stable) {
      if (value !== void 0) deepFreeze(value);
      cache.delete(key);
      cache.set(key, { gen: before, text, value });
      if (cache.size > this.readCacheMax) cache.delete(cache.keys().next().value);
    }
    return value;
  }
  /**
   * Runs `fn` (synchronous, so nothing else of this process interleaves) holding the lock, waiting
   * for it without blocking: the server calls this for writes and keeps answering reads meanwhile.
   */
  writeAsync(fn) {
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
      () => this.removeTempFiles()
    );
  }
  /** Called with the lock held after a dead writer's lock was taken over: no live writer has temp files. */
  removeTempFiles() {
    removeTempFiles(this.dir);
    const regions = join4(this.dir, "regions");
    let names = [];
    try {
      names = readdirSync2(regions);
    } catch {
    }
    for (const r of names) for (const sub of ["secrets", "keys"]) removeTempFiles(join4(regions, r, sub));
  }
};
function readOrUndefined(path) {
  try {
    return readFileSync3(path);
  } catch (e) {
    if (e.code === "ENOENT") return void 0;
    throw e;
  }
}
function deepFreeze(v) {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze(v[k]);
  }
}
var RegionStore = class {
  constructor(store, region) {
    this.store = store;
    this.region = region;
    const base = join4(store.dir, "regions", region);
    this.secretsDir = join4(base, "secrets");
    this.keysDir = join4(base, "keys");
    this.index = new SecretIndex(
      base,
      this.secretsDir,
      () => this.listSecrets(),
      (name) => this.readSecret(name)
    );
  }
  store;
  region;
  secretsDir;
  keysDir;
  index;
  readJson(path, valid) {
    let text;
    try {
      text = readFileSync3(path, "utf8");
    } catch (e) {
      if (e.code === "ENOENT") return void 0;
      throw e;
    }
    return this.parseJson(path, text, valid);
  }
  parseJson(path, text, valid) {
    let v;
    try {
      v = JSON.parse(text);
    } catch {
      throw new StoreError(`corrupt store file ${path}: not JSON`);
    }
    if (!valid(v)) throw new StoreError(`corrupt store file ${path}: not a record of this store`);
    return v;
  }
  readSecret(name) {
    const pathOf = () => join4(this.secretsDir, fileNameOf(name));
    const rec = this.store.readRecord(
      `${this.region}\0${name}`,
      pathOf,
      (bytes) => bytes === void 0 ? void 0 : this.parseJson(pathOf(), bytes.toString("utf8"), isSecretRecord)
    );
    return rec && rec.name === name ? rec : void 0;
  }
  /** Writes a secret's file; the listing index and the write counter move with it. */
  writeSecret(rec) {
    ensureDir(this.secretsDir);
    this.index.change(rec.name, () => {
      changing(this.store.dir, () => {
        writeFileAtomic(join4(this.secretsDir, fileNameOf(rec.name)), JSON.stringify(rec));
        crashPoint("store:inside-change");
      });
      return summaryOf(rec);
    });
  }
  removeSecret(name) {
    this.index.change(name, () => {
      changing(this.store.dir, () => {
        removeFileDurably(join4(this.secretsDir, fileNameOf(name)));
        crashPoint("store:inside-change");
      });
      return null;
    });
  }
  /** Every live or scheduled secret's listing fields, in listing order (read-only: may be shared). */
  listSecretSummaries() {
    let cache = this.store.indexCaches.get(this.region);
    if (!cache && this.store.lockHeld === false && this.store.cachesReads) this.store.indexCaches.set(this.region, cache = {});
    return this.index.list(cache);
  }
  /** Every record in a folder (temporary files of interrupted writes are not `.json`). */
  readAll(dir, valid) {
    let files;
    try {
      files = readdirSync2(dir);
    } catch (e) {
      if (e.code === "ENOENT") return [];
      throw e;
    }
    const out = [];
    for (const f of files) {
      if (!f.endsWith(".json")) continue;
      const rec = this.readJson(join4(dir, f), valid);
      if (rec) out.push(rec);
    }
    return out;
  }
  listSecrets() {
    return this.readAll(this.secretsDir, isSecretRecord);
  }
  readKey(keyId) {
    if (!/^[A-Za-z0-9-]+$/.test(keyId)) return void 0;
    return this.readJson(join4(this.keysDir, keyId + ".json"), isKeyRecord);
  }
  writeKey(rec) {
    ensureDir(this.keysDir);
    changing(this.store.dir, () => writeFileAtomic(join4(this.keysDir, rec.keyId + ".json"), JSON.stringify(rec)));
  }
  listKeys() {
    return this.readAll(this.keysDir, isKeyRecord);
  }
};

// src/backends/local/service.ts
import { createHmac, randomBytes as randomBytes4, randomUUID as randomUUID2 } from "node:crypto";

// src/core/errors.ts
import { randomUUID } from "node:crypto";
function newRequestId() {
  return randomUUID();
}
var SERVICE_ERROR = /* @__PURE__ */ Symbol.for("aliyun-kms-cli.ServiceError");
var CLI_ERROR = /* @__PURE__ */ Symbol.for("aliyun-kms-cli.CliError");
var branded = (brand) => (v) => typeof v === "object" && v !== null && v[brand] === true;
var isServiceError = branded(SERVICE_ERROR);
var isCliError = branded(CLI_ERROR);
var ServiceError = class extends Error {
  constructor(httpStatus, code, message) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
  }
  httpStatus;
  code;
  static [Symbol.hasInstance](v) {
    return isServiceError(v);
  }
  [SERVICE_ERROR] = true;
  requestId = "";
  hostId = "";
  /** Response headers as received (remote) or as our server would send them (local). */
  headers = [];
  /** The raw response body when it came over the wire (remote backend). */
  rawBody;
  recommend;
  /** The object-valued `AccessDeniedDetail` of a RAM refusal, when the body has one. */
  accessDeniedDetail;
  /** Fills in request id, host and the troubleshooting link the gateway adds. */
  stamp(region, requestId = newRequestId()) {
    this.requestId = requestId;
    this.hostId = `kms.${region}.aliyuncs.com`;
    this.recommend ??= `https://api.aliyun.com/troubleshoot?q=${this.code}&product=Kms&requestId=${requestId}`;
    if (this.headers.length === 0)
      this.headers = [
        ["Content-Type", "application/json;charset=utf-8"],
        ["X-Acs-Request-Id", requestId]
      ];
    return this;
  }
  body() {
    return { RequestId: this.requestId, HostId: this.hostId, Code: this.code, Message: this.message, Recommend: this.recommend ?? "" };
  }
};
var CliError = class extends Error {
  constructor(message, exitCode = 1, tip, suggestions) {
    super(message);
    this.exitCode = exitCode;
    this.tip = tip;
    this.suggestions = suggestions;
  }
  exitCode;
  tip;
  suggestions;
  static [Symbol.hasInstance](v) {
    return isCliError(v);
  }
  [CLI_ERROR] = true;
};

// src/operations/secrets.ts
var secrets_exports = {};
__export(secrets_exports, {
  CreateSecret: () => CreateSecret,
  DeleteSecret: () => DeleteSecret,
  DescribeRegions: () => DescribeRegions,
  DescribeSecret: () => DescribeSecret,
  GetRandomPassword: () => GetRandomPassword,
  GetSecretPolicy: () => GetSecretPolicy,
  GetSecretValue: () => GetSecretValue,
  ListSecretVersionIds: () => ListSecretVersionIds,
  ListSecrets: () => ListSecrets,
  ListTagResources: () => ListTagResources,
  PutSecretValue: () => PutSecretValue,
  RestoreSecret: () => RestoreSecret,
  RotateSecret: () => RotateSecret,
  SetSecretPolicy: () => SetSecretPolicy,
  TagResource: () => TagResource,
  TagResources: () => TagResources,
  UntagResource: () => UntagResource,
  UntagResources: () => UntagResources,
  UpdateSecret: () => UpdateSecret,
  UpdateSecretRotationPolicy: () => UpdateSecretRotationPolicy,
  UpdateSecretVersionStage: () => UpdateSecretVersionStage
});

// src/operations/spec.ts
var InvalidParam = class extends Error {
};
var invalid = (why = "") => {
  throw new InvalidParam(why);
};
function invalidParameter(op) {
  return new ServiceError(400, "InvalidParameter", op.invalidMessage);
}
function str(description, opts = {}) {
  const { maxLength, maxBytes, oneOf, ...rest } = opts;
  return {
    type: "String",
    description,
    ...rest,
    decode: (raw) => {
      if (maxLength !== void 0 && [...raw].length > maxLength) invalid(`longer than ${maxLength}`);
      if (maxBytes !== void 0 && Buffer.byteLength(raw) > maxBytes) invalid(`over ${maxBytes} bytes`);
      if (oneOf && !oneOf.includes(raw)) invalid(`not one of ${oneOf.join(", ")}`);
      return raw;
    }
  };
}
function int(description, opts = {}) {
  const { min, max, metaType, ...rest } = opts;
  return {
    type: metaType ?? "Integer",
    description,
    ...rest,
    decode: (raw) => {
      if (!/^-?\d+$/.test(raw.trim())) invalid("not an integer");
      const v = Number(raw.trim());
      if (min !== void 0 && v < min || max !== void 0 && v > max) invalid("out of range");
      return v;
    }
  };
}
function bool(description, opts = {}) {
  const { metaType, ...rest } = opts;
  return {
    type: metaType ?? "String",
    description,
    ...rest,
    decode: (raw) => {
      const v = raw.trim().toLowerCase();
      if (v === "true") return true;
      if (v === "false") return false;
      return invalid("not a boolean");
    }
  };
}
function jsonText(description, parse, opts = {}) {
  const { metaType, ...rest } = opts;
  return {
    type: metaType ?? "String",
    description,
    ...rest,
    decode: (raw) => {
      let v;
      try {
        v = JSON.parse(raw);
      } catch {
        return invalid("not JSON");
      }
      return parse(v);
    }
  };
}
function repeatList(description, subParams, opts = {}) {
  return { type: "RepeatList", description, subParams, ...opts };
}
var required = (p) => ({ ...p, required: true });
function decodeRequest(op, raw) {
  const out = {};
  for (const [name, spec] of Object.entries(op.params)) {
    if (spec.type === "RepeatList") {
      out[name] = gatherRepeatList(op, name, spec, raw);
      if (spec.required && out[name].length === 0) throw missing(name);
      continue;
    }
    const v = raw[name];
    if (v === void 0 || v === "" && !spec.allowEmpty) {
      if (spec.required) throw missing(name);
      out[name] = spec.default;
      continue;
    }
    if (spec.decode) {
      try {
        out[name] = spec.decode(v);
      } catch (e) {
        if (e instanceof InvalidParam) throw invalidParameter(op);
        throw e;
      }
    } else out[name] = v;
  }
  return out;
}
function missing(name) {
  return new ServiceError(400, "MissingParameter", `The parameter "${name}" is needed but not provided.`);
}
function gatherRepeatList(op, name, spec, raw) {
  const byIndex = /* @__PURE__ */ new Map();
  const re = spec.subParams ? new RegExp(`^${name}\\.(\\d+)\\.(${spec.subParams.join("|")})$`) : new RegExp(`^${name}\\.(\\d+)$`);
  for (const [k, v] of Object.entries(raw)) {
    const m = re.exec(k);
    if (!m) continue;
    const idx = Number(m[1]);
    if (idx < 1) throw invalidParameter(op);
    if (spec.subParams) {
      const item = byIndex.get(idx) ?? {};
      item[m[2]] = v;
      byIndex.set(idx, item);
    } else byIndex.set(idx, v);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

// src/operations/validators.ts
var SECRET_NAME_CHARS = /^[A-Za-z0-9_/+=.@\-\u4e00-\u9fff]+$/;
var CJK = /[\u4e00-\u9fff]/g;
function checkNewSecretName(name) {
  if (name === "$Auto") return name;
  if ([...name].length > 192 || !SECRET_NAME_CHARS.test(name)) invalid("secret name");
  if ((name.match(CJK)?.length ?? 0) > 64) invalid("too many Chinese characters");
  return name;
}
function checkVersionId(id) {
  if ([...id].length > 64 || /[\s\u0000-\u001f\u007f]/.test(id)) invalid("version id");
  return id;
}
var TAG_CHARS = /^[A-Za-z0-9/\\_\-.+=:@]*$/;
function checkTagKey(k) {
  if (typeof k !== "string" || k.length < 1 || k.length > 128 || !TAG_CHARS.test(k)) return invalid("tag key");
  if (k.startsWith("aliyun") || k.startsWith("acs:")) invalid("reserved tag key");
  return k;
}
function checkTagValue(v) {
  if (typeof v !== "string" || v.length > 128 || !TAG_CHARS.test(v)) return invalid("tag value");
  return v;
}
var MAX_TAGS = 20;
function parseTags(v) {
  if (!Array.isArray(v) || v.length > MAX_TAGS) return invalid("tags");
  const seen = /* @__PURE__ */ new Set();
  return v.map((t) => {
    if (!t || typeof t !== "object") return invalid("tag");
    const key = checkTagKey(t.TagKey);
    const value = checkTagValue(t.TagValue ?? "");
    if (seen.has(key)) invalid("duplicate tag key");
    seen.add(key);
    return { TagKey: key, TagValue: value };
  });
}
function parseFilters(allowed) {
  return (v) => {
    if (!Array.isArray(v) || v.length > 10) return invalid("filters");
    return v.map((f) => {
      if (!f || typeof f !== "object") return invalid("filter");
      const { Key, Values } = f;
      if (typeof Key !== "string" || !allowed.includes(Key)) return invalid("filter key");
      if (!Array.isArray(Values) || Values.length > 10 || Values.some((x) => typeof x !== "string" || x.length < 1 || x.length > 256)) return invalid("filter values");
      return { Key, Values };
    });
  };
}
function parseInterval(raw) {
  const m = /^(\d+)([dhms])$/.exec(raw.trim());
  if (!m) return invalid("interval");
  return Number(m[1]) * { d: 86400, h: 3600, m: 60, s: 1 }[m[2]];
}
function parseTagKeys(v) {
  if (!Array.isArray(v) || v.length < 1 || v.some((k) => typeof k !== "string" || k.length < 1 || k.length > 128)) return invalid("tag keys");
  return v;
}
function parseCustomData(v) {
  if (!v || typeof v !== "object" || Array.isArray(v) || Object.keys(v).length > 10) return invalid("custom data");
  return v;
}
var PASSWORD_CLASSES = {
  lowercase: "abcdefghijklmnopqrstuvwxyz",
  uppercase: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  numbers: "0123456789",
  punctuation: `!"#$%&'()*+,-./:;<=>?@[\\]^_{|}~`
};
function checkExcludeCharacters(raw) {
  const allowed = Object.values(PASSWORD_CLASSES).join("") + "`";
  if ([...raw].some((c) => !allowed.includes(c))) invalid("exclude characters");
  return raw;
}

// src/operations/secrets.ts
var NOT_VALID = "The specified parameter is not valid.";
var SOME_NOT_VALID = 'some of the specified parameters "\\" is not valid';
var secretName = (what = "The name or ARN of the secret.") => required(str(what));
var fetchTags = str("Specifies whether to return the tags of the secret: true or false. Default: false.", { oneOf: ["true", "false"], default: "false" });
var dataType = str("The type of the secret value: text or binary. Default: text.", { oneOf: ["text", "binary"], default: "text" });
function parseStages(v) {
  if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "VersionStage" in v) v = v.VersionStage;
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string" || s.length < 1 || s.length > 64)) return invalid("stages");
  return [...new Set(v)];
}
var CreateSecret = {
  name: "CreateSecret",
  summary: "Creates a secret and stores the initial version of the secret.",
  invalidMessage: NOT_VALID,
  params: {
    DKMSInstanceId: str("The ID of the KMS instance (kst-\u2026) to which the secret belongs."),
    Description: str("The description of the secret.", { maxLength: 8192 }),
    EnableAutomaticRotation: bool("Specifies whether to enable automatic rotation (managed secrets only).", { metaType: "Boolean" }),
    EncryptionKeyId: str("The ID of the symmetric key used to encrypt the secret value. Default: the service default key."),
    ExtendedConfig: str("The extended configuration of a managed secret, as a JSON object.", { maxLength: 1024 }),
    Policy: str("The secret policy, as JSON text.", { maxBytes: 32768 }),
    RotationInterval: str("The interval of automatic rotation, such as 7d or 604800s."),
    SecretData: required(str("The value of the secret (at most 30720 bytes).", { maxBytes: 30720 })),
    SecretDataType: dataType,
    SecretName: required({ ...str("The name of the secret (at most 192 characters of letters, digits and _/+=.@-)."), decode: checkNewSecretName }),
    SecretType: str("The type of the secret: Generic, Rds, Redis, RAMCredentials, ECS or PolarDB. Default: Generic.", {
      oneOf: ["Generic", "Rds", "Redis", "RAMCredentials", "ECS", "PolarDB"],
      default: "Generic"
    }),
    Tags: jsonText('The tags, as `[{"TagKey":"k","TagValue":"v"}]`.', parseTags),
    VersionId: required({ ...str("The version number of the initial version (at most 64 characters)."), decode: checkVersionId })
  }
};
var ListSecrets = {
  name: "ListSecrets",
  summary: "Queries all secrets created by the current Alibaba Cloud account in the current region.",
  invalidMessage: SOME_NOT_VALID,
  params: {
    FetchTags: fetchTags,
    Filters: jsonText(
      'Filters, as `[{"Key":"SecretName","Values":["v1"]}]`. Keys: SecretName, Description, TagKey, TagValue, DKMSInstanceId, SecretType, Creator.',
      parseFilters(["SecretName", "Description", "TagKey", "TagValue", "DKMSInstanceId", "SecretType", "Creator"])
    ),
    PageNumber: int("The page number. Default: 1.", { min: 1, default: 1 }),
    PageSize: int("The number of entries per page, 1 to 100. Default: 10.", { min: 1, max: 100, default: 10 })
  }
};
var GetSecretValue = {
  name: "GetSecretValue",
  summary: "Queries a secret value.",
  invalidMessage: NOT_VALID,
  params: {
    DryRun: str("Specifies whether to perform a dry run: true or false.", { oneOf: ["true", "false"], default: "false" }),
    FetchExtendedConfig: bool("Specifies whether to return the extended configuration of a managed secret.", { metaType: "Boolean", default: false }),
    SecretName: secretName(),
    VersionId: str("The version of the secret value to return."),
    VersionStage: str("The stage label of the version to return. Default: ACSCurrent.")
  }
};
var DescribeSecret = {
  name: "DescribeSecret",
  summary: "Queries the metadata of a secret.",
  invalidMessage: NOT_VALID,
  params: { FetchTags: fetchTags, SecretName: secretName() }
};
var DeleteSecret = {
  name: "DeleteSecret",
  summary: "Deletes a secret.",
  invalidMessage: NOT_VALID,
  params: {
    ForceDeleteWithoutRecovery: str("Specifies whether to delete the secret at once, without a recovery window: true or false.", { oneOf: ["true", "false"], default: "false" }),
    RecoveryWindowInDays: int("The recovery window in days, 7 to 30. Default: 30.", { min: 7, max: 30, metaType: "String" }),
    SecretName: secretName()
  }
};
var RestoreSecret = {
  name: "RestoreSecret",
  summary: "Restores a deleted secret.",
  invalidMessage: SOME_NOT_VALID,
  params: { SecretName: secretName() }
};
var PutSecretValue = {
  name: "PutSecretValue",
  summary: "Stores the secret value of a new version into a secret.",
  invalidMessage: SOME_NOT_VALID,
  params: {
    SecretData: required(str("The value of the new version (at most 30720 bytes).", { maxBytes: 30720 })),
    SecretDataType: dataType,
    SecretName: secretName(),
    VersionId: required({ ...str("The version number of the new version."), decode: checkVersionId }),
    VersionStages: jsonText('The stage labels of the new version, as a JSON array. Default: ["ACSCurrent"].', parseStages)
  }
};
var UpdateSecret = {
  name: "UpdateSecret",
  summary: "Updates the metadata of a secret.",
  invalidMessage: NOT_VALID,
  params: {
    Description: str("The new description of the secret (an empty value clears it).", { maxLength: 8192, allowEmpty: true }),
    "ExtendedConfig.CustomData": jsonText("The custom data of a managed secret, as a JSON object of at most 10 pairs.", parseCustomData),
    SecretName: secretName()
  }
};
var UpdateSecretVersionStage = {
  name: "UpdateSecretVersionStage",
  summary: "Updates the stage label that marks a secret version.",
  invalidMessage: SOME_NOT_VALID,
  params: {
    MoveToVersion: str("The version to which the stage label is moved."),
    RemoveFromVersion: str("The version from which the stage label is removed."),
    SecretName: secretName(),
    VersionStage: required(str("The stage label: ACSCurrent, ACSPrevious or a custom label.", { maxLength: 64 }))
  }
};
var ListSecretVersionIds = {
  name: "ListSecretVersionIds",
  summary: "Queries all versions of a secret.",
  invalidMessage: NOT_VALID,
  params: {
    IncludeDeprecated: str("Specifies whether to return versions without stage labels: true or false. Default: false.", { oneOf: ["true", "false"], default: "false" }),
    PageNumber: int("The page number. Default: 1.", { min: 1, default: 1 }),
    PageSize: int("The number of entries per page, 1 to 100. Default: 20.", { min: 1, max: 100, default: 20 }),
    SecretName: secretName()
  }
};
var RotateSecret = {
  name: "RotateSecret",
  summary: "Manually rotates a secret.",
  invalidMessage: NOT_VALID,
  params: { SecretName: secretName(), VersionId: required({ ...str("The version number of the new version."), decode: checkVersionId }) }
};
var UpdateSecretRotationPolicy = {
  name: "UpdateSecretRotationPolicy",
  summary: "Updates the rotation policy of a secret.",
  invalidMessage: NOT_VALID,
  params: {
    EnableAutomaticRotation: required(bool("Specifies whether to enable automatic rotation.", { metaType: "Boolean" })),
    RotationInterval: str("The interval of automatic rotation, such as 7d or 604800s."),
    SecretName: secretName()
  }
};
var GetSecretPolicy = {
  name: "GetSecretPolicy",
  summary: "",
  invalidMessage: NOT_VALID,
  params: { PolicyName: str("The name of the policy. Only default is allowed."), SecretName: secretName() }
};
var SetSecretPolicy = {
  name: "SetSecretPolicy",
  summary: "Configures a policy for a secret in a Key Management Service (KMS) instance.",
  invalidMessage: NOT_VALID,
  params: {
    Policy: required(str("The secret policy, as JSON text.", { maxBytes: 32768 })),
    PolicyName: str("The name of the policy. Only default is allowed."),
    SecretName: secretName()
  }
};
var GetRandomPassword = {
  name: "GetRandomPassword",
  summary: "Obtains a random password string.",
  invalidMessage: SOME_NOT_VALID,
  params: {
    ExcludeCharacters: { ...str("Characters that must not appear in the password (letters, digits and punctuation)."), decode: checkExcludeCharacters },
    ExcludeLowercase: str("Exclude lower-case letters: true or false.", { oneOf: ["true", "false"], default: "false" }),
    ExcludeNumbers: str("Exclude digits: true or false.", { oneOf: ["true", "false"], default: "false" }),
    ExcludePunctuation: str("Exclude punctuation: true or false.", { oneOf: ["true", "false"], default: "false" }),
    ExcludeUppercase: str("Exclude upper-case letters: true or false.", { oneOf: ["true", "false"], default: "false" }),
    PasswordLength: int("The length of the password, 8 to 128. Default: 32.", { min: 8, max: 128, default: 32, metaType: "String" }),
    RequireEachIncludedType: str("Require at least one character of each included type: true or false. Default: true.", { oneOf: ["true", "false"], default: "true" })
  }
};
var TagResource = {
  name: "TagResource",
  summary: "Adds tags to a key, secret or certificate.",
  invalidMessage: NOT_VALID,
  params: {
    CertificateId: str("The ID of the certificate."),
    KeyId: str("The ID of the key."),
    SecretName: str("The name of the secret."),
    Tags: required(jsonText('The tags, as `[{"TagKey":"k","TagValue":"v"}]`.', parseTags))
  }
};
var UntagResource = {
  name: "UntagResource",
  summary: "Removes tags from a key, secret or certificate.",
  invalidMessage: NOT_VALID,
  params: {
    CertificateId: str("The ID of the certificate."),
    KeyId: str("The ID of the key."),
    SecretName: str("The name of the secret."),
    TagKeys: required(jsonText('The tag keys, as `["k1","k2"]`.', parseTagKeys))
  }
};
var TagResources = {
  name: "TagResources",
  summary: "Adds tags to keys or secrets.",
  invalidMessage: NOT_VALID,
  params: {
    RegionId: required(str("The region of the resources.")),
    ResourceId: repeatList("The IDs of the resources (key IDs or secret names), at most 50.", void 0, { required: true }),
    ResourceType: required(str("The type of the resources: key or secret.")),
    Tag: repeatList("The tags, at most 20.", ["Key", "Value"], { required: true })
  }
};
var UntagResources = {
  name: "UntagResources",
  summary: "Removes tags from keys or secrets.",
  invalidMessage: NOT_VALID,
  params: {
    All: bool("Remove every tag when no TagKey is given. Default: false.", { metaType: "Boolean", default: false }),
    RegionId: required(str("The region of the resources.")),
    ResourceId: repeatList("The IDs of the resources, at most 50.", void 0, { required: true }),
    ResourceType: required(str("The type of the resources: key or secret.")),
    TagKey: repeatList("The tag keys to remove, at most 20.")
  }
};
var ListTagResources = {
  name: "ListTagResources",
  summary: "Queries the tags of keys or secrets.",
  invalidMessage: NOT_VALID,
  params: {
    NextToken: str("The token of the next page."),
    RegionId: required(str("The region of the resources.")),
    ResourceId: repeatList("The IDs of the resources, at most 50."),
    ResourceType: required(str("The type of the resources: key or secret.")),
    Tag: repeatList("The tags to match, at most 20.", ["Key", "Value"])
  }
};
var DescribeRegions = {
  name: "DescribeRegions",
  summary: "Queries available regions for the current account.",
  invalidMessage: NOT_VALID,
  params: {}
};

// src/operations/keys.ts
var keys_exports = {};
__export(keys_exports, {
  CreateKey: () => CreateKey,
  DescribeKey: () => DescribeKey,
  ListKeys: () => ListKeys
});
var NOT_VALID2 = "The specified parameter is not valid.";
var CreateKey = {
  name: "CreateKey",
  summary: "Creates a customer master key (CMK).",
  invalidMessage: NOT_VALID2,
  params: {
    DKMSInstanceId: str("The ID of the KMS instance (kst-\u2026)."),
    Description: str("The description of the key (at most 8192 characters).", { maxLength: 8192 }),
    EnableAutomaticRotation: bool("Specifies whether to enable automatic key rotation.", { metaType: "Boolean", default: false }),
    KeySpec: str("The type of the key. Default: Aliyun_AES_256.", { default: "Aliyun_AES_256" }),
    KeyStorageMechanism: str("The storage mechanism of the key."),
    KeyUsage: str("The usage of the key: ENCRYPT/DECRYPT or SIGN/VERIFY. Default: ENCRYPT/DECRYPT.", { oneOf: ["ENCRYPT/DECRYPT", "SIGN/VERIFY"], default: "ENCRYPT/DECRYPT" }),
    Origin: str("The source of the key material: Aliyun_KMS or EXTERNAL. Default: Aliyun_KMS.", { oneOf: ["Aliyun_KMS", "EXTERNAL"], default: "Aliyun_KMS" }),
    Policy: str("The key policy, as JSON text."),
    ProtectionLevel: str("The protection level: SOFTWARE or HSM. Default: SOFTWARE.", { oneOf: ["SOFTWARE", "HSM"], default: "SOFTWARE" }),
    RotationInterval: str("The interval of automatic rotation, such as 365d."),
    Tags: jsonText('The tags, as `[{"TagKey":"k","TagValue":"v"}]`.', parseTags)
  }
};
var DescribeKey = {
  name: "DescribeKey",
  summary: "Queries the information about a customer master key (CMK).",
  invalidMessage: NOT_VALID2,
  params: { KeyId: required(str("The ID, alias or ARN of the key.")) }
};
var ListKeys = {
  name: "ListKeys",
  summary: "Queries all the customer master keys (CMKs) of the current Alibaba Cloud account in the current region.",
  invalidMessage: NOT_VALID2,
  params: {
    Filters: jsonText(
      'Filters, as `[{"Key":"KeyState","Values":["Enabled"]}]`. Keys: KeyState, KeySpec, KeyUsage, ProtectionLevel, CreatorType, DKMSInstanceId.',
      parseFilters(["KeyState", "KeySpec", "KeyUsage", "ProtectionLevel", "CreatorType", "DKMSInstanceId"])
    ),
    PageNumber: int("The page number. Default: 1.", { min: 1, default: 1 }),
    PageSize: int("The number of entries per page, 1 to 100. Default: 10.", { min: 1, max: 100, default: 10 })
  }
};

// src/operations/catalog.ts
var KMS_API_NAMES = `AsymmetricDecrypt AsymmetricEncrypt AsymmetricSign AsymmetricVerify CancelKeyDeletion ConnectKmsInstance
CreateAlias CreateApplicationAccessPoint CreateClientKey CreateKey CreateKeyVersion CreateNetworkRule CreatePolicy
CreateSecret Decrypt DeleteAlias DeleteApplicationAccessPoint DeleteClientKey DeleteKeyMaterial DeleteNetworkRule
DeletePolicy DeleteSecret DescribeAccountKmsStatus DescribeApplicationAccessPoint DescribeKey DescribeKeyVersion
DescribeNetworkRule DescribePolicy DescribeRegions DescribeSecret DisableKey EnableKey Encrypt ExportDataKey
GenerateAndExportDataKey GenerateDataKey GenerateDataKeyWithoutPlaintext GetClientKey GetDefaultKmsInstance
GetKeyPolicy GetKmsInstance GetKmsInstanceQuotaInfos GetParametersForImport GetPublicKey GetRandomPassword
GetSecretPolicy GetSecretValue ImportKeyMaterial ListAliases ListAliasesByKeyId ListApplicationAccessPoints
ListClientKeys ListKeyVersions ListKeys ListKmsInstances ListNetworkRules ListPolicies ListResourceTags
ListSecretVersionIds ListSecrets ListTagResources OpenKmsService PutSecretValue ReEncrypt ReleaseKmsInstance
RestoreSecret RotateSecret ScheduleKeyDeletion SetDeletionProtection SetKeyPolicy SetSecretPolicy TagResource
TagResources UntagResource UntagResources UpdateAlias UpdateApplicationAccessPoint UpdateKeyDescription
UpdateKmsInstanceBindVpc UpdateNetworkRule UpdatePolicy UpdateRotationPolicy UpdateSecret
UpdateSecretRotationPolicy UpdateSecretVersionStage`.split(/\s+/);
var OPERATIONS = Object.assign(/* @__PURE__ */ Object.create(null), Object.fromEntries(
  [...Object.values(secrets_exports), ...Object.values(keys_exports)].filter((v) => typeof v === "object" && v !== null && "params" in v && "invalidMessage" in v).map((op) => [op.name, op])
));

// src/backends/local/managed.ts
import { generateKeyPairSync, randomInt as randomInt3 } from "node:crypto";

// src/backends/local/random-password.ts
import { randomInt as randomInt2 } from "node:crypto";
function randomPassword(o, op) {
  const wanted = [
    [PASSWORD_CLASSES.lowercase, o.excludeLowercase],
    [PASSWORD_CLASSES.uppercase, o.excludeUppercase],
    [PASSWORD_CLASSES.numbers, o.excludeNumbers],
    [PASSWORD_CLASSES.punctuation, o.excludePunctuation]
  ];
  const classes = [];
  for (const [chars, excluded] of wanted) {
    if (excluded) continue;
    const left = [...chars].filter((c) => !o.exclude.includes(c)).join("");
    if (!left && o.requireEachIncludedType) throw invalidParameter(op);
    if (left) classes.push(left);
  }
  const pool = classes.join("");
  if (!pool || o.requireEachIncludedType && classes.length > o.length) throw invalidParameter(op);
  for (; ; ) {
    let pw = "";
    for (let i = 0; i < o.length; i++) pw += pool[randomInt2(pool.length)];
    if (!o.requireEachIncludedType || classes.every((cls) => [...pw].some((c) => cls.includes(c)))) return pw;
  }
}
var passwordHandlers = {
  ...handler(GetRandomPassword, false, (req, _s, op) => ({
    RandomPassword: randomPassword(
      {
        length: req.PasswordLength,
        exclude: req.ExcludeCharacters ?? "",
        excludeLowercase: req.ExcludeLowercase === "true",
        excludeUppercase: req.ExcludeUppercase === "true",
        excludeNumbers: req.ExcludeNumbers === "true",
        excludePunctuation: req.ExcludePunctuation === "true",
        requireEachIncludedType: req.RequireEachIncludedType === "true"
      },
      op
    )
  }))
};

// src/backends/local/managed.ts
var TYPES = {
  Rds: { subTypes: ["SingleUser", "DoubleUsers"], required: ["DBInstanceId"] },
  Redis: { subTypes: ["DoubleUsers"], required: ["InstanceId", "RegionId", "AccountName"] },
  PolarDB: { subTypes: ["DoubleUsers"], required: ["RegionId", "DBClusterId", "DBType", "AccountName"], check: (c) => c.DBType === "MySQL" || c.DBType === "PostgreSQL" },
  RAMCredentials: { subTypes: ["RamUserAccessKey"], required: ["UserName"] },
  ECS: { subTypes: ["Password", "SSHKey"], required: ["RegionId", "InstanceId"] }
};
var isObject2 = (v) => !!v && typeof v === "object" && !Array.isArray(v);
var isText = (v) => typeof v === "string" && v.length > 0;
function parseObject(raw) {
  if (raw === void 0) return void 0;
  try {
    const v = JSON.parse(raw);
    return isObject2(v) ? v : void 0;
  } catch {
    return void 0;
  }
}
var newPassword = (op) => randomPassword({ length: 32, exclude: "", excludeLowercase: false, excludeUppercase: false, excludeNumbers: false, excludePunctuation: false, requireEachIncludedType: true }, op);
var ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
var randomText = (n, chars = ALNUM) => Array.from({ length: n }, () => chars[randomInt3(chars.length)]).join("");
function prepareManagedSecret(req, s, op) {
  const rule = TYPES[req.SecretType];
  const config = parseObject(req.ExtendedConfig);
  if (!rule || !config || req.SecretDataType !== "text") throw invalidParameter(op);
  if (!rule.subTypes.includes(config.SecretSubType) || rule.required.some((f) => !isText(config[f])) || rule.check && !rule.check(config)) throw invalidParameter(op);
  if (config.CustomData !== void 0 && (!isObject2(config.CustomData) || Object.keys(config.CustomData).length > 10)) throw invalidParameter(op);
  let name = req.SecretName;
  if (req.SecretType === "RAMCredentials") {
    if (name !== "$Auto") throw invalidParameter(op);
    name = `acs/ram/user/${config.UserName}`;
    try {
      checkNewSecretName(name);
    } catch {
      throw invalidParameter(op);
    }
  } else if (req.SecretType === "ECS" ? !name.startsWith("acs/ecs/") : name.startsWith("acs/") || name === "$Auto") throw invalidParameter(op);
  const data = req.SecretData === "$Auto" ? void 0 : parseObject(req.SecretData);
  let value;
  switch (req.SecretType) {
    case "Rds": {
      const accounts = data?.Accounts;
      const max = config.SecretSubType === "DoubleUsers" ? 2 : 1;
      if (!Array.isArray(accounts) || accounts.length < 1 || accounts.length > max || !accounts.every((a) => isObject2(a) && isText(a.AccountName) && isText(a.AccountPassword))) throw invalidParameter(op);
      value = { AccountName: accounts[0].AccountName, AccountPassword: accounts[0].AccountPassword };
      break;
    }
    case "Redis":
    case "PolarDB":
      if (req.SecretData !== "$Auto") throw invalidParameter(op);
      value = { AccountName: config.AccountName, AccountPassword: newPassword(op) };
      break;
    case "RAMCredentials": {
      const keys = data?.AccessKeys;
      if (!Array.isArray(keys) || keys.length < 1 || !keys.every((k) => isObject2(k) && isText(k.AccessKeyId) && isText(k.AccessKeySecret))) throw invalidParameter(op);
      value = { AccessKeyId: keys[0].AccessKeyId, AccessKeySecret: keys[0].AccessKeySecret, GenerateTimestamp: s.isoNow() };
      break;
    }
    default: {
      const fields = config.SecretSubType === "Password" ? ["UserName", "Password"] : ["UserName", "PublicKey", "PrivateKey"];
      if (!data || !fields.every((f) => isText(data[f]))) throw invalidParameter(op);
      value = Object.fromEntries(fields.map((f) => [f, data[f]]));
    }
  }
  const rotation = { enabled: req.EnableAutomaticRotation === true };
  if (rotation.enabled && req.RotationInterval === void 0) throw invalidParameter(op);
  if (req.RotationInterval !== void 0) rotation.intervalSeconds = checkRotationInterval(req.RotationInterval, op);
  if (rotation.enabled) rotation.nextRotationDate = isoSeconds(s.now + rotation.intervalSeconds * 1e3);
  return { name, secretData: JSON.stringify(value), extendedConfig: req.ExtendedConfig, rotation };
}
function managedFields(rec, withExtendedConfig) {
  if (rec.type === "Generic") return {};
  const r = rec.rotation ?? { enabled: false };
  return {
    AutomaticRotation: r.enabled ? "Enabled" : "Disabled",
    RotationInterval: r.enabled && r.intervalSeconds !== void 0 ? `${r.intervalSeconds}s` : void 0,
    NextRotationDate: r.enabled ? r.nextRotationDate : void 0,
    LastRotationDate: r.lastRotationDate,
    ExtendedConfig: withExtendedConfig ? rec.extendedConfig : void 0
  };
}
function rotatedValue(rec, current, previous, s, op) {
  const config = parseObject(rec.extendedConfig) ?? {};
  switch (rec.type) {
    case "Rds":
    case "Redis":
    case "PolarDB": {
      let account = current.AccountName;
      if (config.SecretSubType === "DoubleUsers") {
        const other = previous?.AccountName;
        account = isText(other) && other !== account ? other : isText(config.CloneAccountName) ? config.CloneAccountName : `${account}_clone`;
      }
      return { AccountName: account, AccountPassword: newPassword(op) };
    }
    case "RAMCredentials":
      return { AccessKeyId: "LTAI" + randomText(20), AccessKeySecret: randomText(30), GenerateTimestamp: s.isoNow() };
    default:
      if (config.SecretSubType === "Password") return { UserName: current.UserName, Password: newPassword(op) };
      return { UserName: current.UserName, ...newSshKeyPair() };
  }
}
function newSshKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const field = (b) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]);
  return { PublicKey: `ssh-ed25519 ${blob.toString("base64")}`, PrivateKey: privateKey.export({ format: "pem", type: "pkcs8" }).toString() };
}

// src/backends/local/service.ts
var opened = /* @__PURE__ */ new WeakMap();
var ACS_CURRENT = "ACSCurrent";
var ACS_PREVIOUS = "ACSPrevious";
var E = {
  notFound: (msg = "Resource not found") => new ServiceError(404, "Forbidden.ResourceNotFound", msg),
  inDeleteWindow: (msg = "secret in delete peroid") => new ServiceError(409, "Rejected.ResourceInDeleteWindow", msg),
  exists: (msg = "The resource already exists.") => new ServiceError(409, "Rejected.ResourceExist", msg),
  unsupported: () => new ServiceError(400, "UnsupportedOperation", "This action is not supported."),
  keyNotFound: () => new ServiceError(404, "Forbidden.KeyNotFound", "The specified Key is not found."),
  aliasNotFound: () => new ServiceError(404, "Forbidden.AliasNotFound", "The specified Alias is not found."),
  dkmsNotFound: () => new ServiceError(403, "Forbidden.DKMSInstanceNotFound", "The specified DKMS Instance is not found."),
  actionNotFound: () => new ServiceError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
};
var Session = class {
  constructor(store, region) {
    this.store = store;
    this.region = region;
    this.rs = store.region(region);
  }
  store;
  region;
  now = nowMs();
  rs;
  get accountId() {
    return this.store.accountId;
  }
  isoNow() {
    return isoSeconds(this.now);
  }
  secretArn(name) {
    return `acs:kms:${this.region}:${this.accountId}:secret/${name}`;
  }
  keyArn(keyId) {
    return `acs:kms:${this.region}:${this.accountId}:key/${keyId}`;
  }
  /** A secret is gone once its recovery window has passed. */
  expired(rec) {
    return rec.plannedDeleteTime !== void 0 && Date.parse(rec.plannedDeleteTime) <= this.now;
  }
  /** `SecretName` may be a name or this account's ARN in this region (§1.5). */
  nameOf(ref) {
    if (!ref.startsWith("acs:kms:")) return ref;
    const prefix = `acs:kms:${this.region}:${this.accountId}:secret/`;
    return ref.startsWith(prefix) ? ref.slice(prefix.length) : void 0;
  }
  /** The live secret (not purged), or undefined. */
  find(ref) {
    const name = this.nameOf(ref);
    if (name === void 0) return void 0;
    const rec = this.rs.readSecret(name);
    return rec && !this.expired(rec) ? rec : void 0;
  }
  /** Like find, but must exist; under the write lock it also purges an expired one. */
  require(ref, notFound = E.notFound()) {
    const name = this.nameOf(ref);
    if (name === void 0) throw notFound;
    const rec = this.rs.readSecret(name);
    if (!rec) throw notFound;
    if (this.expired(rec)) {
      this.rs.removeSecret(name);
      throw notFound;
    }
    return rec;
  }
  // ---- keys --------------------------------------------------------------------------------
  defaultKeyId() {
    return this.store.memo(`default key id ${this.region}`, () => {
      const h = createHmac("sha256", this.store.root).update(`default key id ${this.region}`).digest();
      return "key-" + regionTag(this.region) + base36(h, 18);
    });
  }
  defaultKeyRecord() {
    return {
      keyId: this.defaultKeyId(),
      description: "Default key of Secrets Manager",
      keySpec: "Aliyun_AES_256",
      keyUsage: "ENCRYPT/DECRYPT",
      origin: "Aliyun_KMS",
      protectionLevel: "SOFTWARE",
      creationDate: this.store.createTime,
      primaryKeyVersion: uuidFrom(createHmac("sha256", this.store.root).update(`default key version ${this.region}`).digest()),
      automaticRotation: "Disabled",
      tags: [],
      material: ""
    };
  }
  /** Resolves a key id or key ARN of this region; aliases are not kept by the local store. */
  resolveKey(ref) {
    let id = ref;
    if (ref.startsWith("acs:kms:")) {
      const prefix = `acs:kms:${this.region}:${this.accountId}:key/`;
      if (!ref.startsWith(prefix)) return void 0;
      id = ref.slice(prefix.length);
    }
    if (id === this.defaultKeyId()) return this.defaultKeyRecord();
    return this.rs.readKey(id);
  }
  keyMaterial(keyId) {
    if (keyId === null || keyId === this.defaultKeyId())
      return this.store.memo(`default key ${this.region}`, () => deriveDefaultKey(this.store.root, this.accountId, this.region));
    const rec = this.rs.readKey(keyId);
    if (!rec) throw E.keyNotFound();
    return open(this.store.root, rec.material, AAD.keyMaterial(this.region, keyId));
  }
  // ---- values ------------------------------------------------------------------------------
  newDataKey(name, keyId) {
    const plain = newKey();
    return { plain, sealed: seal(this.keyMaterial(keyId), plain, AAD.dataKey(this.region, name)) };
  }
  dataKey(rec) {
    return this.openedOf(rec).dataKey;
  }
  openedOf(rec) {
    let o = opened.get(rec);
    if (!o || o.sealedKey !== rec.dataKey || o.keyId !== rec.keyId) {
      const dataKey = open(this.keyMaterial(rec.keyId), rec.dataKey, AAD.dataKey(this.region, rec.name));
      o = { sealedKey: rec.dataKey, keyId: rec.keyId, dataKey, values: /* @__PURE__ */ new Map() };
      if (Object.isFrozen(rec)) opened.set(rec, o);
    }
    return o;
  }
  sealValue(dataKey, name, versionId, value) {
    return seal(dataKey, Buffer.from(value, "utf8"), AAD.value(name, versionId));
  }
  openValue(rec, versionId, sealed) {
    const o = this.openedOf(rec);
    const key = versionId + "\0" + sealed;
    let value = o.values.get(key);
    if (value === void 0) {
      value = open(o.dataKey, sealed, AAD.value(rec.name, versionId)).toString("utf8");
      if (Object.isFrozen(rec)) o.values.set(key, value);
    }
    return value;
  }
};
function regionTag(region) {
  const word = region.split("-").slice(1).join("") || region;
  return (word.replace(/[^a-z]/g, "") + "xxx").slice(0, 2) + (word.replace(/[^a-z]/g, "").slice(-1) || "x");
}
function base36(bytes, len) {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  for (let i = 0; s.length < len; i++) s += alphabet[bytes[i % bytes.length] % 36];
  return s;
}
function uuidFrom(b) {
  const h = b.subarray(0, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
function tagList(tags) {
  return tags.length ? { Tag: tags.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue })) } : void 0;
}
function matchesFilters(item, filters, fieldValues) {
  if (!filters) return true;
  return filters.every((f) => {
    const have = fieldValues(item, f.Key);
    return f.Values.length === 0 || f.Values.some((v) => have.includes(v));
  });
}
function page(items, pageNumber, pageSize) {
  return items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
}
function handler(op, writes, fn) {
  return { [op.name]: { op, fn, writes } };
}
var secretHandlers = {
  ...handler(CreateSecret, true, (req, s, op) => {
    const managed = req.SecretType === "Generic" ? void 0 : prepareManagedSecret(req, s, op);
    if (!managed) {
      if (req.SecretName.startsWith("acs/") || req.SecretName === "$Auto") throw invalidParameter(op);
      if (req.EnableAutomaticRotation) throw invalidParameter(op);
      if (req.RotationInterval !== void 0) checkRotationInterval(req.RotationInterval, op);
    }
    const name = managed?.name ?? req.SecretName;
    if (req.DKMSInstanceId !== void 0) throw E.dkmsNotFound();
    if (req.Policy !== void 0) parseJsonOr(req.Policy, op);
    let keyId = null;
    if (req.EncryptionKeyId !== void 0) {
      const key = s.resolveKey(req.EncryptionKeyId);
      if (!key) throw E.notFound("The resource is not found.");
      keyId = key.keyId === s.defaultKeyId() ? null : key.keyId;
    }
    const existing = s.rs.readSecret(name);
    if (existing) {
      if (!s.expired(existing)) throw existing.plannedDeleteTime ? E.inDeleteWindow("The secret is planned to be deleted.") : E.exists();
      s.rs.removeSecret(existing.name);
    }
    const dk = s.newDataKey(name, keyId);
    const now = s.isoNow();
    const rec = {
      name,
      type: req.SecretType,
      description: req.Description ?? "",
      keyId,
      tags: req.Tags ?? [],
      createTime: now,
      updateTime: now,
      dataKey: dk.sealed,
      versions: [
        { id: req.VersionId, createTime: now, stages: [ACS_CURRENT], dataType: req.SecretDataType, value: s.sealValue(dk.plain, name, req.VersionId, managed?.secretData ?? req.SecretData) }
      ]
    };
    if (req.Policy !== void 0) rec.policy = req.Policy;
    if (managed) Object.assign(rec, { extendedConfig: managed.extendedConfig, rotation: managed.rotation });
    s.rs.writeSecret(rec);
    return { Arn: s.secretArn(rec.name), SecretName: rec.name, VersionId: req.VersionId, SecretType: rec.type, ...managedFields(rec, true) };
  }),
  ...handler(ListSecrets, false, (req, s) => {
    const listing = s.rs.listSecretSummaries();
    const all = !req.Filters && !listing.anyPlannedDelete ? listing.sorted : listing.sorted.filter((r) => !s.expired(r) && matchesFilters(r, req.Filters, (x, key) => secretFieldValues(x, key, s)));
    const withTags = req.FetchTags === "true";
    return {
      PageNumber: req.PageNumber,
      PageSize: req.PageSize,
      TotalCount: all.length,
      SecretList: {
        Secret: page(all, req.PageNumber, req.PageSize).map((r) => ({
          SecretName: r.name,
          SecretType: r.type,
          CreateTime: r.createTime,
          UpdateTime: r.updateTime,
          PlannedDeleteTime: r.plannedDeleteTime,
          Tags: withTags ? tagList(r.tags) : void 0
        }))
      }
    };
  }),
  ...handler(GetSecretValue, false, (req, s, op) => {
    const rec = s.find(req.SecretName);
    if (!rec) throw E.notFound("Resource not found.");
    if (req.DryRun === "true") throw new ServiceError(400, "DryRunOperationError", "The request would have succeeded, but the DryRun flag is set.");
    if (rec.plannedDeleteTime) throw E.inDeleteWindow();
    let version;
    if (req.VersionId !== void 0 && rec.type === "Generic") {
      version = rec.versions.find((v) => v.id === req.VersionId);
      if (version && req.VersionStage !== void 0 && !version.stages.includes(req.VersionStage)) throw invalidParameter(op);
    } else {
      const stage = req.VersionStage ?? ACS_CURRENT;
      version = rec.versions.find((v) => v.stages.includes(stage));
    }
    if (!version) throw E.notFound("Resource not found.");
    return {
      SecretName: rec.name,
      SecretType: rec.type,
      SecretData: s.openValue(rec, version.id, version.value),
      SecretDataType: version.dataType,
      VersionId: version.id,
      VersionStages: { VersionStage: [...version.stages] },
      CreateTime: version.createTime,
      ...managedFields(rec, req.FetchExtendedConfig)
    };
  }),
  ...handler(DescribeSecret, false, (req, s) => {
    const rec = s.find(req.SecretName);
    if (!rec) throw E.notFound();
    return {
      Arn: s.secretArn(rec.name),
      SecretName: rec.name,
      SecretType: rec.type,
      Description: rec.description,
      CreateTime: rec.createTime,
      UpdateTime: rec.updateTime,
      EncryptionKeyId: rec.keyId ?? void 0,
      PlannedDeleteTime: rec.plannedDeleteTime,
      Tags: req.FetchTags === "true" ? tagList(rec.tags) : void 0,
      ...managedFields(rec, true)
    };
  }),
  ...handler(DeleteSecret, true, (req, s, op) => {
    const force = req.ForceDeleteWithoutRecovery === "true";
    if (force && req.RecoveryWindowInDays !== void 0) throw invalidParameter(op);
    const rec = s.require(req.SecretName);
    if (force) {
      s.rs.removeSecret(rec.name);
      return { SecretName: rec.name, PlannedDeleteTime: s.isoNow() };
    }
    if (rec.plannedDeleteTime) throw E.inDeleteWindow();
    rec.plannedDeleteTime = isoSeconds(s.now + (req.RecoveryWindowInDays ?? 30) * 864e5);
    s.rs.writeSecret(rec);
    return { SecretName: rec.name, PlannedDeleteTime: rec.plannedDeleteTime };
  }),
  ...handler(RestoreSecret, true, (req, s) => {
    const rec = s.require(req.SecretName);
    if (!rec.plannedDeleteTime) throw new ServiceError(409, "Rejected.ResourceInUse", "restore normal secret");
    delete rec.plannedDeleteTime;
    s.rs.writeSecret(rec);
    return { SecretName: rec.name };
  })
};
function secretFieldValues(r, key, s) {
  switch (key) {
    case "SecretName":
      return [r.name];
    case "Description":
      return [r.description];
    case "TagKey":
      return r.tags.map((t) => t.TagKey);
    case "TagValue":
      return r.tags.map((t) => t.TagValue);
    case "DKMSInstanceId":
      return r.dkmsInstanceId ? [r.dkmsInstanceId] : [];
    case "SecretType":
      return [r.type];
    case "Creator":
      return [s.accountId];
    default:
      return [];
  }
}
function checkRotationInterval(raw, op, minSeconds = 6 * 3600) {
  let secs;
  try {
    secs = parseInterval(raw);
  } catch {
    throw invalidParameter(op);
  }
  if (secs < minSeconds || secs > 8760 * 3600) throw invalidParameter(op);
  return secs;
}
function parseJsonOr(raw, op) {
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidParameter(op);
  }
}
var keyHandlers = {
  ...handler(CreateKey, true, (req, s, op) => {
    if (req.DKMSInstanceId !== void 0) throw E.dkmsNotFound();
    if (req.KeySpec !== "Aliyun_AES_256" || req.Origin !== "Aliyun_KMS" || req.ProtectionLevel !== "SOFTWARE") throw E.unsupported();
    if (req.KeyUsage !== "ENCRYPT/DECRYPT") throw invalidParameter(op);
    let interval;
    if (req.EnableAutomaticRotation) {
      if (req.RotationInterval === void 0) throw invalidParameter(op);
      interval = checkRotationInterval(req.RotationInterval, op, 7 * 86400);
    }
    const keyId = "key-" + regionTag(s.region) + base36(randomBytes4(18), 18);
    const rec = {
      keyId,
      description: req.Description ?? "",
      keySpec: req.KeySpec,
      keyUsage: req.KeyUsage,
      origin: req.Origin,
      protectionLevel: req.ProtectionLevel,
      creationDate: s.isoNow(),
      primaryKeyVersion: randomUUID2(),
      automaticRotation: req.EnableAutomaticRotation ? "Enabled" : "Disabled",
      rotationInterval: interval !== void 0 ? `${interval}s` : void 0,
      tags: req.Tags ?? [],
      material: seal(s.store.root, newKey(), AAD.keyMaterial(s.region, keyId))
    };
    s.rs.writeKey(rec);
    return { KeyMetadata: keyMetadata(rec, s) };
  }),
  ...handler(DescribeKey, false, (req, s) => {
    if (req.KeyId.startsWith("alias/")) throw E.aliasNotFound();
    const rec = s.resolveKey(req.KeyId);
    if (!rec) throw E.keyNotFound();
    return { KeyMetadata: { ...keyMetadata(rec, s), DeletionProtection: "Disabled", DeletionProtectionDescription: "" } };
  }),
  ...handler(ListKeys, false, (req, s) => {
    const keys = [s.defaultKeyRecord(), ...s.rs.listKeys().sort((a, b) => a.creationDate < b.creationDate ? -1 : a.creationDate > b.creationDate ? 1 : a.keyId < b.keyId ? -1 : 1)].filter(
      (k) => matchesFilters(k, req.Filters, (x, key) => keyFieldValues(x, key, s))
    );
    return {
      PageNumber: req.PageNumber,
      PageSize: req.PageSize,
      TotalCount: keys.length,
      Keys: { Key: page(keys, req.PageNumber, req.PageSize).map((k) => ({ KeyId: k.keyId, KeyArn: s.keyArn(k.keyId) })) }
    };
  })
};
function keyFieldValues(k, key, s) {
  switch (key) {
    case "KeyState":
      return ["Enabled"];
    case "KeySpec":
      return [k.keySpec];
    case "KeyUsage":
      return [k.keyUsage];
    case "ProtectionLevel":
      return [k.protectionLevel];
    case "CreatorType":
      return [k.keyId === s.defaultKeyId() ? "Service" : "User"];
    default:
      return [];
  }
}
function keyMetadata(k, s) {
  return {
    Arn: s.keyArn(k.keyId),
    AutomaticRotation: k.automaticRotation,
    CreationDate: k.creationDate,
    Creator: s.accountId,
    DeleteDate: "",
    Description: k.description,
    KeyId: k.keyId,
    KeySpec: k.keySpec,
    KeyState: "Enabled",
    KeyUsage: k.keyUsage,
    LastRotationDate: k.creationDate,
    MaterialExpireTime: "",
    NextRotationDate: k.rotationInterval ? isoSeconds(Date.parse(k.creationDate) + parseInt(k.rotationInterval) * 1e3) : void 0,
    Origin: k.origin,
    PrimaryKeyVersion: k.primaryKeyVersion,
    ProtectionLevel: k.protectionLevel,
    RotationInterval: k.rotationInterval
  };
}
var HANDLERS = Object.assign(/* @__PURE__ */ Object.create(null), secretHandlers, keyHandlers);
function registerHandlers(table) {
  Object.assign(HANDLERS, table);
}
function handleCall(store, action, params, region) {
  const requestId = newRequestId();
  try {
    const h = HANDLERS[action];
    if (!h || !OPERATIONS[action]) throw E.actionNotFound();
    const req = decodeRequest(h.op, params);
    const run = () => h.fn(req, new Session(store, region), h.op);
    const body = h.writes ? store.write(run) : run();
    return { ...body, RequestId: requestId };
  } catch (e) {
    if (e instanceof ServiceError) throw e.stamp(region, requestId);
    throw e;
  }
}

// src/backends/local/stages.ts
var MAX_VERSIONS = 10;
var MAX_STAGES = 8;
var isBuiltInStage = (label) => label === ACS_CURRENT || label === ACS_PREVIOUS;
var limitExceeded = () => new ServiceError(400, "Rejected.LimitExceeded", "exceed secret limits error");
var paramMismatch = () => new ServiceError(400, "Rejected.InvalidRequest", "param mismatch");
var rank = (label) => label === ACS_CURRENT ? 0 : label === ACS_PREVIOUS ? 1 : 2;
var orderStages = (labels) => [...labels].sort((a, b) => rank(a) - rank(b));
function holderOf(rec, label) {
  return rec.versions.find((v) => v.stages.includes(label));
}
function stagesInUse(rec) {
  return new Set(rec.versions.flatMap((v) => v.stages));
}
function checkStageLimit(rec) {
  if (stagesInUse(rec).size > MAX_STAGES) throw limitExceeded();
}
function detachStage(rec, label) {
  for (const v of rec.versions) v.stages = v.stages.filter((l) => l !== label);
}
function moveStage(rec, label, target) {
  const from = holderOf(rec, label);
  if (from === target) return;
  detachStage(rec, label);
  target.stages = orderStages([...target.stages, label]);
  if (label === ACS_CURRENT && from) moveStage(rec, ACS_PREVIOUS, from);
}
function applyStages(rec, target, labels) {
  for (const l of orderStages(labels)) moveStage(rec, l, target);
}
function addVersion(rec, version, labels) {
  rec.versions.push(version);
  applyStages(rec, version, labels);
  checkStageLimit(rec);
  const evicted = [];
  while (rec.versions.length > MAX_VERSIONS) {
    const i = rec.versions.findIndex((v) => v !== version && v.stages.length === 0);
    if (i < 0) throw limitExceeded();
    evicted.push(rec.versions.splice(i, 1)[0].id);
  }
  return evicted;
}
function findVersion(rec, id) {
  return rec.versions.find((v) => v.id === id);
}
function requireWritable(s, ref, notFound = E.notFound()) {
  const rec = s.require(ref, notFound);
  if (rec.plannedDeleteTime) throw E.inDeleteWindow();
  return rec;
}

// src/backends/local/rotation.ts
function managedSecret(s, ref, op) {
  const rec = requireWritable(s, ref);
  if (rec.type === "Generic") throw invalidParameter(op);
  return rec;
}
var rotationHandlers = {
  ...handler(RotateSecret, true, (req, s, op) => {
    const rec = managedSecret(s, req.SecretName, op);
    const answer = { Arn: s.secretArn(rec.name), SecretName: rec.name, VersionId: req.VersionId };
    if (findVersion(rec, req.VersionId)) return answer;
    const current = holderOf(rec, ACS_CURRENT);
    const previous = holderOf(rec, ACS_PREVIOUS);
    const read = (v) => JSON.parse(s.openValue(rec, v.id, v.value));
    const value = rotatedValue(rec, read(current), previous && read(previous), s, op);
    const dataKey = s.dataKey(rec);
    addVersion(rec, { id: req.VersionId, createTime: s.isoNow(), stages: [], dataType: "text", value: s.sealValue(dataKey, rec.name, req.VersionId, JSON.stringify(value)) }, [ACS_CURRENT]);
    const rotation = rec.rotation ??= { enabled: false };
    rotation.lastRotationDate = s.isoNow();
    if (rotation.enabled && rotation.intervalSeconds !== void 0) rotation.nextRotationDate = isoSeconds(s.now + rotation.intervalSeconds * 1e3);
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return answer;
  }),
  ...handler(UpdateSecretRotationPolicy, true, (req, s, op) => {
    const rec = managedSecret(s, req.SecretName, op);
    const rotation = rec.rotation ??= { enabled: false };
    if (req.EnableAutomaticRotation) {
      if (req.RotationInterval === void 0) throw invalidParameter(op);
      rotation.intervalSeconds = checkRotationInterval(req.RotationInterval, op);
      const due = Date.parse(rotation.lastRotationDate ?? rec.createTime) + rotation.intervalSeconds * 1e3;
      rotation.nextRotationDate = isoSeconds(Math.max(due, s.now));
      rotation.enabled = true;
    } else {
      rotation.enabled = false;
      delete rotation.nextRotationDate;
    }
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return { SecretName: rec.name };
  })
};

// src/backends/local/tags.ts
var BATCH_RESOURCES = 50;
var LIST_PAGE = 200;
var NOT_VALID3 = "The specified parameter is not valid.";
var TE = {
  tagKey: () => new ServiceError(400, "InvalidParameter.TagKey", NOT_VALID3),
  tagValue: () => new ServiceError(400, "InvalidParameter.TagValue", NOT_VALID3),
  duplicate: () => new ServiceError(400, "Duplicate.TagKey", "The specified tagKey is duplicate."),
  resourceNotFound: () => new ServiceError(404, "InvalidResourceId.NotFound", "The specified ResourceId is not found.")
};
function secretTaggable(s, rec) {
  return {
    id: rec.name,
    tags: rec.tags,
    save: (tags) => {
      rec.tags = tags;
      rec.updateTime = s.isoNow();
      s.rs.writeSecret(rec);
    }
  };
}
function keyTaggable(s, rec) {
  return {
    id: rec.keyId,
    tags: rec.tags,
    save: (tags) => {
      rec.tags = tags;
      s.rs.writeKey(rec);
    }
  };
}
var writableSecret = (s, ref, notFound) => secretTaggable(s, requireWritable(s, ref, notFound));
function customerKey(s, ref, notFound) {
  const key = s.resolveKey(ref);
  if (!key || key.keyId === s.defaultKeyId()) throw notFound;
  return keyTaggable(s, key);
}
function upsert(existing, add, tooMany) {
  const out = existing.map((t) => ({ ...t }));
  for (const t of add) {
    const have = out.find((x) => x.TagKey === t.TagKey);
    if (have) have.TagValue = t.TagValue;
    else out.push({ TagKey: t.TagKey, TagValue: t.TagValue });
  }
  if (out.length > MAX_TAGS) throw tooMany();
  return out;
}
function singleResource(req, s, op) {
  const given = [req.KeyId, req.SecretName, req.CertificateId].filter((x) => x !== void 0);
  if (given.length !== 1) throw invalidParameter(op);
  if (req.SecretName !== void 0) return writableSecret(s, req.SecretName, E.notFound());
  if (req.KeyId !== void 0) return customerKey(s, req.KeyId, E.keyNotFound());
  throw E.notFound();
}
function check(fn, error) {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InvalidParam) throw error();
    throw e;
  }
}
function resourceType(raw, op) {
  if (raw !== "secret" && raw !== "key") throw invalidParameter(op);
  return raw;
}
function batchIds(ids, op) {
  if (ids.length < 1 || ids.length > BATCH_RESOURCES || ids.some((id) => !id)) throw invalidParameter(op);
  return ids;
}
function batchTags(items, op) {
  if (items.length > MAX_TAGS) throw invalidParameter(op);
  const seen = /* @__PURE__ */ new Set();
  return items.map((t) => {
    const key = check(() => checkTagKey(t.Key), TE.tagKey);
    if (seen.has(key)) throw TE.duplicate();
    seen.add(key);
    return { TagKey: key, TagValue: check(() => checkTagValue(t.Value ?? ""), TE.tagValue) };
  });
}
function batchResources(s, type, ids) {
  return ids.map((id) => type === "secret" ? writableSecret(s, id, TE.resourceNotFound()) : customerKey(s, id, TE.resourceNotFound()));
}
function listedResources(s, type, ids) {
  if (type === "secret") {
    if (!ids.length) return s.rs.listSecrets().filter((r) => !s.expired(r)).map((r) => ({ id: r.name, tags: r.tags })).sort(byId);
    return ids.map((id) => {
      const rec = s.find(id);
      if (!rec) throw TE.resourceNotFound();
      return { id: rec.name, tags: rec.tags };
    });
  }
  if (!ids.length) return s.rs.listKeys().map((k) => ({ id: k.keyId, tags: k.tags })).sort(byId);
  return ids.map((id) => {
    const key = s.resolveKey(id);
    if (!key) throw TE.resourceNotFound();
    return { id: key.keyId, tags: key.tags };
  });
}
var byId = (a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
var tokenOf = (offset) => Buffer.from(`tags:${offset}`).toString("base64url");
function offsetOf(token, op) {
  if (token === void 0) return 0;
  const m = /^tags:(\d+)$/.exec(Buffer.from(token, "base64url").toString());
  if (!m || tokenOf(Number(m[1])) !== token) throw invalidParameter(op);
  return Number(m[1]);
}
var tagHandlers = {
  ...handler(TagResource, true, (req, s, op) => {
    if (req.Tags.length === 0) throw invalidParameter(op);
    const r = singleResource(req, s, op);
    r.save(upsert(r.tags, req.Tags, () => invalidParameter(op)));
    return {};
  }),
  ...handler(UntagResource, true, (req, s, op) => {
    const r = singleResource(req, s, op);
    r.save(r.tags.filter((t) => !req.TagKeys.includes(t.TagKey)));
    return {};
  }),
  ...handler(TagResources, true, (req, s, op) => {
    const type = resourceType(req.ResourceType, op);
    const ids = batchIds(req.ResourceId, op);
    const tags = batchTags(req.Tag, op);
    if (!tags.length) throw invalidParameter(op);
    const resources = batchResources(s, type, ids);
    const updated = resources.map((r) => upsert(r.tags, tags, () => invalidParameter(op)));
    resources.forEach((r, i) => r.save(updated[i]));
    return {};
  }),
  ...handler(UntagResources, true, (req, s, op) => {
    const type = resourceType(req.ResourceType, op);
    const ids = batchIds(req.ResourceId, op);
    const keys = req.TagKey;
    if (keys.length > MAX_TAGS) throw invalidParameter(op);
    keys.forEach((k) => check(() => checkTagKey(k), TE.tagKey));
    const resources = batchResources(s, type, ids);
    for (const r of resources) {
      if (keys.length) r.save(r.tags.filter((t) => !keys.includes(t.TagKey)));
      else if (req.All) r.save([]);
    }
    return {};
  }),
  ...handler(ListTagResources, false, (req, s, op) => {
    const type = resourceType(req.ResourceType, op);
    const ids = req.ResourceId;
    if (ids.length > BATCH_RESOURCES) throw invalidParameter(op);
    const wanted = batchTags(req.Tag, op);
    const valueGiven = new Set(req.Tag.filter((t) => t.Value !== void 0).map((t) => t.Key));
    const matches = (tags) => wanted.every((w) => tags.some((t) => t.TagKey === w.TagKey && (!valueGiven.has(w.TagKey) || t.TagValue === w.TagValue)));
    const rows = listedResources(s, type, ids).filter((r) => matches(r.tags)).flatMap((r) => r.tags.map((t) => ({ ResourceId: r.id, ResourceType: type, TagKey: t.TagKey, TagValue: t.TagValue })));
    const from = offsetOf(req.NextToken, op);
    const next = from + LIST_PAGE < rows.length ? tokenOf(from + LIST_PAGE) : "";
    return { NextToken: next, TagResources: { TagResource: rows.slice(from, from + LIST_PAGE) } };
  })
};

// src/backends/local/versions.ts
registerHandlers({
  ...passwordHandlers,
  ...tagHandlers,
  ...rotationHandlers,
  ...handler(PutSecretValue, true, (req, s, op) => {
    const rec = requireWritable(s, req.SecretName);
    if (rec.type !== "Generic") throw invalidParameter(op);
    const existing = findVersion(rec, req.VersionId);
    if (existing) {
      if (s.openValue(rec, existing.id, existing.value) !== req.SecretData) throw E.exists("The request was rejected becasue key already exsit");
      return { SecretName: rec.name, VersionId: existing.id, VersionStages: { VersionStage: [...existing.stages] } };
    }
    const version = {
      id: req.VersionId,
      createTime: s.isoNow(),
      stages: [],
      dataType: req.SecretDataType,
      value: s.sealValue(s.dataKey(rec), rec.name, req.VersionId, req.SecretData)
    };
    addVersion(rec, version, req.VersionStages ?? [ACS_CURRENT]);
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return { SecretName: rec.name, VersionId: version.id, VersionStages: { VersionStage: [...version.stages] } };
  }),
  ...handler(UpdateSecretVersionStage, true, (req, s, op) => {
    if (req.MoveToVersion === void 0 && req.RemoveFromVersion === void 0)
      throw new ServiceError(400, "MissingParameter", 'The parameter "MoveToVersion" is needed but not provided.');
    const rec = requireWritable(s, req.SecretName);
    if (rec.type !== "Generic") throw invalidParameter(op);
    const label = req.VersionStage;
    const to = req.MoveToVersion === void 0 ? void 0 : findVersion(rec, req.MoveToVersion);
    const from = req.RemoveFromVersion === void 0 ? void 0 : findVersion(rec, req.RemoveFromVersion);
    if (req.MoveToVersion !== void 0 && !to || req.RemoveFromVersion !== void 0 && !from) throw E.notFound();
    if (isBuiltInStage(label) && !to) throw paramMismatch();
    if (from && !from.stages.includes(label)) throw paramMismatch();
    if (to) {
      moveStage(rec, label, to);
      checkStageLimit(rec);
    } else detachStage(rec, label);
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return { SecretName: rec.name };
  }),
  ...handler(ListSecretVersionIds, false, (req, s) => {
    const rec = s.find(req.SecretName);
    if (!rec) throw E.notFound();
    const versions = rec.versions.filter((v) => req.IncludeDeprecated === "true" || v.stages.length > 0).reverse();
    return {
      SecretName: rec.name,
      PageNumber: req.PageNumber,
      PageSize: req.PageSize,
      TotalCount: versions.length,
      VersionIds: {
        VersionId: page(versions, req.PageNumber, req.PageSize).map((v) => ({
          VersionId: v.id,
          CreateTime: v.createTime,
          VersionStages: v.stages.length ? { VersionStage: [...v.stages] } : void 0
        }))
      }
    };
  }),
  ...handler(UpdateSecret, true, (req, s, op) => {
    const rec = requireWritable(s, req.SecretName);
    const customData = req["ExtendedConfig.CustomData"];
    if (customData !== void 0) {
      if (rec.type === "Generic") throw invalidParameter(op);
      const config = rec.extendedConfig ? JSON.parse(rec.extendedConfig) : {};
      rec.extendedConfig = JSON.stringify({ ...config, CustomData: customData });
    }
    if (req.Description !== void 0) rec.description = req.Description;
    rec.updateTime = s.isoNow();
    s.rs.writeSecret(rec);
    return { SecretName: rec.name };
  })
});
export {
  LocalStore,
  handleCall
};
