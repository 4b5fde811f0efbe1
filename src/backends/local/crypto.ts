// Envelope encryption of the local store. Root key (a 0600 file, or scrypt of a passphrase) wraps
// each customer key's material; a key wraps each secret's data key; the data key seals each version.
// Every layer is AES-256-GCM with additional data naming what it protects, so a sealed blob moved
// to another secret, version, key or region fails to open.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scryptSync } from 'node:crypto';

const IV = 12;
const TAG = 16;

export class DecryptError extends Error {}

/** base64(iv | tag | ciphertext) */
export function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
}

export function open(key: Buffer, sealed: string, aad: string): Buffer {
  const buf = Buffer.from(sealed, 'base64');
  if (buf.length < IV + TAG) throw new DecryptError('sealed data too short');
  const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(buf.subarray(IV, IV + TAG));
  try {
    return Buffer.concat([d.update(buf.subarray(IV + TAG)), d.final()]);
  } catch {
    throw new DecryptError('authentication failed');
  }
}

export const newKey = (): Buffer => randomBytes(32);

export interface ScryptParams {
  salt: string;
  N: number;
  r: number;
  p: number;
}

export function newScryptParams(): ScryptParams {
  return { salt: randomBytes(16).toString('base64'), N: 1 << 15, r: 8, p: 1 };
}

export function deriveRootKey(passphrase: string, s: ScryptParams): Buffer {
  return scryptSync(passphrase, Buffer.from(s.salt, 'base64'), 32, { N: s.N, r: s.r, p: s.p, maxmem: 256 * s.N * s.r + 1024 * 1024 });
}

/** Material of a region's service default key: derived, so it needs no file of its own. */
export function deriveDefaultKey(root: Buffer, accountId: string, region: string): Buffer {
  return Buffer.from(hkdfSync('sha256', root, accountId, `aliyun-kms-local default key ${region}`, 32));
}

export const AAD = {
  check: 'aliyun-kms-local root-key check',
  keyMaterial: (region: string, keyId: string) => `aliyun-kms-local key ${region} ${keyId}`,
  dataKey: (region: string, secretName: string) => `aliyun-kms-local data-key ${region} ${secretName}`,
  value: (secretName: string, versionId: string) => `aliyun-kms-local value ${secretName}\u0000${versionId}`,
};
