// JSON exactly as the real CLI prints it (Go encoding/json after sortJSON): keys sorted by code
// point, one TAB per level, HTML escaping off, number literals kept as the server wrote them.

const JSON_NUMBER = Symbol.for('aliyun-kms-cli.JsonNumber');

/** A number kept as its original literal text, so `1.0` or `1e5` print back unchanged. */
export class JsonNumber {
  // Branded like the error classes (see core/errors.ts): lazily loaded bundles have their own copy.
  static [Symbol.hasInstance](v: unknown): boolean {
    return typeof v === 'object' && v !== null && (v as any)[JSON_NUMBER] === true;
  }
  readonly [JSON_NUMBER] = true;
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonNumber
  | JsonValue[]
  | { [key: string]: JsonValue | undefined };

export class JsonSyntaxError extends Error {}

/**
 * Parses the first JSON value of `text` (leading white space allowed, anything after the value
 * ignored, as Go's Decoder does; `strict`: refused, as json.Unmarshal does). Numbers become
 * JsonNumber; duplicate keys: the last one wins.
 */
export function parseLossless(text: string, strict = false): JsonValue {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(i >= n ? 'unexpected end of JSON input' : `invalid character ${quoteChar(text, i)} ${what}`);
  };
  /** `true`, `false`, `null`, with Go's error at the first wrong character. */
  const word = (w: string): void => {
    for (let k = 1; k < w.length; k++) {
      i++;
      if (text[i] !== w[k]) fail(`in literal ${w} (expecting ${quoteChar(w, k)})`);
    }
    i++;
  };
  const value = (): JsonValue => {
    ws();
    if (i >= n) fail('');
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, JsonValue> = Object.create(null);
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        const k = str();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        obj[k] = value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('after array element');
      }
    }
    if (c === '"') return str();
    if (c === 't') return word('true'), true;
    if (c === 'f') return word('false'), false;
    if (c === 'n') return word('null'), null;
    if (c !== '-' && !(c >= '0' && c <= '9')) fail('looking for beginning of value');
    // A number, failing where Go's scanner fails.
    const start = i;
    const digits = () => {
      while (i < n && text[i] >= '0' && text[i] <= '9') i++;
    };
    if (text[i] === '-') {
      i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail('in numeric literal');
    }
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail('after decimal point in numeric literal');
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!(text[i] >= '0' && text[i] <= '9')) fail('in exponent of numeric literal');
      digits();
    }
    return new JsonNumber(text.slice(start, i));
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('in string literal');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('in string literal');
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const h = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('in \\u hexadecimal character escape');
            out += String.fromCharCode(parseInt(h, 16));
            i += 4;
            break;
          }
          default:
            i--;
            fail('in string escape code');
        }
        start = i;
        continue;
      }
      i++;
    }
  };
  const v = value();
  if (strict) {
    ws();
    if (i < n) fail('after top-level value');
  }
  return v;
}

/** Go's quoteChar: the byte at `i` of the UTF-8 text, quoted for an error message. */
function quoteChar(text: string, i: number): string {
  const c = text.charCodeAt(i);
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  if (c >= 0x80) {
    // Go quotes the failing byte b as strconv.Quote(string(rune(b))): a Latin-1 character when
    // printable (a BOM's 0xEF is 'ï'), else \u00XX (C1 controls, NBSP, soft hyphen).
    const b = Buffer.from(String.fromCodePoint(text.codePointAt(i)!))[0];
    return b < 0xa1 || b === 0xad ? `'\\u00${b.toString(16)}'` : `'${String.fromCharCode(b)}'`;
  }
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x5c: '\\\\' };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  return `'${text[i]}'`;
}

/** Byte-wise UTF-8 order (= code point order), which differs from JS's UTF-16 order for astral characters. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above every BMP character.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x2028: '\\u2028', 0x2029: '\\u2029' };
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

/** A string literal as Go's encoder writes it with SetEscapeHTML(false). */
export function goQuote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const e = ESCAPES[c];
    if (e) out += e;
    else if (c < 0x20) out += '\\u00' + c.toString(16).padStart(2, '0');
    else out += s[i];
  }
  return out + '"';
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return 'null';
  return String(v);
}

/** Serialises like Go's json.Encoder with SetIndent("", "\t"), keys sorted; no trailing newline. */
export function formatGoJson(v: JsonValue | undefined, indent = ''): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof JsonNumber) return v.text;
  const inner = indent + '\t';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[\n' + v.map((x) => inner + formatGoJson(x, inner)).join(',\n') + '\n' + indent + ']';
  }
  const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(compareCodePoints);
  if (keys.length === 0) return '{}';
  return '{\n' + keys.map((k) => inner + goQuote(k) + ': ' + formatGoJson(v[k], inner)).join(',\n') + '\n' + indent + '}';
}

/** Compact form (used between a --cli-query result and the final printer). */
export function toPlain(v: JsonValue | undefined): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(v)) if (v[k] !== undefined) o[k] = toPlain(v[k]);
    return o;
  }
  return v;
}
