// `GET /health` of `aliyun kms serve`: whether the server answers, which store it serves and how
// much is in it, for CI wait loops and dashboards. No signature is needed, so it tells nothing a
// stranger may not know: no secret or key name, no value, no credential. Counts come from listing
// the store's folders (names of files only; no file is opened).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalStore } from '../backends/local/store.js';

export interface HealthBody {
  Status: 'ready' | 'stopping';
  Version: string;
  ApiVersion: '2016-01-20';
  DefaultRegion: string;
  Store: { Path: string; Format: string; FormatVersion: number | null; KeySource: string; AccountId: string; CreateTime: string };
  /** Records on disk per region (secrets pending deletion included). */
  Regions: Record<string, { Secrets: number; Keys: number }>;
  Secrets: number;
  Keys: number;
}

function countJson(dir: string): number {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json')).length;
  } catch {
    return 0;
  }
}

export function healthOf(store: LocalStore, o: { ready: boolean; defaultRegion: string; version?: string }): HealthBody {
  let header: any = {};
  try {
    header = JSON.parse(readFileSync(join(store.dir, 'store.json'), 'utf8'));
  } catch {
    /* reported as unknown below; the next API call names the problem */
  }
  const regions: HealthBody['Regions'] = {};
  let secrets = 0;
  let keys = 0;
  let names: string[] = [];
  try {
    names = readdirSync(join(store.dir, 'regions')).sort();
  } catch {
    /* no region yet */
  }
  for (const r of names) {
    const s = countJson(join(store.dir, 'regions', r, 'secrets'));
    const k = countJson(join(store.dir, 'regions', r, 'keys'));
    regions[r] = { Secrets: s, Keys: k };
    secrets += s;
    keys += k;
  }
  return {
    Status: o.ready ? 'ready' : 'stopping',
    Version: o.version ?? 'unknown',
    ApiVersion: '2016-01-20',
    DefaultRegion: o.defaultRegion,
    Store: {
      Path: store.dir,
      Format: typeof header.format === 'string' ? header.format : 'unknown',
      FormatVersion: typeof header.version === 'number' ? header.version : null,
      KeySource: typeof header.rootKey?.source === 'string' ? header.rootKey.source : 'unknown',
      AccountId: store.accountId,
      CreateTime: store.createTime,
    },
    Regions: regions,
    Secrets: secrets,
    Keys: keys,
  };
}
