// The listing index of a region's secrets: what ListSecrets needs (name, type, description, tags,
// times), so that a listing reads two files instead of one per secret. It is a derived cache: the
// secret files stay the truth, and the index is checked against them and rebuilt when it disagrees.
//
//   regions/<r>/secrets.index    line 1: {"gen","id","mtime"}; line 2: every summary, sorted
//   regions/<r>/secrets.journal  line 1: {"gen"}; then one event per line, appended
//
// Writers hold the store lock. A change of one secret is: append `{"i":name}` to the journal and
// fsync it (the intent); change the secret's file; append `{"c":name,"s":summary,"m":dirMtime}`
// (the commit, not synced). A reader trusts the index for every name except those with an intent
// and no later commit: those it reads from their files. So a writer killed between any two steps
// leaves, at worst, a name read from its file; a lost or torn commit line is just an intent without
// a commit. A folder changed behind the index's back (an older build, a restore, a hand edit)
// moves the secrets folder's mtime away from the one last recorded, and the reader falls back to
// reading every file; the next writer rebuilds. When the journal outgrows an eighth of the index,
// the writer folds it in (compaction): a new index file (gen+1), then a new journal (gen+1), each
// replaced atomically; a reader that sees an index newer than its journal ignores the journal.
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync, writeSync, fdatasyncSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FILE_MODE, writeFileAtomic } from './fsutil.js';
import type { SecretRecord } from './store.js';

/** The fields of a secret that listing and its filters use. */
export interface SecretSummary {
  name: string;
  type: string;
  description: string;
  tags: { TagKey: string; TagValue: string }[];
  createTime: string;
  updateTime: string;
  plannedDeleteTime?: string;
  dkmsInstanceId?: string;
}

/** Secrets in listing order (creation time, then name), shared read-only with the caller. */
export interface SecretListing {
  sorted: readonly SecretSummary[];
  /** Whether any listed secret has a planned deletion (then expiry must be checked one by one). */
  anyPlannedDelete: boolean;
}

export function summaryOf(r: SecretRecord): SecretSummary {
  const s: SecretSummary = { name: r.name, type: r.type, description: r.description, tags: r.tags, createTime: r.createTime, updateTime: r.updateTime };
  if (r.plannedDeleteTime !== undefined) s.plannedDeleteTime = r.plannedDeleteTime;
  if (r.dkmsInstanceId !== undefined) s.dkmsInstanceId = r.dkmsInstanceId;
  return s;
}

export const byCreateThenName = (a: { createTime: string; name: string }, b: { createTime: string; name: string }) =>
  a.createTime < b.createTime ? -1 : a.createTime > b.createTime ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

// Compact form on disk: an array per secret parses faster than an object.
// An update time equal to the creation time (most secrets) is written 0: a smaller file parses faster.
type Row = [string, string, string, string, string | 0, string | 0, [string, string][] | 0, string | 0];
const toRow = (s: SecretSummary): Row => [
  s.name,
  s.type,
  s.description,
  s.createTime,
  s.updateTime === s.createTime ? 0 : s.updateTime,
  s.plannedDeleteTime ?? 0,
  s.tags.length ? s.tags.map((t) => [t.TagKey, t.TagValue] as [string, string]) : 0,
  s.dkmsInstanceId ?? 0,
];
function fromRow(r: Row): SecretSummary {
  const s: SecretSummary = { name: r[0], type: r[1], description: r[2], createTime: r[3], updateTime: r[4] || r[3], tags: r[6] ? r[6].map(([k, v]) => ({ TagKey: k, TagValue: v })) : [] };
  if (r[5]) s.plannedDeleteTime = r[5];
  if (r[7]) s.dkmsInstanceId = r[7];
  return s;
}
const isRow = (r: any): r is Row => Array.isArray(r) && r.length === 8 && typeof r[0] === 'string' && typeof r[3] === 'string';

interface IndexHeader {
  gen: number;
  id: string;
  /** The secrets folder's mtime (ns) when the index was written. */
  mtime: string;
}

type JournalEvent = { i: string } | { c: string; s: Row | null; m: string };

interface Journal {
  gen: number;
  events: JournalEvent[];
}

/** A test hook: SIGKILL this process at a named step, to check that no step leaves a wrong listing. */
export function crashPoint(step: string): void {
  if (process.env.ALIYUN_KMS_TEST_CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
}

function dirMtime(dir: string): string {
  try {
    return String(statSync(dir, { bigint: true }).mtimeNs);
  } catch (e: any) {
    if (e.code === 'ENOENT') return 'missing';
    throw e;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e: any) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  }
}

/** `read` on the open file at `path` (undefined if there is none), closed afterwards. */
function withOpenFile<T>(path: string, read: (fd: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e: any) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

/** The first line of a file (at most 1 KiB; headers are short) and the file's size. */
function headOf(path: string): { head: string; size: number } | undefined {
  return withOpenFile(path, (fd) => {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, 1024));
    return { head: buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8').split('\n')[0], size };
  });
}

/** The first line and the last line of a file, read from its two ends (a writer needs only these). */
function headAndTail(path: string): { head: string; tail: string; size: number } | undefined {
  return withOpenFile(path, (fd) => {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, 8192));
    const head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8').split('\n')[0];
    const n = readSync(fd, buf, 0, buf.length, Math.max(0, size - buf.length));
    const lines = buf.subarray(0, n).toString('utf8').split('\n');
    // A complete last line ends with a newline; a torn one (a writer killed mid-append) does not.
    lines.pop();
    let tail = '';
    while (lines.length && !(tail = lines.pop()!));
    return { head, tail, size };
  });
}

function parseJson(line: string): any {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function parseHeader(line: string): IndexHeader | undefined {
  const h = parseJson(line);
  return h && typeof h.gen === 'number' && typeof h.id === 'string' && typeof h.mtime === 'string' ? h : undefined;
}

function parseJournal(text: string): Journal | undefined {
  const lines = text.split('\n');
  const head = parseJson(lines[0]);
  if (!head || typeof head.gen !== 'number') return undefined;
  const events: JournalEvent[] = [];
  // The last element is what follows the final newline: empty, or a torn line to ignore.
  for (let i = 1; i < lines.length - 1; i++) {
    if (!lines[i]) continue;
    const e = parseJson(lines[i]);
    if (e && typeof e.i === 'string') events.push(e);
    else if (e && typeof e.c === 'string' && typeof e.m === 'string' && (e.s === null || isRow(e.s))) events.push(e);
  }
  return { gen: head.gen, events };
}

const COMPACT_MIN_BYTES = 64 * 1024;

/** Parsed index files kept by a long-lived process (the server) and reused while unchanged. */
interface ParsedJournal {
  gen: number;
  /** Bytes, as read. */
  size: number;
  events: JournalEvent[];
  /** Names with an intent and no later commit: read from their files. */
  pending: Set<string>;
}

export interface IndexCache {
  base?: { id: string; gen: number; rows: SecretSummary[] };
  journal?: ParsedJournal;
  view?: { key: string; listing: SecretListing };
}

export class SecretIndex {
  readonly indexPath: string;
  readonly journalPath: string;

  constructor(
    regionDir: string,
    readonly secretsDir: string,
    /**
     * Every secret, read from its file (the truth, and the fallback). `quiet`: a writer rebuilding
     * the index, whose caller asked about one secret, not about damaged files elsewhere.
     */
    private readonly scan: (quiet: boolean) => SecretRecord[],
    /** One secret from its file. */
    private readonly readOne: (name: string) => SecretRecord | undefined,
  ) {
    this.indexPath = join(regionDir, 'secrets.index');
    this.journalPath = join(regionDir, 'secrets.journal');
  }

  // ---- writers (store lock held) ---------------------------------------------------------------

  /** Runs `change` (which writes or removes the file of `name`) with the index kept in step. */
  change(name: string, change: () => SecretSummary | null): void {
    const state = this.writerState();
    if (state === 'rebuild') this.rebuild();
    this.append({ i: name }, true);
    crashPoint('index:after-intent');
    const summary = change();
    crashPoint('index:after-file');
    this.append({ c: name, s: summary && toRow(summary), m: dirMtime(this.secretsDir) }, false);
    crashPoint('index:after-commit');
    const journalSize = statSync(this.journalPath).size;
    const limit = Number(process.env.ALIYUN_KMS_TEST_INDEX_COMPACT_BYTES) || Math.max(COMPACT_MIN_BYTES, statSync(this.indexPath).size / 8);
    if (journalSize > limit) this.compact();
  }

  /**
   * The same for many secrets at once (seeding): one synced intent line per name, then the change,
   * then the commits. A writer killed in between leaves intents that readers resolve from the files.
   */
  changeMany(names: string[], change: () => (SecretSummary | null)[]): void {
    if (!names.length) return;
    if (this.writerState() === 'rebuild') this.rebuild();
    this.appendAll(names.map((i) => ({ i })), true);
    const summaries = change();
    const m = dirMtime(this.secretsDir);
    this.appendAll(names.map((c, k) => ({ c, s: summaries[k] && toRow(summaries[k]!), m })), false);
    const limit = Number(process.env.ALIYUN_KMS_TEST_INDEX_COMPACT_BYTES) || Math.max(COMPACT_MIN_BYTES, statSync(this.indexPath).size / 8);
    if (statSync(this.journalPath).size > limit) this.compact();
  }

  /** Whether the journal can be appended to as it is, from its first and last lines only. */
  private writerState(): 'ok' | 'rebuild' {
    const base = headOf(this.indexPath);
    const header = base && parseHeader(base.head);
    if (!header) return 'rebuild';
    const journal = headAndTail(this.journalPath);
    const jgen = journal ? parseJson(journal.head)?.gen : undefined;
    if (jgen !== header.gen) {
      // Killed between writing a new index and its new journal: the index has it all.
      if (typeof jgen !== 'number' || jgen < header.gen) this.freshJournal(header.gen);
      else return 'rebuild';
      return this.mtimeAgrees(header.mtime) ? 'ok' : 'rebuild';
    }
    const last = journal && journal.tail !== journal.head ? parseJson(journal.tail) : undefined;
    if (last && typeof last.i === 'string') return 'ok'; // a killed writer's intent: readers read that file
    const recorded = last && typeof last.m === 'string' ? last.m : header.mtime;
    return this.mtimeAgrees(recorded) ? 'ok' : 'rebuild';
  }

  private mtimeAgrees(recorded: string): boolean {
    return dirMtime(this.secretsDir) === recorded;
  }

  private append(event: JournalEvent, sync: boolean): void {
    this.appendAll([event], sync);
  }

  private appendAll(events: JournalEvent[], sync: boolean): void {
    const fd = openSync(this.journalPath, 'a', FILE_MODE);
    try {
      // The leading newline ends a line torn by a writer killed mid-append (readers skip empty lines).
      writeSync(fd, '\n' + events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      if (sync) fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private freshJournal(gen: number): void {
    writeFileAtomic(this.journalPath, JSON.stringify({ gen }) + '\n');
  }

  private writeIndex(gen: number, rows: SecretSummary[]): void {
    rows.sort(byCreateThenName);
    const header: IndexHeader = { gen, id: randomBytes(12).toString('hex'), mtime: dirMtime(this.secretsDir) };
    writeFileAtomic(this.indexPath, JSON.stringify(header) + '\n' + JSON.stringify(rows.map(toRow)) + '\n');
    crashPoint('index:after-index');
    this.freshJournal(gen);
    crashPoint('index:after-journal');
  }

  /** The index from every file, when it cannot be trusted. */
  rebuild(): void {
    const old = parseHeader(headOf(this.indexPath)?.head ?? '');
    const oldJournal = headOf(this.journalPath);
    const gen = Math.max(old?.gen ?? 0, parseJson(oldJournal?.head ?? '')?.gen ?? 0) + 1;
    this.writeIndex(gen, this.scan(true).map(summaryOf));
  }

  /** Folds the journal into a new index. */
  private compact(): void {
    const listing = this.read();
    if (!listing.fromIndex) return this.rebuild();
    const header = parseHeader(headOf(this.indexPath)!.head)!;
    this.writeIndex(header.gen + 1, [...listing.sorted]);
  }

  // ---- readers (no lock) -----------------------------------------------------------------------

  /** Every secret's summary, from the index when it agrees with the folder, else from the files. */
  list(cache?: IndexCache): SecretListing {
    return this.read(cache);
  }

  private read(cache?: IndexCache): SecretListing & { fromIndex: boolean } {
    // A writer moving the folder between our stat and our journal read makes them disagree: retry.
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = this.tryIndex(cache);
      if (r) return { ...r, fromIndex: true };
    }
    const sorted = this.scan(false).map(summaryOf).sort(byCreateThenName);
    return { sorted, anyPlannedDelete: sorted.some((s) => s.plannedDeleteTime !== undefined), fromIndex: false };
  }

  private tryIndex(cache?: IndexCache): SecretListing | undefined {
    const mtimeNow = dirMtime(this.secretsDir);
    // The journal before the index: an index replaced meanwhile is newer, and covers the journal.
    const journal = this.readJournal(cache);
    const header = parseHeader(headOf(this.indexPath)?.head ?? '');
    if (!header) return undefined;
    let rows: SecretSummary[];
    if (cache?.base && cache.base.id === header.id) rows = cache.base.rows;
    else {
      const text = readText(this.indexPath);
      if (text === undefined) return undefined;
      const nl = text.indexOf('\n');
      const full = parseHeader(text.slice(0, nl));
      // Replaced between our two reads: take the next attempt.
      if (!full || full.id !== header.id) return undefined;
      const parsed = parseJson(text.slice(nl + 1));
      if (!Array.isArray(parsed) || !parsed.every(isRow)) return undefined;
      rows = new Array(parsed.length);
      for (let i = 0; i < parsed.length; i++) rows[i] = fromRow(parsed[i]);
      if (cache) cache.base = { id: header.id, gen: header.gen, rows };
    }
    let j: ParsedJournal = { gen: header.gen, size: 0, events: [], pending: new Set() };
    if (journal) {
      if (journal.gen > header.gen) return undefined;
      if (journal.gen === header.gen) j = journal;
    }
    const last = j.events[j.events.length - 1];
    if (!last || 'c' in last) {
      if ((last ? last.m : header.mtime) !== mtimeNow) return undefined;
    }
    // The journal only grows while its generation lasts, so its size names its content.
    const viewKey = `${header.id}:${j.gen}:${j.size}`;
    if (j.pending.size === 0 && cache?.view?.key === viewKey) return cache.view.listing;
    const changed = new Map<string, SecretSummary | null>();
    for (const e of j.events) if ('c' in e) changed.set(e.c, e.s && fromRow(e.s));
    for (const name of j.pending) {
      const rec = this.readOne(name);
      changed.set(name, rec ? summaryOf(rec) : null);
    }
    let sorted: SecretSummary[];
    if (changed.size === 0) sorted = rows;
    else {
      // The index is sorted already: merge the few changed secrets in rather than sort it all.
      const added: SecretSummary[] = [];
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
    const listing = { sorted, anyPlannedDelete: sorted.some((s) => s.plannedDeleteTime !== undefined) };
    if (cache && j.pending.size === 0) cache.view = { key: viewKey, listing };
    return listing;
  }

  /** The journal's events, parsed again only when its size or generation moved. */
  private readJournal(cache?: IndexCache): ParsedJournal | undefined {
    if (cache?.journal) {
      const peek = headOf(this.journalPath);
      if (!peek) return undefined;
      const gen = parseJson(peek.head)?.gen;
      if (gen === cache.journal.gen && peek.size === cache.journal.size) return cache.journal;
    }
    const text = readText(this.journalPath);
    if (text === undefined) return undefined;
    const parsed = parseJournal(text);
    if (!parsed) return { gen: Infinity, size: 0, events: [], pending: new Set() };
    const pending = new Set<string>();
    for (const e of parsed.events) {
      if ('i' in e) pending.add(e.i);
      else pending.delete(e.c);
    }
    const j: ParsedJournal = { gen: parsed.gen, size: Buffer.byteLength(text), events: parsed.events, pending };
    if (cache) cache.journal = j;
    return j;
  }
}
