// `aliyun kms store verify`: opens every record and every version of the local store and reports
// what is damaged, so that one bad file is found before a read needs it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStore, StoreError, fileNameOf, isKeyRecord, isSecretRecord, readRecordStrict, type KeyRecord, type SecretRecord } from './store.js';
import { Session } from './service.js';

export interface Damage {
  path: string;
  problem: string;
}

export interface VerifyReport {
  dir: string;
  regions: number;
  secrets: number;
  versions: number;
  keys: number;
  damaged: Damage[];
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e: any) {
    if (e.code === 'ENOENT') return [];
    throw new StoreError(`cannot list the store folder ${dir}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/^corrupt store file \S+: /, '');

/** Opens the store (its header and root key checks apply) and every record in it. */
export function verifyStore(store: LocalStore): VerifyReport {
  const report: VerifyReport = { dir: store.dir, regions: 0, secrets: 0, versions: 0, keys: 0, damaged: [] };
  const regionsDir = join(store.dir, 'regions');
  for (const region of entries(regionsDir)) {
    if (!statSync(join(regionsDir, region)).isDirectory()) continue;
    report.regions++;
    const s = new Session(store, region);
    const keysDir = join(regionsDir, region, 'keys');
    for (const f of entries(keysDir)) {
      if (!f.endsWith('.json')) continue;
      const path = join(keysDir, f);
      try {
        const rec = readRecordStrict<KeyRecord>(path, isKeyRecord);
        if (!rec) continue;
        if (f !== rec.keyId + '.json') throw new Error(`it holds key ${rec.keyId}, not ${f.slice(0, -5)}`);
        s.keyMaterial(rec.keyId);
        report.keys++;
      } catch (e) {
        report.damaged.push({ path, problem: `key material does not open: ${reason(e)}` });
      }
    }
    const secretsDir = join(regionsDir, region, 'secrets');
    for (const f of entries(secretsDir)) {
      if (!f.endsWith('.json')) continue;
      const path = join(secretsDir, f);
      let rec: SecretRecord | undefined;
      try {
        rec = readRecordStrict<SecretRecord>(path, isSecretRecord);
      } catch (e) {
        report.damaged.push({ path, problem: reason(e) });
        continue;
      }
      if (!rec) continue;
      if (fileNameOf(rec.name) !== f) {
        report.damaged.push({ path, problem: `it holds secret ${JSON.stringify(rec.name)}, whose file name is ${fileNameOf(rec.name)}` });
        continue;
      }
      report.secrets++;
      try {
        s.dataKey(rec);
      } catch (e) {
        report.damaged.push({ path, problem: `the data key of secret ${JSON.stringify(rec.name)} does not open: ${reason(e)}` });
        continue;
      }
      for (const v of rec.versions) {
        try {
          s.openValue(rec, v.id, v.value);
          report.versions++;
        } catch (e) {
          report.damaged.push({ path, problem: `version ${JSON.stringify(v.id)} of secret ${JSON.stringify(rec.name)} does not open: ${reason(e)}` });
        }
      }
    }
  }
  return report;
}
