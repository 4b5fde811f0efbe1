// `aliyun kms store …`: looking after the local store itself. Loaded only when called (plugins.ts).
import { CliError } from '../core/errors.js';
import type { Io } from './render.js';

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { Command, CommanderError } = await import('commander');
  let result = 0;
  const program = new Command('aliyun kms store')
    .description('Look after the local store (ALIYUN_KMS_LOCAL_DIR, default ~/.aliyun/kms-local).')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: () => {} });
  program
    .command('verify')
    .description('open every record and every version of the local store; report what is damaged (exit 1 if anything is)')
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: () => {} })
    .action(async () => {
      result = await verify(io);
    });
  try {
    if (argv.length === 0) {
      io.out(program.helpInformation());
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return 0;
      throw new CliError(e.message.replace(/^error: /, ''));
    }
    throw e;
  }
  return result;
}

async function verify(io: Io): Promise<number> {
  const { LocalStore, StoreError } = await import('../backends/local/store.js');
  const { verifyStore } = await import('../backends/local/verify.js');
  let report;
  try {
    report = verifyStore(new LocalStore().open());
  } catch (e) {
    if (e instanceof StoreError) throw new CliError(e.message);
    throw e;
  }
  const n = (k: number, one: string, many = one + 's') => `${k} ${k === 1 ? one : many}`;
  for (const d of report.damaged) io.out(`damaged: ${d.path}: ${d.problem}\n`);
  io.out(
    `checked ${n(report.secrets, 'secret')} (${n(report.versions, 'version')} opened) and ${n(report.keys, 'key')} in ${n(report.regions, 'region')} of ${report.dir}: ` +
      (report.damaged.length ? `${n(report.damaged.length, 'problem')}\n` : 'all sound\n'),
  );
  if (!report.damaged.length) return 0;
  io.err(
    `ERROR: the local store ${report.dir} has damaged files (listed above): restore them from a backup, or remove a damaged secret with  aliyun kms DeleteSecret --SecretName NAME --ForceDeleteWithoutRecovery true\n`,
  );
  return 1;
}
