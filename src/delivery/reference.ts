// Secret references: `kms://NAME[?version-stage=S|?version-id=V][#FIELD]` or a secret ARN
// `acs:kms:REGION:ACCOUNT:secret/NAME` with the same tail. Parts are percent-decoded, so a name with
// characters a URL would mangle (`#`, `?`, `%`, spaces) is still reachable.

/** A reference (or --env, --env-file entry) that cannot be read: bad usage, exit 2. */
export class MalformedReference extends Error {}

export interface SecretRef {
  /** The reference as written (what errors name: it never holds a value). */
  text: string;
  /** `SecretName` for GetSecretValue: the name, or the ARN as written (decoded). */
  secretName: string;
  /** The ARN's region, which the call goes to; undefined: the region in force. */
  region?: string;
  /** The name inside an ARN (an answer may name the secret so). */
  arnName?: string;
  versionStage?: string;
  versionId?: string;
  /** Path into a JSON secret (`#db.host` → ['db', 'host']); undefined: the whole value. */
  field?: string[];
}

const ARN = /^acs:kms:([a-z0-9-]+):(\d*):secret\/(.+)$/s;

export const isReference = (s: string) => s.startsWith('kms://') || s.startsWith('acs:kms:');

function decode(part: string, what: string, text: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new MalformedReference(`malformed reference '${text}': the ${what} has a bad percent-escape (write % as %25)`);
  }
}

/**
 * Parses a reference. `bare` accepts `NAME` and `NAME#FIELD` too (the argument of `aliyun kms get`).
 * Throws MalformedReference with a message naming the reference and the fix.
 */
export function parseReference(text: string, bare = false): SecretRef {
  let rest: string;
  let arn = false;
  if (text.startsWith('kms://')) rest = text.slice(6);
  else if (text.startsWith('acs:kms:')) {
    rest = text;
    arn = true;
  } else if (bare && text !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) rest = text;
  else throw new MalformedReference(`malformed reference '${text}': expected kms://NAME[#FIELD] or acs:kms:REGION:ACCOUNT:secret/NAME[#FIELD]`);

  const hash = rest.indexOf('#');
  const fieldText = hash < 0 ? undefined : rest.slice(hash + 1);
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const query = q < 0 ? undefined : rest.slice(q + 1);
  if (q >= 0) rest = rest.slice(0, q);

  const ref: SecretRef = { text, secretName: '' };
  if (arn) {
    const decoded = decode(rest, 'ARN', text);
    const m = ARN.exec(decoded);
    if (!m) throw new MalformedReference(`malformed reference '${text}': a secret ARN is acs:kms:REGION:ACCOUNT:secret/NAME`);
    ref.secretName = decoded;
    ref.region = m[1];
    ref.arnName = m[3];
  } else {
    ref.secretName = decode(rest, 'secret name', text);
    if (ref.secretName === '') throw new MalformedReference(`malformed reference '${text}': the secret name is empty`);
  }

  if (query !== undefined) {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : decode(pair.slice(eq + 1), key, text);
      if (value === '') throw new MalformedReference(`malformed reference '${text}': '${key}' needs a value (?version-stage=STAGE or ?version-id=ID)`);
      if (key === 'version-stage' && ref.versionStage === undefined) ref.versionStage = value;
      else if (key === 'version-id' && ref.versionId === undefined) ref.versionId = value;
      else throw new MalformedReference(`malformed reference '${text}': unknown or repeated query '${key}' (use ?version-stage=STAGE or ?version-id=ID)`);
    }
    if (ref.versionStage !== undefined && ref.versionId !== undefined)
      throw new MalformedReference(`malformed reference '${text}': give ?version-stage or ?version-id, not both`);
  }

  if (fieldText !== undefined) {
    // Split before decoding: `%2E` is a dot inside a key, `.` separates keys.
    const path = fieldText.split('.').map((seg) => decode(seg, 'field', text));
    if (path.some((seg) => seg === '')) throw new MalformedReference(`malformed reference '${text}': empty field name after '#' (write #key or #outer.inner)`);
    ref.field = path;
  }
  return ref;
}
