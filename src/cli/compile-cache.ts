// A V8 code cache for our own bundles (dist/*.cjs), installed by bin/aliyun.cjs before the CLI is
// loaded: compiling the start-up bundle and the functions a call runs is about a third of a call's
// own time, and every script that reads secrets pays it on every call. Node 22 has this built in
// (module.enableCompileCache); Node 20 does not, so Module.prototype._compile is wrapped for files of
// dist/ only, as v8-compile-cache does for many CLIs.
//
// - Where: $ALIYUN_KMS_COMPILE_CACHE, else $XDG_CACHE_HOME/aliyun-kms-cli, else ~/.cache/aliyun-kms-cli
//   (only if that home folder exists); one folder per V8 version and CPU; `=off` turns it off.
// - Trust: bytecode is code, so the folder is used only if it is ours and no one else can write to it
//   (created 0700; an existing one group- or world-writable is not used).
// - Freshness: a bundle's cache is named by the install's folder and the bundle's size, modification
//   time and inode (V8 itself checks only the source's length); V8 rejects a cache from other flags,
//   which is then rewritten.
// - Written at exit by the first call that ran without one, with the functions that call compiled,
//   atomically (a temporary file renamed), and rewritten by the first call of each other kind (its
//   first words, e.g. `kms run`; at most MAX_KINDS), which compiled functions the cache did not hold:
//   V8 writes the ones it read and the new ones together. Any failure only means compiling as
//   without a cache.
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Module } from 'node:module';
import { basename, dirname, join, sep } from 'node:path';
import { Script } from 'node:vm';

interface CompilingModule {
  exports: unknown;
  require(id: string): unknown;
}

type ModuleInternals = typeof Module & {
  prototype: { _compile(this: CompilingModule, content: string, filename: string): unknown };
  _resolveFilename(request: string, parent: CompilingModule, isMain: boolean, options?: unknown): string;
  _cache: unknown;
  _extensions: unknown;
  wrap(source: string): string;
};

/** The cache folder, created if missing, or undefined when it is turned off or cannot be trusted. */
export function cacheFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.ALIYUN_KMS_COMPILE_CACHE;
  if (chosen === 'off') return undefined;
  // The home folder (or XDG_CACHE_HOME) must exist already: a call is not to create it.
  const base = chosen ? undefined : env.XDG_CACHE_HOME || env.HOME;
  if (!chosen && !base) return undefined;
  const root = chosen || (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'aliyun-kms-cli') : join(env.HOME!, '.cache', 'aliyun-kms-cli'));
  const dir = join(root, `v8-${process.versions.v8}-${process.arch}`);
  try {
    if (base && !statSync(base).isDirectory()) return undefined;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || (st.mode & 0o022) !== 0) return undefined;
    if (process.getuid && st.uid !== process.getuid()) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The kinds of call a cache may be rewritten for: a long-used install stops rewriting. */
const MAX_KINDS = 12;
/** A cache file: this line, the kinds of call it holds (tab-separated) and a newline, then V8's data. */
const MAGIC = 'aliyun-kms-cli code cache 2\n';

/**
 * The kind of this call, for the cache: the words before its first flag, at most two (`kms get`,
 * `kms GetSecretValue`, `configure`; `-` when it starts with a flag). Never a flag's value: the file
 * must not hold a key passed as one. A guess: a wrong one costs one rewrite.
 */
function callKind(argv: string[]): string {
  const words: string[] = [];
  for (const w of argv.slice(2, 4)) {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(w)) break;
    words.push(w);
  }
  return words.join(' ') || '-';
}

/** A cache file's kinds and V8 data; undefined when missing or not in this format. */
function readCache(file: string): { kinds: string[]; data: Buffer } | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const end = buf.indexOf(0x0a, MAGIC.length);
  if (end < 0) return undefined;
  return { kinds: buf.toString('latin1', MAGIC.length, end).split('\t'), data: buf.subarray(end + 1) };
}

/** 8 hex digits naming a path (FNV-1a; node:crypto is not loaded this early). */
function pathTag(path: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Wraps Module.prototype._compile for files under DIST; returns false when no cache folder is usable. */
export function install(distDir: string): boolean {
  const folder = cacheFolder();
  if (!folder) return false;
  const M = Module as ModuleInternals;
  const original = M.prototype._compile;
  const prefix = distDir.endsWith(sep) ? distDir : distDir + sep;
  // Named by the install too: two installs of the CLI used in turn must not remove each other's cache.
  const install = pathTag(prefix);
  const unwritten: { script: Script; file: string; stem: string; filename: string; content: string; kinds: string[] }[] = [];
  const kind = callKind(process.argv);
  const cacheFileOf = (filename: string) => {
    const st = statSync(filename);
    return join(folder, `${basename(filename)}-${install}-${st.size}-${st.ino}-${String(st.mtimeMs).replace('.', '_')}.v8`);
  };
  M.prototype._compile = function (this: CompilingModule, content: string, filename: string) {
    if (!filename.startsWith(prefix)) return original.call(this, content, filename);
    let file: string;
    try {
      file = cacheFileOf(filename);
    } catch {
      return original.call(this, content, filename);
    }
    const cached = readCache(file);
    const script = new Script(M.wrap(content), { filename, cachedData: cached?.data });
    const kinds = !cached || script.cachedDataRejected ? [] : cached.kinds;
    if (!kinds.includes(kind) && kinds.length < MAX_KINDS)
      unwritten.push({ script, file, stem: `${basename(filename)}-${install}-`, filename, content, kinds: [...kinds, kind] });
    const mod = this;
    const require = Object.assign((id: string) => mod.require(id), {
      resolve: (request: string, options?: unknown) => M._resolveFilename(request, mod, false, options),
      // As Node's own require functions have it.
      main: process.mainModule,
      cache: M._cache,
      extensions: M._extensions,
    });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(mod.exports, mod.exports, require, mod, filename, dirname(filename));
  };
  process.once('exit', () => {
    for (const { script, file, stem, filename, content, kinds } of unwritten) {
      try {
        // The bundle replaced while this call ran (an upgrade): its name could then stand for code
        // this call did not compile, and V8 would not notice a change that keeps the length.
        if (cacheFileOf(filename) !== file || readFileSync(filename, 'utf8') !== content) continue;
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, Buffer.concat([Buffer.from(MAGIC + kinds.join('\t') + '\n', 'latin1'), script.createCachedData()]), { mode: 0o600 });
        renameSync(tmp, file);
        // Caches of earlier builds of the same bundle are dead weight.
        for (const old of readdirSync(folder)) if (old.startsWith(stem) && old.endsWith('.v8') && join(folder, old) !== file) rmSync(join(folder, old), { force: true });
      } catch {
        // A full disk or a folder gone: the next call compiles as without a cache.
      }
    }
  });
  return true;
}
