// `aliyun kms get | run | export | inject`: thin command programs over src/delivery. Root flags
// (--profile, --region, --backend, --endpoint, credentials …) are picked out of the command line and
// parsed by the root grammar, so they mean here what they mean for the API commands.
import { appendFileSync, closeSync, fsyncSync, lstatSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from '../core/errors.js';
import { parseArgv, type ParsedArgs } from './argv.js';
import { flagByName, flagByShort } from './flags.js';
import type { PluginHost } from './plugins.js';
import type { Io } from './render.js';
import { parseReference, MalformedReference, type SecretRef } from '../delivery/reference.js';
import { NotFoundError, resolveAll, ValueError } from '../delivery/resolve.js';
import { collectSources, resolveSources, type Variable } from '../delivery/sources.js';
import { FORMATS, formatVariables, githubEnvEntries, githubMasks, type Format } from '../delivery/formats.js';
import { Masker, MaskPatterns, MIN_MASKED_LENGTH } from '../delivery/mask.js';
import { parseTemplate, renderTemplate } from '../delivery/template.js';

/** One of a command's own options. */
interface Option {
  long: string;
  short?: string;
  /** Name of the value in help (`<file>`); absent: a switch. */
  value?: string;
  repeatable?: boolean;
  help: string;
}

interface Spec {
  name: string;
  usage: string;
  description: string;
  options: Option[];
  /** Positional arguments allowed (get's REF). */
  positionals: number;
  /** `run`: everything after `--` is the command. */
  dashDash?: boolean;
}

interface Parsed {
  values: Map<string, string[]>;
  switches: Set<string>;
  positionals: string[];
  /** Root-flag tokens, parsed by the root grammar. */
  root: string[];
  /** Tokens after `--`, undefined when there was none. */
  rest?: string[];
  help: boolean;
}

const usageError = (spec: Spec, msg: string) => new CliError(`${msg} (see \`aliyun kms ${spec.name} --help\`)`, 2);

/**
 * Reads a command line: the command's own options win a name clash with root flags (`inject -o` is
 * --out, not --output); root flags (with their values, as the root grammar reads them) are set aside
 * for parseArgv; anything else that looks like an option is an error. No option library is loaded:
 * `aliyun kms get` is on the path of every script that reads a secret.
 */
function parseCommand(spec: Spec, argv: string[]): Parsed {
  const p: Parsed = { values: new Map(), switches: new Set(), positionals: [], root: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') {
      if (!spec.dashDash) throw usageError(spec, "'--' is only used by `aliyun kms run`, before the command to run");
      p.rest = argv.slice(i + 1);
      break;
    }
    if (!t.startsWith('-') || t === '-') {
      p.positionals.push(t);
      continue;
    }
    if (t === '-h' || t === '--help') {
      p.help = true;
      continue;
    }
    const long = t.startsWith('--');
    const eq = long ? t.indexOf('=') : -1;
    const name = long ? t.slice(2, eq < 0 ? undefined : eq) : t.slice(1, 2);
    const opt = spec.options.find((o) => (long ? o.long === name : o.short === name));
    if (opt) {
      if (!opt.value) {
        if (eq >= 0 || (!long && t.length > 2)) throw usageError(spec, `option '--${opt.long}' takes no value`);
        p.switches.add(opt.long);
        continue;
      }
      let v: string | undefined = long ? (eq >= 0 ? t.slice(eq + 1) : undefined) : t.length > 2 ? t.slice(2) : undefined;
      if (v === undefined) {
        if (i + 1 >= argv.length) throw usageError(spec, `option '--${opt.long} ${opt.value}' argument missing`);
        v = argv[++i];
      }
      if (!opt.repeatable && p.values.has(opt.long)) throw usageError(spec, `option '--${opt.long}' given twice`);
      p.values.set(opt.long, [...(p.values.get(opt.long) ?? []), v]);
      continue;
    }
    const cut = t.search(/[=:]/);
    const rootName = (cut < 0 ? t : t.slice(0, cut)).replace(/^--?/, '');
    const def = long ? flagByName(rootName) : rootName.length === 1 ? flagByShort(rootName) : undefined;
    if (!def) throw usageError(spec, `unknown option '${t}'`);
    p.root.push(t);
    if (def.mode !== 'switch' && (cut < 0 || cut === t.length - 1))
      while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) {
        p.root.push(argv[++i]);
        if (def.mode !== 'repeatable') break;
      }
  }
  if (!p.help && p.positionals.length > spec.positionals) {
    const extra = p.positionals[spec.positionals];
    throw spec.dashDash
      ? new CliError(`unexpected argument '${extra}': put the command after -- (${spec.usage})`, 2)
      : usageError(spec, `unexpected argument '${extra}'`);
  }
  return p;
}

function helpText(spec: Spec): string {
  const rows = spec.options.map((o) => [`${o.short ? `-${o.short}, ` : ''}--${o.long}${o.value ? ` ${o.value}` : ''}`, o.help]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return (
    `Usage: ${spec.usage}\n\n${spec.description}\n\nOptions:\n` +
    rows.map(([l, h]) => `  ${l.padEnd(width)}${h}\n`).join('') +
    '\nRoot flags (--profile, --region, --backend, --endpoint, credentials …) work as for the API commands.\n' +
    'Exit codes: 0 ok, 1 error, 2 bad usage, 3 configuration, 4 a secret, version or field that does not exist.\n'
  );
}

function rootArgs(host: PluginHost, tokens: string[]): ParsedArgs {
  return parseArgv([...host.rootArgs, ...tokens]);
}

/** Maps delivery failures to the documented exit codes: 2 usage, 4 not found, 1 the rest. */
async function guarded(fn: () => Promise<number>): Promise<number> {
  // Write errors on stdout (a full disk, a reader that stopped early) are handled in main.ts.
  try {
    return await fn();
  } catch (e) {
    if (e instanceof MalformedReference) throw new CliError(e.message, 2);
    if (e instanceof NotFoundError) throw new CliError(e.message, 4);
    if (e instanceof ValueError) throw new CliError(e.message, 1);
    throw e;
  }
}

const ENV_OPTIONS: Option[] = [
  { long: 'env', value: '<VAR=REF>', repeatable: true, help: 'a variable from a reference; VAR may be PREFIX_* for every key of a JSON secret (repeatable)' },
  { long: 'env-file', value: '<file>', repeatable: true, help: 'a dotenv file whose values are references or literals (repeatable)' },
];

export const SPECS = {
  get: {
    name: 'get',
    usage: 'aliyun kms get [options] REF',
    description: 'Write a secret value (or one field of a JSON secret) to stdout, byte for byte.\nREF: kms://NAME[#FIELD], NAME[#FIELD] or acs:kms:REGION:ACCOUNT:secret/NAME[#FIELD], with ?version-stage=S or ?version-id=V before the #.',
    options: [
      { long: 'version-stage', value: '<stage>', help: 'the version with this stage label (default ACSCurrent)' },
      { long: 'version-id', value: '<id>', help: 'this version' },
    ],
    positionals: 1,
  },
  run: {
    name: 'run',
    usage: 'aliyun kms run [options] -- CMD [ARGS...]',
    description: 'Run a command with secrets as environment variables, masking them in its output.\nInherited variables whose whole value is a kms:// reference are resolved too.',
    options: [...ENV_OPTIONS, { long: 'no-masking', help: 'give the command our stdin, stdout and stderr directly (its output is not masked)' }],
    positionals: 0,
    dashDash: true,
  },
  export: {
    name: 'export',
    usage: 'aliyun kms export --format FORMAT [options]',
    description: 'Write secrets as variables: dotenv, json, shell (for eval), or github (appended to GITHUB_ENV, with ::add-mask::).',
    options: [{ long: 'format', value: '<format>', help: 'dotenv, json, shell or github' }, ...ENV_OPTIONS],
    positionals: 0,
  },
  inject: {
    name: 'inject',
    usage: 'aliyun kms inject -i TEMPLATE [-o OUT]',
    description: 'Fill {{ kms://NAME#FIELD }} placeholders (and ARN references) of a template with raw secret values.',
    options: [
      { long: 'in', short: 'i', value: '<template>', help: 'the template file' },
      { long: 'out', short: 'o', value: '<file>', help: 'write here (created 0600, atomically) instead of stdout' },
    ],
    positionals: 0,
  },
} satisfies Record<string, Spec>;

const one = (p: Parsed, name: string) => p.values.get(name)?.[0];
const list = (p: Parsed, name: string) => p.values.get(name) ?? [];

async function get(argv: string[], io: Io, host: PluginHost): Promise<number> {
  return guarded(async () => {
    const spec = SPECS.get;
    const p = parseCommand(spec, argv);
    if (p.help) return io.out(helpText(spec)), 0;
    if (p.positionals.length === 0) throw usageError(spec, 'missing the reference to read, e.g. aliyun kms get kms://db#password');
    const ref: SecretRef = parseReference(p.positionals[0], true);
    const stage = one(p, 'version-stage');
    const id = one(p, 'version-id');
    if ((stage !== undefined || id !== undefined) && (ref.versionStage !== undefined || ref.versionId !== undefined))
      throw new CliError('give the version in the reference or with --version-stage/--version-id, not both', 2);
    if (stage !== undefined && id !== undefined) throw new CliError('give --version-stage or --version-id, not both', 2);
    // `--version-stage "$STAGE"` with STAGE unset must not quietly read the current version.
    if (stage === '' || id === '') throw new CliError(`--${stage === '' ? 'version-stage' : 'version-id'} needs a value (it was given empty)`, 2);
    if (stage !== undefined) ref.versionStage = stage;
    if (id !== undefined) ref.versionId = id;
    const { backend, region } = await host.chooseBackend(rootArgs(host, p.root));
    const [value] = await resolveAll([ref], backend, region);
    let bytes = value.bytes;
    // A terminal gets a line break after the value so the prompt does not stick to it; a pipe gets the bytes.
    if (process.stdout.isTTY && bytes[bytes.length - 1] !== 0x0a) bytes = Buffer.concat([bytes, Buffer.from('\n')]);
    process.stdout.write(bytes);
    return 0;
  });
}

async function run(argv: string[], io: Io, host: PluginHost): Promise<number> {
  return guarded(async () => {
    const spec = SPECS.run;
    const p = parseCommand(spec, argv);
    if (p.help) return io.out(helpText(spec)), 0;
    if (!p.rest || p.rest.length === 0) throw new CliError(`no command after -- (${spec.usage})`, 2);
    // One copy of our environment (each read of process.env asks the C library): scanned for
    // references here, and CMD's environment below.
    const environment: NodeJS.ProcessEnv = { ...process.env };
    const sources = collectSources(list(p, 'env'), list(p, 'env-file'), environment);
    const { backend, region } = await host.chooseBackend(rootArgs(host, p.root));
    const fetching = resolveSources(sources, backend, region);
    // What starting CMD needs (node:child_process alone takes about 3 ms to load) is loaded while the
    // values are on their way: after this turn, in which the requests are written, not before it.
    const starter = new Promise<typeof import('../delivery/child.js')>((resolve, reject) => setImmediate(() => import('../delivery/child.js').then(resolve, reject)));
    // Awaited below only when the values came; a failed fetch must not leave it unhandled.
    starter.catch(() => {});
    const vars = await fetching;
    for (const v of vars) environment[v.name] = v.value;
    let masking: { stdout: Masker; stderr: Masker } | undefined;
    if (!p.switches.has('no-masking')) {
      const values: string[] = [];
      for (const v of vars) {
        if (!v.secret) continue;
        if ([...v.value].length < MIN_MASKED_LENGTH) {
          if (v.value.length) io.err(`warning: the value of ${v.name} is shorter than ${MIN_MASKED_LENGTH} characters and is not masked\n`);
          continue;
        }
        values.push(v.value);
      }
      // Built when CMD first writes, once for both streams.
      const patterns = new MaskPatterns(values);
      masking = { stdout: new Masker(patterns), stderr: new Masker(patterns) };
    }
    const [command, ...args] = p.rest;
    const { runChild } = await starter;
    const result = await runChild(command, args, environment, masking);
    if (result.startError) io.err(`ERROR: ${result.startError}\n`);
    return result.code;
  });
}

async function exportCommand(argv: string[], io: Io, host: PluginHost): Promise<number> {
  return guarded(async () => {
    const spec = SPECS.export;
    const p = parseCommand(spec, argv);
    if (p.help) return io.out(helpText(spec)), 0;
    const format = one(p, 'format');
    if (!format) throw new CliError(`--format is required: one of ${FORMATS.join(', ')}`, 2);
    if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`--format ${format} is not one of ${FORMATS.join(', ')}`, 2);
    const githubEnv = process.env.GITHUB_ENV;
    if (format === 'github' && !githubEnv) throw new CliError('--format github appends to the file named by GITHUB_ENV, which is not set (it is set inside GitHub Actions)', 2);
    const sources = collectSources(list(p, 'env'), list(p, 'env-file'), process.env);
    const { backend, region } = await host.chooseBackend(rootArgs(host, p.root));
    const vars: Variable[] = await resolveSources(sources, backend, region);
    if (format !== 'github') {
      io.out(formatVariables(format as Exclude<Format, 'github'>, vars));
      return 0;
    }
    // Masks first: the runner hides the values before anything could print them.
    io.out(githubMasks(vars, (name) => io.err(`warning: the value of ${name} is shorter than ${MIN_MASKED_LENGTH} characters and is not masked\n`)));
    try {
      appendFileSync(githubEnv!, githubEnvEntries(vars));
    } catch (e: any) {
      throw new CliError(`cannot append to GITHUB_ENV file ${githubEnv}: ${e.code ?? e.message}`);
    }
    return 0;
  });
}

/** Writes OUT atomically, mode 0600: a temporary file beside it, flushed, then renamed over it. */
function writeAtomic(path: string, bytes: Buffer): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o600);
  } catch (e: any) {
    throw new CliError(`cannot write ${path}: ${e.code === 'ENOENT' ? 'no such directory' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e: any) {
    try {
      closeSync(fd);
    } catch {
      /* closed already */
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* not there */
    }
    throw new CliError(`cannot write ${path}: ${e.code === 'EISDIR' ? 'is a directory' : (e.code ?? e.message)}`);
  }
  try {
    // The rename is durable once the directory is flushed.
    const dfd = openSync(dirname(path), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    /* some file systems cannot fsync a directory */
  }
}

async function inject(argv: string[], io: Io, host: PluginHost): Promise<number> {
  return guarded(async () => {
    const spec = SPECS.inject;
    const p = parseCommand(spec, argv);
    if (p.help) return io.out(helpText(spec)), 0;
    const input = one(p, 'in');
    const output = one(p, 'out');
    if (input === undefined) throw usageError(spec, "required option '-i, --in <template>' not specified");
    let bytes: Buffer;
    try {
      bytes = readFileSync(input);
    } catch (e: any) {
      throw new CliError(`-i ${input}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message}`, 2);
    }
    let template: ReturnType<typeof parseTemplate>;
    try {
      template = parseTemplate(bytes);
    } catch (e) {
      if (e instanceof MalformedReference) throw new CliError(`-i ${input}: ${e.message}`, 2);
      throw e;
    }
    // OUT is replaced by a rename: a device (-o /dev/null), a pipe or a symbolic link would be
    // replaced too, with a file holding the values. Only a regular file, or a new one, is written.
    if (output !== undefined) {
      let kind: string | undefined;
      try {
        const st = lstatSync(output);
        kind = st.isFile() ? undefined : st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'a directory' : 'a device, pipe or socket';
      } catch {
        /* a new file */
      }
      if (kind) throw new CliError(`-o ${output}: is ${kind}, which inject does not replace; give a regular file's path, or write to stdout and redirect it`, 2);
    }
    const { backend, region } = await host.chooseBackend(rootArgs(host, p.root));
    const values = template.refs.length ? await resolveAll(template.refs, backend, region) : [];
    const out = renderTemplate(
      template,
      values.map((v) => v.bytes),
    );
    if (output) writeAtomic(output, out);
    else process.stdout.write(out);
    return 0;
  });
}

type Runner = (argv: string[], io: Io, host: PluginHost) => Promise<number>;
const asModule = (runCommand: Runner) => ({ runCommand });

export const commands = { get: asModule(get), run: asModule(run), export: asModule(exportCommand), inject: asModule(inject) };
