// JMESPath in the real CLI's dialect: go-jmespath 0.4 as Alibaba's fork (alibabacloud-go/go-jmespath
// v0.4.0-aliyun) runs it. Why our own evaluator rather than a library: a query must work with ours
// exactly when it works with theirs, and fail with their words. The npm engines implement the
// JMESPath Community dialect (arithmetic, `let`, `items()`, …) and have their own grammar and
// error texts; holding one to go-jmespath would mean re-parsing every expression anyway to reject
// what Go's parser rejects and to name the token it stopped at. So this file follows the Go
// lexer/parser/interpreter's behaviour (its Pratt binding powers, its error messages, its quirks),
// written anew; none of their code is copied.
//
// Which fork: the CLI's go.sum pins v0.4.0-aliyun, whose exact commit is not readable here; its
// go.mod is upstream's and its stored history shows to_entries, then json.Number treated as a number
// (toNum), then exact equality. We follow that: values from the response stay JsonNumber (Go's
// json.Number from the CLI's UseNumber decoder) so a number passed through keeps its literal; `==`
// compares two of them exactly; functions that compute (abs, sum, length, max, sort, …) give
// float64s, as toNum does; numbers inside `…` literals are float64s (json.Unmarshal).
import { compareCodePoints, JsonNumber, parseLossless, type JsonValue } from './json.js';


/** go-jmespath's SyntaxError: printed as `SyntaxError: <msg>`. */
export class JmesSyntaxError extends Error {
  constructor(msg: string) {
    super('SyntaxError: ' + msg);
  }
}
/** Any other error go-jmespath returns (unknown function, invalid type, …): printed bare. */
export class JmesError extends Error {}

// ---------------------------------------------------------------- lexer (go-jmespath lexer.go)

const T = {
  tUnknown: 'tUnknown', tStar: 'tStar', tDot: 'tDot', tFilter: 'tFilter', tFlatten: 'tFlatten', tLparen: 'tLparen',
  tRparen: 'tRparen', tLbracket: 'tLbracket', tRbracket: 'tRbracket', tLbrace: 'tLbrace', tRbrace: 'tRbrace', tOr: 'tOr',
  tPipe: 'tPipe', tNumber: 'tNumber', tUnquotedIdentifier: 'tUnquotedIdentifier', tQuotedIdentifier: 'tQuotedIdentifier',
  tComma: 'tComma', tColon: 'tColon', tLT: 'tLT', tLTE: 'tLTE', tGT: 'tGT', tGTE: 'tGTE', tEQ: 'tEQ', tNE: 'tNE',
  tJSONLiteral: 'tJSONLiteral', tStringLiteral: 'tStringLiteral', tCurrent: 'tCurrent', tExpref: 'tExpref', tAnd: 'tAnd',
  tNot: 'tNot', tEOF: 'tEOF',
} as const;
type TokType = (typeof T)[keyof typeof T];
interface Token {
  type: TokType;
  value: string;
}

const BASIC: Record<string, TokType> = { '.': 'tDot', '*': 'tStar', ',': 'tComma', ':': 'tColon', '{': 'tLbrace', '}': 'tRbrace', ']': 'tRbracket', '(': 'tLparen', ')': 'tRparen', '@': 'tCurrent' };
const isIdentStart = (c: string) => /^[A-Za-z_]$/.test(c);
const isIdentTrail = (c: string) => /^[A-Za-z0-9_]$/.test(c);

/** Go's strconv.QuoteRuneToASCII. */
function quoteRune(c: string): string {
  const cp = c.codePointAt(0)!;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x27: "\\'", 0x5c: '\\\\' };
  if (named[cp]) return `'${named[cp]}'`;
  if (cp >= 0x20 && cp < 0x7f) return `'${c}'`;
  if (cp < 0x20 || cp === 0x7f) return `'\\x${cp.toString(16).padStart(2, '0')}'`;
  if (cp < 0x10000) return `'\\u${cp.toString(16).padStart(4, '0')}'`;
  return `'\\U${cp.toString(16).padStart(8, '0')}'`;
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const chars = [...expr]; // by code point, as Go decodes runes
  let pos = 0;
  // Go's lexer remembers the width of the last rune read: 0 after reading past the end.
  let lastWidth = 0;
  const next = (): string | undefined => {
    if (pos >= chars.length) {
      lastWidth = 0;
      return undefined;
    }
    lastWidth = 1;
    return chars[pos++];
  };
  const back = () => {
    pos -= lastWidth;
  };
  const peek = () => chars[pos];
  const consumeUntil = (end: string): string => {
    const start = pos;
    let cur = next();
    while (cur !== end && cur !== undefined) {
      if (cur === '\\' && peek() !== undefined) next();
      cur = next();
    }
    if (lastWidth === 0) throw new JmesSyntaxError('Unclosed delimiter: ' + end);
    return chars.slice(start, pos - 1).join('');
  };
  const orElse = (first: string, second: string, matched: TokType, single: TokType): Token => {
    if (next() === second) return { type: matched, value: first + second };
    back();
    return { type: single, value: first };
  };
  for (;;) {
    const r = next();
    if (r === undefined) break;
    if (isIdentStart(r)) {
      const start = pos - 1;
      for (;;) {
        const c = next();
        if (c === undefined || !isIdentTrail(c)) {
          back();
          break;
        }
      }
      tokens.push({ type: 'tUnquotedIdentifier', value: chars.slice(start, pos).join('') });
    } else if (BASIC[r]) {
      tokens.push({ type: BASIC[r], value: r });
    } else if (r === '-' || (r >= '0' && r <= '9')) {
      const start = pos - 1;
      for (;;) {
        const c = next();
        if (c === undefined || c < '0' || c > '9') {
          back();
          break;
        }
      }
      tokens.push({ type: 'tNumber', value: chars.slice(start, pos).join('') });
    } else if (r === '[') {
      const c = next();
      if (c === '?') tokens.push({ type: 'tFilter', value: '[?' });
      else if (c === ']') tokens.push({ type: 'tFlatten', value: '[]' });
      else {
        back();
        tokens.push({ type: 'tLbracket', value: '[' });
      }
    } else if (r === '"') {
      const raw = consumeUntil('"');
      let decoded: unknown;
      try {
        decoded = parseLossless('"' + raw + '"', true);
      } catch (e: any) {
        throw new JmesError(e.message);
      }
      tokens.push({ type: 'tQuotedIdentifier', value: decoded as string });
    } else if (r === "'") {
      // Go's raw-string loop stops one rune early at the end of the expression, so an unclosed
      // 'abc is the literal "ab"; only a lone ' at the very end is "Unclosed delimiter".
      let buf = '';
      let from = pos;
      let cur = next();
      while (cur !== "'" && peek() !== undefined) {
        if (cur === '\\' && peek() === "'") {
          buf += chars.slice(from, pos - 1).join('') + "'";
          next();
          from = pos;
        }
        cur = next();
      }
      if (lastWidth === 0) throw new JmesSyntaxError("Unclosed delimiter: '");
      if (from < pos) buf += chars.slice(from, pos - 1).join('');
      tokens.push({ type: 'tStringLiteral', value: buf });
    } else if (r === '`') {
      tokens.push({ type: 'tJSONLiteral', value: consumeUntil('`').replaceAll('\\`', '`') });
    } else if (r === '|') tokens.push(orElse(r, '|', 'tOr', 'tPipe'));
    else if (r === '<') tokens.push(orElse(r, '=', 'tLTE', 'tLT'));
    else if (r === '>') tokens.push(orElse(r, '=', 'tGTE', 'tGT'));
    else if (r === '!') tokens.push(orElse(r, '=', 'tNE', 'tNot'));
    else if (r === '=') tokens.push(orElse(r, '=', 'tEQ', 'tUnknown'));
    else if (r === '&') tokens.push(orElse(r, '&', 'tAnd', 'tExpref'));
    else if (r === ' ' || r === '\t' || r === '\n' || r === '\r') continue;
    else throw new JmesSyntaxError('Unknown char: ' + quoteRune(r));
  }
  tokens.push({ type: 'tEOF', value: '' });
  return tokens;
}

// ---------------------------------------------------------------- parser (go-jmespath parser.go)

type NodeType =
  | 'ASTEmpty' | 'ASTComparator' | 'ASTCurrentNode' | 'ASTExpRef' | 'ASTFunctionExpression' | 'ASTField' | 'ASTFilterProjection'
  | 'ASTFlatten' | 'ASTIdentity' | 'ASTIndex' | 'ASTIndexExpression' | 'ASTKeyValPair' | 'ASTLiteral' | 'ASTMultiSelectHash'
  | 'ASTMultiSelectList' | 'ASTOrExpression' | 'ASTAndExpression' | 'ASTNotExpression' | 'ASTPipe' | 'ASTProjection'
  | 'ASTSubexpression' | 'ASTSlice' | 'ASTValueProjection';
export interface Node {
  type: NodeType;
  value?: unknown;
  children: Node[];
}
const node = (type: NodeType, children: Node[] = [], value?: unknown): Node => ({ type, value, children });

const BP: Partial<Record<TokType, number>> = {
  tEOF: 0, tUnquotedIdentifier: 0, tQuotedIdentifier: 0, tRbracket: 0, tRparen: 0, tComma: 0, tRbrace: 0, tNumber: 0,
  tCurrent: 0, tExpref: 0, tColon: 0, tPipe: 1, tOr: 2, tAnd: 3, tEQ: 5, tLT: 5, tLTE: 5, tGT: 5, tGTE: 5, tNE: 5,
  tFlatten: 9, tStar: 20, tFilter: 21, tDot: 40, tNot: 45, tLbrace: 50, tLbracket: 55, tLparen: 60,
};
const bp = (t: TokType) => BP[t] ?? 0;

/** strconv.Atoi's errors, which go-jmespath returns as they are for an index or slice bound. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new JmesError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw new JmesError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return Number(n);
}

/** Parses an expression into go-jmespath's AST; throws its SyntaxError texts. */
export function compile(expression: string): Node {
  const tokens = tokenize(expression);
  let index = 0;
  const cur = () => tokens[index].type;
  const look = (n: number) => tokens[Math.min(index + n, tokens.length - 1)];
  const advance = () => index++;
  const match = (t: TokType) => {
    if (cur() === t) return advance();
    throw new JmesSyntaxError(`Expected ${t}, received: ${cur()}`);
  };

  const parseExpression = (power: number): Node => {
    const left = look(0);
    advance();
    let n = nud(left);
    let t = cur();
    while (power < bp(t)) {
      advance();
      n = led(t, n);
      t = cur();
    }
    return n;
  };
  const parseSlice = (): Node => {
    const parts: (number | null)[] = [null, null, null];
    let i = 0;
    let c = cur();
    while (c !== 'tRbracket' && i < 3) {
      if (c === 'tColon') {
        i++;
        advance();
      } else if (c === 'tNumber') {
        parts[i] = atoi(look(0).value);
        advance();
      } else throw new JmesSyntaxError(`Expected tColon or tNumber, received: ${cur()}`);
      c = cur();
    }
    match('tRbracket');
    return node('ASTSlice', [], parts);
  };
  const parseIndex = (): Node => {
    if (look(0).type === 'tColon' || look(1).type === 'tColon') return parseSlice();
    const n = node('ASTIndex', [], atoi(look(0).value));
    advance();
    match('tRbracket');
    return n;
  };
  const projectIfSlice = (left: Node, right: Node): Node => {
    const indexExpr = node('ASTIndexExpression', [left, right]);
    if (right.type === 'ASTSlice') return node('ASTProjection', [indexExpr, parseProjectionRHS(bp('tStar'))]);
    return indexExpr;
  };
  const parseMultiSelectList = (): Node => {
    const list: Node[] = [];
    for (;;) {
      list.push(parseExpression(0));
      if (cur() === 'tRbracket') break;
      match('tComma');
    }
    match('tRbracket');
    return node('ASTMultiSelectList', list);
  };
  const parseMultiSelectHash = (): Node => {
    const pairs: Node[] = [];
    for (;;) {
      const key = look(0);
      if (cur() === 'tUnquotedIdentifier' || cur() === 'tQuotedIdentifier') advance();
      else throw new JmesSyntaxError('Expected tQuotedIdentifier or tUnquotedIdentifier');
      match('tColon');
      pairs.push(node('ASTKeyValPair', [parseExpression(0)], key.value));
      if (cur() === 'tComma') advance();
      else if (cur() === 'tRbrace') {
        advance();
        break;
      }
    }
    return node('ASTMultiSelectHash', pairs);
  };
  const parseFilter = (left: Node): Node => {
    const condition = parseExpression(0);
    match('tRbracket');
    const right = cur() === 'tFlatten' ? node('ASTIdentity') : parseProjectionRHS(bp('tFilter'));
    return node('ASTFilterProjection', [left, right, condition]);
  };
  const parseDotRHS = (power: number): Node => {
    const t = cur();
    if (t === 'tQuotedIdentifier' || t === 'tUnquotedIdentifier' || t === 'tStar') return parseExpression(power);
    if (t === 'tLbracket') {
      advance();
      return parseMultiSelectList();
    }
    if (t === 'tLbrace') {
      advance();
      return parseMultiSelectHash();
    }
    throw new JmesSyntaxError('Expected identifier, lbracket, or lbrace');
  };
  const parseProjectionRHS = (power: number): Node => {
    const t = cur();
    if (bp(t) < 10) return node('ASTIdentity');
    if (t === 'tLbracket' || t === 'tFilter') return parseExpression(power);
    if (t === 'tDot') {
      advance();
      return parseDotRHS(power);
    }
    throw new JmesSyntaxError('Error');
  };

  const led = (t: TokType, left: Node): Node => {
    switch (t) {
      case 'tDot':
        if (cur() !== 'tStar') return node('ASTSubexpression', [left, parseDotRHS(bp('tDot'))]);
        advance();
        return node('ASTValueProjection', [left, parseProjectionRHS(bp('tDot'))]);
      case 'tPipe':
        return node('ASTPipe', [left, parseExpression(bp('tPipe'))]);
      case 'tOr':
        return node('ASTOrExpression', [left, parseExpression(bp('tOr'))]);
      case 'tAnd':
        return node('ASTAndExpression', [left, parseExpression(bp('tAnd'))]);
      case 'tLparen': {
        const args: Node[] = [];
        while (cur() !== 'tRparen') {
          const e = parseExpression(0);
          if (cur() === 'tComma') advance();
          args.push(e);
        }
        match('tRparen');
        return node('ASTFunctionExpression', args, left.value);
      }
      case 'tFilter':
        return parseFilter(left);
      case 'tFlatten':
        return node('ASTProjection', [node('ASTFlatten', [left]), parseProjectionRHS(bp('tFlatten'))]);
      case 'tEQ': case 'tNE': case 'tGT': case 'tGTE': case 'tLT': case 'tLTE':
        return node('ASTComparator', [left, parseExpression(bp(t))], t);
      case 'tLbracket': {
        const c = cur();
        if (c === 'tNumber' || c === 'tColon') return projectIfSlice(left, parseIndex());
        match('tStar');
        match('tRbracket');
        return node('ASTProjection', [left, parseProjectionRHS(bp('tStar'))]);
      }
    }
    throw new JmesSyntaxError('Unexpected token: ' + t);
  };

  const nud = (tok: Token): Node => {
    switch (tok.type) {
      case 'tJSONLiteral': {
        let v: unknown;
        try {
          v = parseLossless(tok.value, true);
        } catch (e: any) {
          throw new JmesError(e.message);
        }
        return node('ASTLiteral', [], asFloats(v));
      }
      case 'tStringLiteral':
        return node('ASTLiteral', [], tok.value);
      case 'tUnquotedIdentifier':
        return node('ASTField', [], tok.value);
      case 'tQuotedIdentifier':
        if (cur() === 'tLparen') throw new JmesSyntaxError("Can't have quoted identifier as function name.");
        return node('ASTField', [], tok.value);
      case 'tStar': {
        const right = cur() === 'tRbracket' ? node('ASTIdentity') : parseProjectionRHS(bp('tStar'));
        return node('ASTValueProjection', [node('ASTIdentity'), right]);
      }
      case 'tFilter':
        return parseFilter(node('ASTIdentity'));
      case 'tLbrace':
        return parseMultiSelectHash();
      case 'tFlatten':
        return node('ASTProjection', [node('ASTFlatten', [node('ASTIdentity')]), parseProjectionRHS(bp('tFlatten'))]);
      case 'tLbracket': {
        const c = cur();
        if (c === 'tNumber' || c === 'tColon') {
          let right: Node;
          try {
            right = parseIndex();
          } catch {
            // go-jmespath drops this error and goes on with an empty node (evaluating it fails).
            return node('ASTEmpty');
          }
          return projectIfSlice(node('ASTIdentity'), right);
        }
        if (c === 'tStar' && look(1).type === 'tRbracket') {
          advance();
          advance();
          return node('ASTProjection', [node('ASTIdentity'), parseProjectionRHS(bp('tStar'))]);
        }
        return parseMultiSelectList();
      }
      case 'tCurrent':
        return node('ASTCurrentNode');
      case 'tExpref':
        return node('ASTExpRef', [parseExpression(bp('tExpref'))]);
      case 'tNot':
        return node('ASTNotExpression', [parseExpression(bp('tNot'))]);
      case 'tLparen': {
        const e = parseExpression(0);
        match('tRparen');
        return e;
      }
      case 'tEOF':
        throw new JmesSyntaxError('Incomplete expression');
    }
    throw new JmesSyntaxError('Invalid token: ' + tok.type);
  };

  const parsed = parseExpression(0);
  if (cur() !== 'tEOF') throw new JmesSyntaxError('Unexpected token at the end of the expression: ' + cur());
  return parsed;
}

/** json.Unmarshal into interface{}: numbers become float64. */
function asFloats(v: unknown): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return v.map(asFloats);
  if (isObject(v)) {
    const o: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(v)) o[k] = asFloats(v[k]);
    return o;
  }
  return v;
}

// ---------------------------------------------------------------- values (go-jmespath util.go)

class ExpRef {
  constructor(readonly ref: Node) {}
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber) && !(v instanceof ExpRef);

/** float64 view of a number (float64, or json.Number from the response). */
function toNum(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof JsonNumber) return Number(v.text);
  return undefined;
}

function isFalse(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'string') return v.length === 0;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

/** Exact order of two JSON number literals (the fork compares json.Numbers as rationals). */
function compareDecimal(a: string, b: string): number | undefined {
  const parse = (t: string) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(t);
    if (!m) return undefined;
    const exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
    return { neg: m[1] === '-', digits: BigInt(m[2] + (m[3] ?? '')), exp };
  };
  const x = parse(a);
  const y = parse(b);
  // Beyond a few hundred digits of scale, float64 order is what Go would give for these in practice.
  if (!x || !y || Math.abs(x.exp) > 400 || Math.abs(y.exp) > 400) return undefined;
  const min = Math.min(x.exp, y.exp);
  const sx = (x.neg ? -1n : 1n) * x.digits * 10n ** BigInt(x.exp - min);
  const sy = (y.neg ? -1n : 1n) * y.digits * 10n ** BigInt(y.exp - min);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

/**
 * Equality as the fork's objsEqual: numbers by value (two literals from the response exactly, so
 * integers beyond 2^53 stay distinct), arrays and objects member by member, anything else as is.
 */
function objsEqual(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  const x = toNum(a);
  const y = toNum(b);
  if (x !== undefined && y !== undefined) {
    if (a instanceof JsonNumber && b instanceof JsonNumber) {
      const c = compareDecimal(a.text, b.text);
      if (c !== undefined) return c === 0;
    }
    return x === y;
  }
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => objsEqual(v, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && objsEqual(a[k], b[k]));
  }
  if (a instanceof JsonNumber || b instanceof JsonNumber || a instanceof ExpRef || b instanceof ExpRef) return false;
  return a === b;
}

/** Go's %v of a float64 (strconv 'g', shortest): exponent form below 1e-4 and from 1e6 (1e+06). */
export function goFloatV(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  // Plain decimal with the shortest digits (toExponential gave them).
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let s: string;
  if (exp >= digits.length - 1) s = digits + '0'.repeat(exp - digits.length + 1);
  else if (exp >= 0) s = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  else s = '0.' + '0'.repeat(-exp - 1) + digits;
  return (neg ? '-' : '') + s;
}

/** Go's %v of a value the interpreter holds. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return goFloatV(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return '[' + v.map(goValue).join(' ') + ']';
  if (v instanceof ExpRef) return '{expref}';
  if (isObject(v)) return 'map[' + Object.keys(v).sort(compareCodePoints).map((k) => `${k}:${goValue(v[k])}`).join(' ') + ']';
  return String(v);
}

/** encoding/json's float64 form (exponent below 1e-6 and from 1e21, as JavaScript's); NaN and ±Inf refused. */
export function goJsonFloat(v: number): string {
  if (!Number.isFinite(v)) throw new JmesError(`json: unsupported value: ${goFloatV(v)}`);
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** json.Marshal (compact, keys sorted, <>& escaped) — what to_string() returns. */
export function goMarshal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return marshalString(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return goJsonFloat(v);
  if (v instanceof JsonNumber) return v.text;
  if (v instanceof ExpRef) return '{}';
  if (Array.isArray(v)) return '[' + v.map(goMarshal).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).sort(compareCodePoints).map((k) => marshalString(k) + ':' + goMarshal(o[k])).join(',') + '}';
}

function marshalString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

// ---------------------------------------------------------------- functions (go-jmespath functions.go)

type JpType = 'number' | 'string' | 'array' | 'object' | 'array[number]' | 'array[string]' | 'expref' | 'any';
interface FnSpec {
  args: JpType[][];
  variadic?: boolean;
  fn: (args: unknown[], intr: Interpreter) => unknown;
}

const toArrayNum = (v: unknown): number[] | undefined => {
  if (!Array.isArray(v)) return undefined;
  const out: number[] = [];
  for (const x of v) {
    const n = toNum(x);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
};
const toArrayStr = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

function typeOk(t: JpType, v: unknown): boolean {
  switch (t) {
    case 'number': return toNum(v) !== undefined;
    case 'string': return typeof v === 'string';
    case 'array': return Array.isArray(v);
    case 'object': return isObject(v);
    case 'array[number]': return toArrayNum(v) !== undefined;
    case 'array[string]': return toArrayStr(v) !== undefined;
    case 'expref': return v instanceof ExpRef;
    case 'any': return true;
  }
}

/** min_by/max_by (go-jmespath's jpfMinBy/jpfMaxBy). */
function byExtreme(args: unknown[], intr: Interpreter, better: (a: number | string, b: number | string) => boolean): unknown {
  const arr = args[0] as unknown[];
  const ref = (args[1] as ExpRef).ref;
  if (arr.length === 0) return null;
  if (arr.length === 1) return arr[0];
  const start = intr.execute(ref, arr[0]);
  const startNum = toNum(start);
  if (startNum === undefined && typeof start !== 'string') throw new JmesError('invalid type, must be number of string');
  let bestVal: number | string = startNum ?? (start as string);
  let best = arr[0];
  for (const item of arr.slice(1)) {
    const r = intr.execute(ref, item);
    const v = startNum !== undefined ? toNum(r) : typeof r === 'string' ? r : undefined;
    if (v === undefined) throw new JmesError(startNum !== undefined ? 'invalid type, must be number' : 'invalid type, must be string');
    if (better(v, bestVal)) {
      bestVal = v;
      best = item;
    }
  }
  return best;
}

function extreme(v: unknown, better: (a: number | string, b: number | string) => boolean): unknown {
  const items: (number | string)[] = toArrayNum(v) ?? toArrayStr(v)!;
  if (items.length === 0) return null;
  let best = items[0];
  for (const x of items.slice(1)) if (better(x, best)) best = x;
  return best;
}
const gt = (a: number | string, b: number | string) => (typeof a === 'string' ? compareCodePoints(a, b as string) > 0 : a > (b as number));
const lt = (a: number | string, b: number | string) => (typeof a === 'string' ? compareCodePoints(a, b as string) < 0 : a < (b as number));

/** strconv.ParseFloat as to_number() uses it: failures (and out of range) give null. */
function parseGoFloat(s: string): number | null {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

const FUNCTIONS: Record<string, FnSpec> = {
  length: {
    args: [['string', 'array', 'object']],
    fn: ([a]) => (typeof a === 'string' ? [...a].length : Array.isArray(a) ? a.length : Object.keys(a as object).length),
  },
  starts_with: { args: [['string'], ['string']], fn: ([s, p]) => (s as string).startsWith(p as string) },
  abs: { args: [['number']], fn: ([n]) => Math.abs(toNum(n)!) },
  avg: {
    args: [['array[number]']],
    fn: ([a]) => {
      const xs = toArrayNum(a)!;
      return xs.reduce((s, x) => s + x, 0) / xs.length;
    },
  },
  ceil: { args: [['number']], fn: ([n]) => Math.ceil(toNum(n)!) },
  contains: {
    args: [['array', 'string'], ['any']],
    fn: ([s, el]) => (typeof s === 'string' ? typeof el === 'string' && s.includes(el) : (s as unknown[]).some((x) => objsEqual(x, el))),
  },
  ends_with: { args: [['string'], ['string']], fn: ([s, p]) => (s as string).endsWith(p as string) },
  floor: { args: [['number']], fn: ([n]) => Math.floor(toNum(n)!) },
  map: {
    args: [['expref'], ['array']],
    fn: ([e, arr], intr) => (arr as unknown[]).map((x) => intr.execute((e as ExpRef).ref, x) ?? null),
  },
  max: { args: [['array[number]', 'array[string]']], fn: ([a]) => extreme(a, gt) },
  merge: {
    args: [['object']],
    variadic: true,
    fn: (objs) => {
      const out: Record<string, unknown> = Object.create(null);
      for (const o of objs) {
        if (!isObject(o)) throw new JmesError(`Invalid type for: ${goValue(o)}, expected: []jmespath.jpType{"object"}`);
        Object.assign(out, o);
      }
      return out;
    },
  },
  max_by: { args: [['array'], ['expref']], fn: (a, intr) => byExtreme(a, intr, gt) },
  sum: { args: [['array[number]']], fn: ([a]) => toArrayNum(a)!.reduce((s, x) => s + x, 0) },
  min: { args: [['array[number]', 'array[string]']], fn: ([a]) => extreme(a, lt) },
  min_by: { args: [['array'], ['expref']], fn: (a, intr) => byExtreme(a, intr, lt) },
  type: {
    args: [['any']],
    fn: ([a]) => {
      if (toNum(a) !== undefined) return 'number';
      if (typeof a === 'string') return 'string';
      if (Array.isArray(a)) return 'array';
      if (isObject(a)) return 'object';
      if (a === null || a === undefined) return 'null';
      if (typeof a === 'boolean') return 'boolean';
      throw new JmesError('unknown type');
    },
  },
  keys: { args: [['object']], fn: ([o]) => Object.keys(o as object) },
  values: { args: [['object']], fn: ([o]) => Object.values(o as object) },
  // The fork's addition: [{key, value}] in key order (sort.Strings: byte order).
  to_entries: {
    args: [['object']],
    fn: ([o]) => Object.keys(o as object).sort(compareCodePoints).map((k) => ({ key: k, value: (o as Record<string, unknown>)[k] })),
  },
  sort: {
    args: [['array[string]', 'array[number]']],
    fn: ([a]) => {
      const nums = toArrayNum(a);
      if (nums) return [...nums].sort((x, y) => x - y);
      return [...toArrayStr(a)!].sort(compareCodePoints);
    },
  },
  sort_by: {
    args: [['array'], ['expref']],
    fn: ([a, e], intr) => {
      const arr = a as unknown[];
      if (arr.length <= 1) return arr;
      const ref = (e as ExpRef).ref;
      const keys = arr.map((x) => intr.execute(ref, x));
      const numeric = toNum(keys[0]) !== undefined;
      if (!numeric && typeof keys[0] !== 'string') throw new JmesError('invalid type, must be number of string');
      if (keys.some((k) => (numeric ? toNum(k) === undefined : typeof k !== 'string'))) throw new JmesError('error in sort_by comparison');
      const idx = arr.map((_, i) => i);
      idx.sort((i, j) => (numeric ? toNum(keys[i])! - toNum(keys[j])! : compareCodePoints(keys[i] as string, keys[j] as string)));
      return idx.map((i) => arr[i]);
    },
  },
  join: { args: [['string'], ['array[string]']], fn: ([g, a]) => (a as string[]).join(g as string) },
  reverse: { args: [['array', 'string']], fn: ([a]) => (typeof a === 'string' ? [...a].reverse().join('') : [...(a as unknown[])].reverse()) },
  to_array: { args: [['any']], fn: ([a]) => (Array.isArray(a) ? a : [a ?? null]) },
  to_string: { args: [['any']], fn: ([a]) => (typeof a === 'string' ? a : goMarshal(a)) },
  to_number: {
    args: [['any']],
    fn: ([a]) => {
      const n = toNum(a);
      if (n !== undefined) return n;
      if (typeof a === 'string') return parseGoFloat(a);
      if (a instanceof ExpRef) throw new JmesError('unknown type');
      return null;
    },
  },
  not_null: { args: [['any']], variadic: true, fn: (args) => args.find((x) => x !== null && x !== undefined) ?? null },
};

// ---------------------------------------------------------------- interpreter (go-jmespath interpreter.go)

class Interpreter {
  execute(n: Node, value: unknown): unknown {
    switch (n.type) {
      case 'ASTComparator': {
        const left = this.execute(n.children[0], value);
        const right = this.execute(n.children[1], value);
        if (n.value === 'tEQ') return objsEqual(left, right);
        if (n.value === 'tNE') return !objsEqual(left, right);
        const l = toNum(left);
        const r = toNum(right);
        if (l === undefined || r === undefined) return null;
        if (n.value === 'tGT') return l > r;
        if (n.value === 'tGTE') return l >= r;
        if (n.value === 'tLT') return l < r;
        return l <= r;
      }
      case 'ASTExpRef':
        return new ExpRef(n.children[0]);
      case 'ASTFunctionExpression': {
        const args = n.children.map((c) => this.execute(c, value));
        // go-jmespath panics when the callee is not a name (`@(x)`); ours says there is no such function.
        return this.call(typeof n.value === 'string' ? n.value : '', args);
      }
      case 'ASTField':
        return isObject(value) && Object.hasOwn(value, n.value as string) ? value[n.value as string] : null;
      case 'ASTFilterProjection': {
        let left: unknown;
        try {
          left = this.execute(n.children[0], value);
        } catch {
          return null; // go-jmespath swallows this error
        }
        if (!Array.isArray(left)) return null;
        const out: unknown[] = [];
        for (const el of left) {
          if (isFalse(this.execute(n.children[2], el))) continue;
          const cur = this.execute(n.children[1], el);
          if (cur !== null && cur !== undefined) out.push(cur);
        }
        return out;
      }
      case 'ASTFlatten': {
        let left: unknown;
        try {
          left = this.execute(n.children[0], value);
        } catch {
          return null;
        }
        if (!Array.isArray(left)) return null;
        const out: unknown[] = [];
        for (const el of left) {
          if (Array.isArray(el)) out.push(...el);
          else out.push(el);
        }
        return out;
      }
      case 'ASTIdentity':
      case 'ASTCurrentNode':
        return value;
      case 'ASTIndex': {
        if (!Array.isArray(value)) return null;
        let i = n.value as number;
        if (i < 0) i += value.length;
        return i >= 0 && i < value.length ? value[i] : null;
      }
      case 'ASTKeyValPair':
        return this.execute(n.children[0], value);
      case 'ASTLiteral':
        return n.value;
      case 'ASTMultiSelectHash': {
        if (value === null || value === undefined) return null;
        const out: Record<string, unknown> = Object.create(null);
        for (const c of n.children) out[c.value as string] = this.execute(c, value);
        return out;
      }
      case 'ASTMultiSelectList':
        if (value === null || value === undefined) return null;
        return n.children.map((c) => this.execute(c, value));
      case 'ASTOrExpression': {
        const m = this.execute(n.children[0], value);
        return isFalse(m) ? this.execute(n.children[1], value) : m;
      }
      case 'ASTAndExpression': {
        const m = this.execute(n.children[0], value);
        return isFalse(m) ? m : this.execute(n.children[1], value);
      }
      case 'ASTNotExpression':
        return isFalse(this.execute(n.children[0], value));
      case 'ASTPipe': {
        let r = value;
        for (const c of n.children) r = this.execute(c, r);
        return r;
      }
      case 'ASTProjection': {
        const left = this.execute(n.children[0], value);
        if (!Array.isArray(left)) return null;
        const out: unknown[] = [];
        for (const el of left) {
          const cur = this.execute(n.children[1], el);
          if (cur !== null && cur !== undefined) out.push(cur);
        }
        return out;
      }
      case 'ASTSubexpression':
      case 'ASTIndexExpression':
        return this.execute(n.children[1], this.execute(n.children[0], value));
      case 'ASTSlice': {
        if (!Array.isArray(value)) return null;
        return slice(value, n.value as (number | null)[]);
      }
      case 'ASTValueProjection': {
        let left: unknown;
        try {
          left = this.execute(n.children[0], value);
        } catch {
          return null;
        }
        if (!isObject(left)) return null;
        // go-jmespath sizes this slice with len(map) and then appends, so as many nils as the
        // object has members come first; an expression that gives something for null shows them.
        const vals = [...Object.keys(left).map(() => null), ...Object.values(left)];
        const out: unknown[] = [];
        for (const el of vals) {
          const cur = this.execute(n.children[1], el);
          if (cur !== null && cur !== undefined) out.push(cur);
        }
        return out;
      }
    }
    throw new JmesError('Unknown AST node: ' + n.type);
  }

  call(name: string, args: unknown[]): unknown {
    if (!Object.hasOwn(FUNCTIONS, name)) throw new JmesError('unknown function: ' + name);
    const spec = FUNCTIONS[name];
    if (!spec.variadic) {
      if (spec.args.length !== args.length) throw new JmesError('incorrect number of args');
      spec.args.forEach((types, i) => {
        if (!types.some((t) => typeOk(t, args[i])))
          throw new JmesError(`Invalid type for: ${goValue(args[i])}, expected: []jmespath.jpType{${types.map((t) => `"${t}"`).join(', ')}}`);
      });
    } else if (args.length < spec.args.length) throw new JmesError('invalid arity');
    return spec.fn(args, this);
  }
}

function slice(arr: unknown[], parts: (number | null)[]): unknown[] {
  const len = arr.length;
  if (parts[2] === 0) throw new JmesError('Invalid slice, step cannot be 0');
  const step = parts[2] ?? 1;
  const cap = (actual: number) => {
    if (actual < 0) {
      actual += len;
      if (actual < 0) actual = step < 0 ? -1 : 0;
    } else if (actual >= len) actual = step < 0 ? len - 1 : len;
    return actual;
  };
  const start = parts[0] === null ? (step < 0 ? len - 1 : 0) : cap(parts[0]);
  const stop = parts[1] === null ? (step < 0 ? -1 : len) : cap(parts[1]);
  const out: unknown[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(arr[i]);
  else for (let i = start; i > stop; i += step) out.push(arr[i]);
  return out;
}

/**
 * A result as json.Marshal and a UseNumber decoder give it back: float64s become their
 * encoding/json text (NaN and ±Inf are refused), an expression reference an empty object.
 */
export function remarshal(v: unknown): JsonValue {
  if (typeof v === 'number') return new JsonNumber(goJsonFloat(v));
  if (v instanceof ExpRef) return Object.create(null);
  if (Array.isArray(v)) return v.map(remarshal);
  if (isObject(v)) {
    const o: Record<string, JsonValue> = Object.create(null);
    for (const k of Object.keys(v)) o[k] = remarshal(v[k]);
    return o;
  }
  return v === undefined ? null : (v as JsonValue);
}

/** jmespath.Search(expression, data). */
export function search(expression: string, data: unknown): unknown {
  return new Interpreter().execute(compile(expression), data);
}
