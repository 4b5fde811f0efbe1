// `aliyun kms inject`: `{{ kms://NAME#FIELD }}` (or an ARN) in a template becomes the raw value.
import { MalformedReference, parseReference, type SecretRef } from './reference.js';

const PLACEHOLDER = /\{\{\s*((?:kms:\/\/|acs:kms:)[^\s}]*)\s*\}\}/g;
/** The start of a placeholder: one that does not end as PLACEHOLDER does is a mistake, not text. */
const OPENER = /\{\{\s*(?:kms:\/\/|acs:kms:)/g;

export interface Template {
  /** Literal pieces around the placeholders: pieces.length === refs.length + 1. */
  pieces: Buffer[];
  refs: SecretRef[];
}

export function parseTemplate(bytes: Buffer): Template {
  // latin1 keeps every byte as one char, so offsets map back to the original bytes exactly.
  const text = bytes.toString('latin1');
  const pieces: Buffer[] = [];
  const refs: SecretRef[] = [];
  let last = 0;
  const starts = new Set([...text.matchAll(PLACEHOLDER)].map((m) => m.index));
  for (const o of text.matchAll(OPENER)) {
    // Left as text, `{{ kms://db` would reach the output file silently; the line is named, not its text.
    if (!starts.has(o.index)) {
      const line = text.slice(0, o.index).split('\n').length;
      throw new MalformedReference(`line ${line}: a {{ kms://… placeholder has no closing }} right after its reference (a reference holds no spaces)`);
    }
  }
  for (const m of text.matchAll(PLACEHOLDER)) {
    pieces.push(bytes.subarray(last, m.index));
    refs.push(parseReference(Buffer.from(m[1], 'latin1').toString('utf8')));
    last = m.index! + m[0].length;
  }
  pieces.push(bytes.subarray(last));
  return { pieces, refs };
}

export function renderTemplate(t: Template, values: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  t.pieces.forEach((p, i) => {
    parts.push(p);
    if (i < values.length) parts.push(values[i]);
  });
  return Buffer.concat(parts);
}
