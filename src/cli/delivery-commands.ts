// `aliyun kms get | run | export | inject`: thin commander programs over src/delivery. Root flags
// (--profile, --region, --backend, --endpoint, credentials …) are picked out of the command line and
// parsed by the root grammar, so they mean here what they mean for the API commands.
import { appendFileSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from '../core/errors.js';
import { parseArgv, type ParsedArgs } from './argv.js';
import { flagByName, flagByShort } from './flags.js';
import type { PluginHost } from './plugins.js';
import type { Io } from './render.js';
import { parseReference, ReferenceError_, type SecretRef } from '../delivery/reference.js';
import { NotFoundError, resolveAll, ValueError } from '../delivery/resolve.js';
import { collectSources, resolveSources, type Variable } from '../delivery/sources.js';
import { FORMATS, formatVariables, githubEnvEntries, githubMasks, type Format } from '../delivery/formats.js';
import { Masker, maskStrings, MIN_MASKED_LENGTH } from '../delivery/mask.js';
import { runChild } from '../delivery/child.js';
import { parseTemplate, renderTemplate } from '../delivery/template.js';

/** A command's own flags: long name → takes a value?; short letter → long name. */
interface OwnFlags {
  long: Record<string, boolean>;
  short?: Record<string, string>;
}

interface Split {
  own: string[];
  root: string[];
  /** Tokens after `--` (run's command), or undefined when there was no `--`. */
  rest?: string[];
}

/**
 * Separates the command's own flags and arguments from root flags (with their values, as the root
 * grammar reads them). Own flags win a name clash (`inject -o` is --out, not --output).
 */
function splitArgs(argv: string[], own: OwnFlags, allowDashDash: boolean): Split {
  const split: Split = { own: [], root: [] };
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') {
      if (!allowDashDash) throw new CliError("'--' is only used by `aliyun kms run` (before the command to run)", 2);
      split.rest = argv.slice(i + 1);
      break;
    }
    if (!t.startsWith('-') || t === '-') {
      split.own.push(t);
      continue;
    }
    const long = t.startsWith('--');
    const eq = t.indexOf('=');
    const name = long ? t.slice(2, eq < 0 ? undefined : eq) : t.slice(1, 2);
    const ownName = long ? (Object.hasOwn(own.long, name) ? name : undefined) : own.short?.[name];
    if (ownName !== undefined || name === 'help' || name === 'h') {
      split.own.push(t);
      const inline = long ? eq >= 0 : t.length > 2;
      if (ownName !== undefined && own.long[ownName] && !inline && i + 1 < argv.length) split.own.push(argv[++i]);
      continue;
    }
    const cut = t.search(/[=:]/);
    const rootName = (cut < 0 ? t : t.slice(0, cut)).replace(/^--?/, '');
    const def = long ? flagByName(rootName) : rootName.length === 1 ? flagByShort(rootName) : undefined;
    if (!def) {
      // Unknown: commander reports it (exit 2) with the command's usage.
      split.own.push(t);
      continue;
    }
    split.root.push(t);
    if (def.mode !== 'switch' && (cut < 0 || cut === t.length - 1))
      while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) {
        split.root.push(argv[++i]);
        if (def.mode !== 'repeatable') break;
      }
  }
  return split;
}

type CommandLike = import('commander').Command;

async function program(name: string, description: string): Promise<{ cmd: CommandLike; parse: (tokens: string[]) => boolean }> {
  const { Command, CommanderError } = await import('commander');
  const cmd = new Command(`aliyun kms ${name}`)
    .description(description)
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {} });
  cmd.addHelpText('after', '\nRoot flags (--profile, --region, --backend, --endpoint, credentials …) work as for the API commands.\nExit codes: 0 ok, 1 error, 2 bad usage, 3 configuration, 4 a secret, version or field that does not exist.\n');
  const parse = (tokens: string[]) => {
    try {
      cmd.parse(tokens, { from: 'user' });
      return true;
    } catch (e) {
      if (e instanceof CommanderError) {
        if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return false;
        throw new CliError(`${e.message.replace(/^error: /, '')} (see \`aliyun kms ${name} --help\`)`, 2);
      }
      throw e;
    }
  };
  return { cmd, parse };
}

const collect = (v: string, prev: string[]) => [...prev, v];

function rootArgs(host: PluginHost, tokens: string[]): ParsedArgs {
  return parseArgv([...host.rootArgs, ...tokens]);
}

/** Maps delivery failures to the documented exit codes: 2 usage, 4 not found, 1 the rest. */
async function guarded(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ReferenceError_) throw new CliError(e.message, 2);
    if (e instanceof NotFoundError) throw new CliError(e.message, 4);
    if (e instanceof ValueError) throw new CliError(e.message, 1);
    throw e;
  }
}

async function get(argv: string[], io: Io, host: PluginHost): Promise<number> {
  return guarded(async () => {
    const split = splitArgs(argv, { long: { 'version-stage': true, 'version-id': true } }, false);
    const { cmd, parse } = await program('get', 'Write a secret value (or one field of a JSON secret) to stdout, byte for byte.');
    cmd
      .argument('<ref>', 'kms://NAME[#FIELD], NAME[#FIELD], or acs:kms:REGION:ACCOUNT:secret/NAME[#FIELD]; ?version-stage=S or ?version-id=V before the #')
      .option('--version-stage <stage>', 'the version with this stage label (default ACSCurrent)')
      .option('--version-id <id>', 'this version');
    if (!parse(split.own)) return 0;
    const opts = cmd.opts<{ versionStage?: string; versionId?: string }>();
    const ref: SecretRef = parseReference(cmd.args[0], true);
    if ((opts.versionStage !== undefined || opts.versionId !== undefined) && (ref.versionStage !== undefined || ref.versionId !== undefined))
      throw new CliError(`give the version in the reference or with --version-stage/--version-id, not both`, 2);
    if (opts.versionStage !== undefined && opts.versionId !== undefined) throw new CliError('give --version-stage or --version-id, not both', 2);
    if (opts.versionStage !== undefined) ref.versionStage = opts.versionStage;
    if (opts.versionId !== undefined) ref.versionId = opts.versionId;
    const { backend, region } = await host.chooseBackend(rootArgs(host, split.root));
    const [value] = await resolveAll([ref], backend, region);
    let bytes = value.bytes;
    // A terminal gets a line break after the value so the prompt does not stick to it; a pipe gets the bytes.
    if (process.stdout.isTTY && bytes[bytes.length - 1] !== 0x0a) bytes = Buffer.concat([bytes, Buffer.from('\n')]);
    process.stdout.write(bytes);
    return 0;
  });
}

const ENV_FLAGS = { env: true, 'env-file': true };

function addEnvOptions(cmd: CommandLike): void {
  cmd
    .option('--env <VAR=REF>', 'a variable from a reference; VAR may be PREFIX_* for every key of a JSON secret (repeatable)', collect, [])
    .option('--env-file <file>', 'dotenv file whose values are references or literals (repeatable)', collect, []);
}

async function run(argv: string[], io: Io, host: PluginHost): Promise<number> {
  return guarded(async () => {
    const split = splitArgs(argv, { long: { ...ENV_FLAGS, 'no-masking': false, masking: false } }, true);
    const { cmd, parse } = await program('run', 'Run a command with secrets as environment variables, masking them in its output.');
    cmd.usage('[options] -- CMD [ARGS...]').allowExcessArguments(true);
    addEnvOptions(cmd);
    cmd.option('--no-masking', "give the command our stdin, stdout and stderr directly (its output is not masked)");
    if (!parse(split.own)) return 0;
    if (cmd.args.length) throw new CliError(`unexpected argument '${cmd.args[0]}': put the command after -- (aliyun kms run [options] -- CMD [ARGS...])`, 2);
    if (!split.rest || split.rest.length === 0) throw new CliError('no command after -- (aliyun kms run [options] -- CMD [ARGS...])', 2);
    const opts = cmd.opts<{ env: string[]; envFile: string[]; masking: boolean }>();
    const sources = collectSources(opts.env, opts.envFile, process.env);
    const { backend, region } = await host.chooseBackend(rootArgs(host, split.root));
    const vars = await resolveSources(sources, backend, region);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const v of vars) env[v.name] = v.value;
    let masking: { stdout: Masker; stderr: Masker } | undefined;
    if (opts.masking) {
      const strings: string[] = [];
      for (const v of vars) {
        if (!v.secret) continue;
        if ([...v.value].length < MIN_MASKED_LENGTH) {
          if (v.value.length) io.err(`warning: the value of ${v.name} is shorter than ${MIN_MASKED_LENGTH} characters and is not masked\n`);
          continue;
        }
        strings.push(...maskStrings(v.value));
      }
      masking = { stdout: new Masker(strings), stderr: new Masker(strings) };
    }
    const [command, ...args] = split.rest;
    const result = await runChild(command, args, env, masking);
    if (result.startError) io.err(`ERROR: ${result.startError}\n`);
    return result.code;
  });
}

async function exportCommand(argv: string[], io: Io, host: PluginHost): Promise<number> {
  return guarded(async () => {
    const split = splitArgs(argv, { long: { ...ENV_FLAGS, format: true } }, false);
    const { cmd, parse } = await program('export', 'Write secrets as variables: dotenv, json, shell, or to GitHub Actions (GITHUB_ENV).');
    cmd.option('--format <format>', `one of ${FORMATS.join(', ')}`).allowExcessArguments(true);
    addEnvOptions(cmd);
    if (!parse(split.own)) return 0;
    if (cmd.args.length) throw new CliError(`unexpected argument '${cmd.args[0]}' (see \`aliyun kms export --help\`)`, 2);
    const opts = cmd.opts<{ env: string[]; envFile: string[]; format?: string }>();
    if (!opts.format) throw new CliError(`--format is required: one of ${FORMATS.join(', ')}`, 2);
    if (!(FORMATS as readonly string[]).includes(opts.format)) throw new CliError(`--format ${opts.format} is not one of ${FORMATS.join(', ')}`, 2);
    const format = opts.format as Format;
    const githubEnv = process.env.GITHUB_ENV;
    if (format === 'github' && !githubEnv) throw new CliError('--format github appends to the file named by GITHUB_ENV, which is not set (it is set inside GitHub Actions)', 2);
    const sources = collectSources(opts.env, opts.envFile, process.env);
    const { backend, region } = await host.chooseBackend(rootArgs(host, split.root));
    const vars: Variable[] = await resolveSources(sources, backend, region);
    if (format !== 'github') {
      io.out(formatVariables(format, vars));
      return 0;
    }
    // Masks first: the runner hides the values before anything could print them.
    io.out(githubMasks(vars));
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
    throw new CliError(`cannot write ${path}: ${e.code ?? e.message}`);
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
    const split = splitArgs(argv, { long: { in: true, out: true }, short: { i: 'in', o: 'out' } }, false);
    const { cmd, parse } = await program('inject', 'Fill {{ kms://NAME#FIELD }} placeholders of a template with raw secret values.');
    cmd.allowExcessArguments(true).requiredOption('-i, --in <template>', 'the template file').option('-o, --out <file>', 'write here (created 0600, atomically) instead of stdout');
    if (!parse(split.own)) return 0;
    if (cmd.args.length) throw new CliError(`unexpected argument '${cmd.args[0]}' (see \`aliyun kms inject --help\`)`, 2);
    const opts = cmd.opts<{ in: string; out?: string }>();
    let bytes: Buffer;
    try {
      bytes = readFileSync(opts.in);
    } catch (e: any) {
      throw new CliError(`-i ${opts.in}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message}`, 2);
    }
    const template = parseTemplate(bytes);
    const { backend, region } = await host.chooseBackend(rootArgs(host, split.root));
    const values = template.refs.length ? await resolveAll(template.refs, backend, region) : [];
    const out = renderTemplate(
      template,
      values.map((v) => v.bytes),
    );
    if (opts.out) writeAtomic(opts.out, out);
    else process.stdout.write(out);
    return 0;
  });
}

type Runner = (argv: string[], io: Io, host: PluginHost) => Promise<number>;
const asModule = (runCommand: Runner) => ({ runCommand });

export const commands = { get: asModule(get), run: asModule(run), export: asModule(exportCommand), inject: asModule(inject) };
