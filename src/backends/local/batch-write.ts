// Many files written durably at the cost of few waits: used to seed a store with thousands of
// secrets (`serve --seed`), where one fsync'd atomic write each (file and folder) costs minutes.
// Same guarantee as writeFileAtomic for each file: a reader, or the store after a crash at any
// point, sees the old file or the whole new one. Order: every temporary file written, then all made
// durable with one syncfs(2) (`sync -f`, Linux; an fsync each elsewhere or if it fails: on a busy
// disk an fsync costs milliseconds, 20 s for 10,000 files), then all renamed, then each folder
// fsync'd once. Temporary files go where writeFileAtomic puts them (the lock holder's staging
// folder), so the renames are fenced as every other write under the store lock: a writer whose
// lock was taken over commits nothing more. A crash before the renames leaves only temporary files
// in the staging folder, removed with the dead writer's lock.
import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { commitRename, FILE_MODE, tempPathFor } from './fsutil.js';

export function writeFilesAtomic(files: { path: string; data: string | Buffer }[]): void {
  const temps: { tmp: string; path: string; staging?: string }[] = [];
  try {
    for (const f of files) {
      const { tmp, staging } = tempPathFor(f.path);
      const fd = openSync(tmp, 'wx', FILE_MODE);
      temps.push({ tmp, path: f.path, staging });
      try {
        const buf = typeof f.data === 'string' ? Buffer.from(f.data) : f.data;
        let off = 0;
        while (off < buf.length) off += writeSync(fd, buf, off);
      } finally {
        closeSync(fd);
      }
    }
    // The temporary files share one folder (the staging folder or one region's secrets), so one file system: one call.
    if (!(temps.length && syncFileSystem(dirname(temps[0].tmp))))
      for (const t of temps) {
        const fd = openSync(t.tmp, 'r');
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
  } catch (e) {
    for (const t of temps) rmSync(t.tmp, { force: true });
    throw e;
  }
  const dirs = new Set<string>();
  for (let i = 0; i < temps.length; i++) {
    try {
      commitRename(temps[i].tmp, temps[i].path, temps[i].staging);
    } catch (e) {
      for (const t of temps.slice(i + 1)) rmSync(t.tmp, { force: true });
      throw e;
    }
    dirs.add(dirname(temps[i].path));
  }
  for (const d of dirs) {
    const fd = openSync(d, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** syncfs(2) of the file system holding `dir`, through coreutils `sync -f`; false where unavailable. */
function syncFileSystem(dir: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('sync', ['-f', dir], { stdio: 'ignore', timeout: 120_000 });
    return true;
  } catch {
    return false;
  }
}
