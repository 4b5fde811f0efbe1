// How the CLI writes errors (aliyun-cli-behavior.md §4.1, §4.3). Deliberate deviation: colour only
// when the stream is a terminal, NO_COLOR (any value) turns it off and FORCE_COLOR on.
import { CliError, ServiceError } from '../core/errors.js';
import { useColor } from '../core/color.js';
import type { Io } from '../core/io.js';

export { useColor };

const RED = '\x1b[1;31m';
const YELLOW = '\x1b[1;33m';
const RESET = '\x1b[0m';

const paint = (on: boolean, code: string, s: string) => (on ? code + s + RESET : s);

/** Go's http.CanonicalHeaderKey. */
export function canonicalHeader(k: string): string {
  return k.toLowerCase().replace(/(^|-)([a-z])/g, (_, d, c) => d + c.toUpperCase());
}

/** Go's fmt rendering of a map[string][]string: `map[K:[v1 v2] …]`, keys sorted. */
export function goHeaderMap(headers: [string, string][]): string {
  const m = new Map<string, string[]>();
  for (const [k, v] of headers) {
    const key = canonicalHeader(k);
    if (key === 'Transfer-Encoding') continue;
    m.set(key, [...(m.get(key) ?? []), v]);
  }
  const keys = [...m.keys()].sort();
  return 'map[' + keys.map((k) => `${k}:[${m.get(k)!.join(' ')}]`).join(' ') + ']';
}

/** Go's `%s` of a decoded JSON value inside a map: strings raw, other kinds flagged as Go does. */
function goPercentS(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return `%!s(float64=${v})`;
  if (typeof v === 'boolean') return `%!s(bool=${v})`;
  if (v === null || v === undefined) return '%!s(<nil>)';
  return JSON.stringify(v);
}

/** The SDK.ServerError text of the Go SDK the real CLI uses. */
export function serverErrorText(e: ServiceError): string {
  const lines = [
    'SDK.ServerError',
    `ErrorCode: ${e.code}`,
    `Recommend: ${e.recommend ?? ''}`,
    `RequestId: ${e.requestId}`,
    `Message: ${e.message}`,
    `RespHeaders: ${goHeaderMap(e.headers)}`,
  ];
  const d = e.accessDeniedDetail;
  if (d)
    lines.push(
      'AccessDeniedDetail: map[' +
        Object.keys(d)
          .sort()
          .map((k) => `${k}:${goPercentS(d[k])}`)
          .join(' ') +
        ']',
    );
  return lines.join('\n');
}

export type { Io } from '../core/io.js';

/** Prints an error as the real CLI does and returns its exit code. */
export function reportError(e: unknown, io: Io): number {
  const errColor = useColor(process.stderr);
  if (e instanceof ServiceError) {
    io.err(paint(errColor, RED, `ERROR: ${serverErrorText(e)}\n`));
    return 1;
  }
  if (e instanceof CliError) {
    io.err(paint(errColor, RED, `ERROR: ${e.message}\n`));
    if (e.exitCode === 2 && e.suggestions?.length) {
      const outColor = useColor(process.stdout);
      io.out(paint(outColor, YELLOW, '\nDid you mean:\n') + e.suggestions.map((s) => paint(outColor, YELLOW, `  ${s}\n`)).join(''));
    }
    if (e.exitCode === 3 && e.tip) io.err(paint(errColor, YELLOW, `\n${e.tip}\n`));
    return e.exitCode;
  }
  // Anything else is a bug or an environment failure: one line, no stack trace, no values.
  const msg = e instanceof Error ? e.message : String(e);
  io.err(paint(errColor, RED, `ERROR: ${msg}\n`));
  return 1;
}
