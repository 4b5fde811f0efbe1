// Masking a child's output: every occurrence of a secret value (whole, each line of a multi-line value,
// and its JSON-escaped forms) becomes CONCEALED, however the bytes are split into chunks. The masker
// holds back only a tail that could still become a match (a proper prefix of some pattern), so output
// that cannot contain a secret is passed on at once and a prompt is never delayed.

export const CONCEALED = '<concealed by aliyun>';
/** Shorter values are not masked: replacing every `a` or `42` would garble the output. */
export const MIN_MASKED_LENGTH = 4;

const nonAscii = (s: string) => s.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
/** Go's encoding/json (the default of Go programs, the real aliyun CLI included) also escapes <, > and &. */
const goHtmlSafe = (s: string) => s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

/** The strings that reveal a value: itself, each line of it, its JSON-escaped forms. */
export function maskStrings(value: string): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    if ([...s].length >= MIN_MASKED_LENGTH) out.add(s);
  };
  add(value);
  // A line counts by what it holds besides blanks: `  },` of a pretty-printed JSON secret would
  // otherwise conceal every `  },` the command prints.
  const lines = value.split(/\r?\n|\r/).filter((line) => [...line.trim()].length >= MIN_MASKED_LENGTH);
  for (const line of lines) add(line);
  const escaped = JSON.stringify(value).slice(1, -1);
  add(escaped);
  add(nonAscii(escaped));
  add(goHtmlSafe(escaped));
  add(goHtmlSafe(nonAscii(escaped)));
  // The lines of a value also appear JSON-escaped one by one (e.g. a log line quoting one of them).
  for (const line of lines) {
    const e = JSON.stringify(line).slice(1, -1);
    add(e);
    add(nonAscii(e));
    add(goHtmlSafe(e));
  }
  return [...out];
}

/**
 * The patterns of a set of values, shared by the maskers of stdout and stderr and built on first use:
 * a command that prints nothing (or only after a while) does not wait for them to start.
 */
export class MaskPatterns {
  private built?: Map<number, Buffer[]>;

  constructor(private readonly values: string[]) {}

  /** Patterns by their first byte, longest first (leftmost-longest matching). */
  get byFirstByte(): Map<number, Buffer[]> {
    if (this.built) return this.built;
    const byFirstByte = new Map<number, Buffer[]>();
    const strings = new Set<string>();
    for (const v of this.values) for (const s of maskStrings(v)) strings.add(s);
    const patterns = [...strings].map((s) => Buffer.from(s, 'utf8')).filter((b) => b.length > 0);
    patterns.sort((a, b) => b.length - a.length);
    for (const p of patterns) {
      const list = byFirstByte.get(p[0]) ?? [];
      list.push(p);
      byFirstByte.set(p[0], list);
    }
    return (this.built = byFirstByte);
  }
}

const EMPTY = Buffer.alloc(0);

export class Masker {
  private readonly replacement = Buffer.from(CONCEALED);
  private pending: Buffer = EMPTY;

  constructor(private readonly patterns: MaskPatterns) {}

  private get byFirstByte(): Map<number, Buffer[]> {
    return this.patterns.byFirstByte;
  }

  /** Masks what can be decided now; keeps a possible start of a secret for the next chunk. */
  push(chunk: Buffer): Buffer {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    return this.scan(buf, false);
  }

  /** The stream ended: whatever is held back cannot become a secret any more. */
  end(): Buffer {
    const buf = this.pending;
    if (!buf.length) return EMPTY;
    this.pending = EMPTY;
    return this.scan(buf, true);
  }

  /**
   * The end of the masked span that starts with a match at [start, end): patterns that begin inside
   * the span and reach past it extend it. -1: one may still do so when more bytes arrive.
   */
  private extend(buf: Buffer, start: number, end: number, final: boolean): number {
    const n = buf.length;
    for (let j = start + 1; j < end; j++) {
      for (const p of this.byFirstByte.get(buf[j]) ?? []) {
        if (j + p.length <= end) break; // longest first: the rest end inside the span too
        if (p.length > n - j) {
          if (!final && buf.compare(p, 0, n - j, j, n) === 0) return -1;
        } else if (buf.compare(p, 0, p.length, j, j + p.length) === 0) {
          end = j + p.length;
          break;
        }
      }
    }
    return end;
  }

  private scan(buf: Buffer, final: boolean): Buffer {
    const parts: Buffer[] = [];
    let emitFrom = 0;
    let i = 0;
    const n = buf.length;
    this.pending = EMPTY;
    const byFirstByte = this.byFirstByte;
    while (i < n) {
      const candidates = byFirstByte.get(buf[i]);
      if (!candidates) {
        i++;
        continue;
      }
      let match: Buffer | undefined;
      let hold = false;
      for (const p of candidates) {
        if (p.length > n - i) {
          // A longer pattern may still complete: decide when more bytes arrive.
          if (!final && buf.compare(p, 0, n - i, i, n) === 0) {
            hold = true;
            break;
          }
        } else if (buf.compare(p, 0, p.length, i, i + p.length) === 0) {
          match = p;
          break;
        }
      }
      if (hold) {
        this.pending = Buffer.from(buf.subarray(i));
        break;
      }
      if (match) {
        // Values may overlap (`abcdefgh` and `cdefgh12` in `abcdefgh12`): the masked span grows to
        // cover every match that starts inside it, so no tail of another value is left showing.
        const maskEnd = this.extend(buf, i, i + match.length, final);
        if (maskEnd < 0) {
          this.pending = Buffer.from(buf.subarray(i));
          break;
        }
        if (i > emitFrom) parts.push(buf.subarray(emitFrom, i));
        parts.push(this.replacement);
        i = maskEnd;
        emitFrom = i;
      } else i++;
    }
    const end = this.pending.length ? n - this.pending.length : n;
    if (end > emitFrom) parts.push(buf.subarray(emitFrom, end));
    return parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts);
  }
}
