// Success output (aliyun-cli-behavior.md §3): sorted JSON by default, `--cli-query` JMESPath, and the
// `--output cols=… rows=… num=true` table. The JMESPath engine is loaded only when asked for.
import { CliError } from '../core/errors.js';
import { formatGoJson, toPlain, type JsonValue } from '../core/json.js';

type Search = (data: unknown, expr: string) => unknown;
async function jmes(): Promise<Search> {
  const m = await import('@jmespath-community/jmespath');
  return m.search as unknown as Search;
}

/** Renders the body as the real CLI prints it; the result ends with exactly one newline. */
export async function renderSuccess(body: JsonValue, query: string | undefined, output: string[] | undefined): Promise<string> {
  let value: JsonValue = body;
  if (query !== undefined) {
    const search = await jmes();
    try {
      value = search(toPlain(body), query) as JsonValue;
    } catch (e: any) {
      throw new CliError(`JMESPath query failed: ${e.message}`);
    }
  }
  if (output !== undefined) return (await renderTable(toPlain(value), output)) + '\n';
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

/** Go's %v of a decoded JSON value. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[' + v.map(goValue).join(' ') + ']';
  if (typeof v === 'object')
    return 'map[' + Object.keys(v).sort().map((k) => `${k}:${goValue((v as any)[k])}`).join(' ') + ']';
  return String(v);
}

async function renderTable(data: unknown, tokens: string[]): Promise<string> {
  const { cols, rows: rowsExpr, num } = parseOutputFlag(tokens);
  const search = await jmes();
  const path = rowsExpr !== undefined ? `RootFilter[0].${rowsExpr}` : 'RootFilter';
  let rows: unknown;
  try {
    rows = search({ RootFilter: [data] }, path);
  } catch (e: any) {
    throw new CliError(`jmespath: '${path}' failed ${e.message}`);
  }
  if (!Array.isArray(rows)) throw new CliError(`jmespath: '${path}' failed Need Array Expr`);
  const cells: string[][] = [];
  for (const row of rows) {
    const line: string[] = [];
    for (const c of cols) {
      if (Array.isArray(row)) {
        const m = /^(.*):(\d+)$/.exec(c);
        if (!m) throw new CliError(`colNames: ${c} must be string:number format, like 'name:0', 0 is the array index`);
        line.push(goValue(row[Number(m[2])]));
      } else {
        let v: unknown;
        try {
          v = search(row, c);
        } catch {
          v = undefined;
        }
        line.push(goValue(v));
      }
    }
    cells.push(line);
  }
  const header = cols.map((c) => (Array.isArray(rows[0]) ? c.replace(/:\d+$/, '') : c));
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
