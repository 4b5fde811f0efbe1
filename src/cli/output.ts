// Success output (aliyun-cli-behavior.md §3): sorted JSON by default, `--cli-query` JMESPath, and the
// `--output cols=… rows=… num=true` table. The JMESPath engine (core/jmespath.ts, go-jmespath's
// dialect) is a lazy bundle, loaded only when a query or a table asks for it.
import { CliError } from '../core/errors.js';
import { formatGoJson, type JsonValue } from '../core/json.js';

type Engine = typeof import('../core/jmespath.js');
const engine = (): Promise<Engine> => import('../core/jmespath.js');

/**
 * `--cli-query` as openapi/commando.go ApplyQueryFilter runs it: the body decoded with UseNumber
 * (numbers keep their literal), searched, json.Marshal'ed and decoded again; so a number the
 * query computed prints in encoding/json's float form, and NaN or ±Inf cannot be printed.
 */
export async function applyQuery(body: JsonValue, query: string): Promise<JsonValue> {
  const { search, remarshal } = await engine();
  let result: unknown;
  try {
    result = search(query, body);
  } catch (e: any) {
    throw new CliError(`JMESPath query failed: ${e.message}`);
  }
  try {
    return remarshal(result);
  } catch (e: any) {
    throw new CliError(`failed to marshal query result: ${e.message}`);
  }
}

/** Renders the body as the real CLI prints it; the result ends with exactly one newline. */
export async function renderSuccess(body: JsonValue, query: string | undefined, output: string[] | undefined): Promise<string> {
  let value: JsonValue = body;
  // An empty --cli-query filters nothing (ApplyQueryFilter returns the output unchanged).
  if (query) value = await applyQuery(body, query);
  if (output !== undefined) return (await renderTable(value, output)) + '\n';
  return formatGoJson(value) + '\n';
}

function parseOutputFlag(tokens: string[]): { cols: string[]; rows?: string; num: boolean } {
  const fields = new Map<string, string>();
  for (const t of tokens) {
    const i = t.indexOf('=');
    if (i < 0) continue;
    const k = t.slice(0, i);
    if (!['cols', 'rows', 'num'].includes(k)) continue;
    if (fields.has(k)) throw new CliError(`bad flag format --output with field ${k}= duplicated`);
    fields.set(k, t.slice(i + 1));
  }
  const cols = fields.get('cols');
  if (cols === undefined) throw new CliError('bad flag format --output with field cols= required');
  const unquoted = cols.length >= 2 && cols.startsWith('"') && cols.endsWith('"') ? cols.slice(1, -1) : cols;
  return { cols: unquoted.split(','), rows: fields.get('rows'), num: fields.get('num') === 'true' };
}

const COL_FORMAT = (c: string) => `colNames: ${c} must be string:number format, like 'name:0', 0 is the array index`;

/**
 * openapi/output_filter.go FormatTable: the value decoded with UseNumber (a number prints as the
 * server wrote it), rows found with go-jmespath, each cell printed with Go's %v.
 */
async function renderTable(data: JsonValue, tokens: string[]): Promise<string> {
  const { cols, rows: rowsExpr, num } = parseOutputFlag(tokens);
  const { search, goValue } = await engine();
  const path = rowsExpr !== undefined ? `RootFilter[0].${rowsExpr}` : 'RootFilter';
  let rows: unknown;
  try {
    rows = search(path, { RootFilter: [data] });
  } catch (e: any) {
    throw new CliError(`jmespath: '${path}' failed ${e.message}`);
  }
  if (!Array.isArray(rows)) throw new CliError(`jmespath: '${path}' failed Need Array Expr`);
  // The first row decides: arrays are read by index (`name:0`), anything else by expression.
  const byIndex = rows.length > 0 && Array.isArray(rows[0]);
  let header = cols;
  const indexes: number[] = [];
  if (byIndex) {
    header = cols.map((c) => {
      const parts = c.split(':');
      if (parts.length !== 2 || !/^\d+$/.test(parts[1])) throw new CliError(COL_FORMAT(c));
      indexes.push(Number(parts[1]));
      return parts[0];
    });
  }
  const cell = (expr: string, row: unknown) => {
    try {
      return goValue(search(expr, row));
    } catch {
      return goValue(null); // the real CLI ignores a column's error
    }
  };
  const cells = rows.map((row) => (byIndex ? indexes.map((i) => cell(`[${i}]`, row)) : cols.map((c) => cell(c, row))));
  const lines = [header, header.map((h) => '-'.repeat(Buffer.byteLength(h))), ...cells];
  if (num) {
    lines[0] = ['Num', ...lines[0]];
    lines[1] = ['---', ...lines[1]];
    for (let i = 2; i < lines.length; i++) lines[i] = [String(i - 2), ...lines[i]];
  }
  return tabwrite(lines);
}

/** Go text/tabwriter with padding 1 and the Debug flag, over cells joined by "\t ". */
function tabwrite(lines: string[][]): string {
  const ncol = lines[0].length;
  const cell = (line: string[], i: number) => (i === 0 ? line[0] : ' ' + (line[i] ?? ''));
  const widths: number[] = [];
  for (let i = 0; i < ncol - 1; i++) widths[i] = Math.max(...lines.map((l) => [...cell(l, i)].length)) + 1;
  return lines
    .map((l) => {
      let s = '';
      for (let i = 0; i < ncol - 1; i++) {
        const c = cell(l, i);
        s += c + ' '.repeat(widths[i] - [...c].length) + '|';
      }
      return s + cell(l, ncol - 1) + '\n';
    })
    .join('');
}
