// Running the command of `aliyun kms run`: its exit status becomes ours, signals sent to us reach it,
// and (with masking) its stdout and stderr pass through a Masker each.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import { Masker } from './mask.js';

export interface ChildResult {
  /** Our exit code: the child's, or 128+N when a signal N ended it. */
  code: number;
  /** Set when the command could not be started at all (exit 126/127). */
  startError?: string;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Copies a child's stream to ours through a masker, respecting back-pressure; ignores a closed reader (EPIPE). */
function pipeMasked(from: NodeJS.ReadableStream, to: NodeJS.WriteStream, masker: Masker, onBroken: () => void): Promise<void> {
  let broken = false;
  to.on('error', () => {
    // Our reader went away (`aliyun kms run -- yes | head -1`): the child gets the SIGPIPE it would
    // have got without us in between (closing its pipe alone, a socket, gives it ECONNRESET instead),
    // and its pipe is closed for a child that ignores SIGPIPE.
    if (!broken) onBroken();
    broken = true;
    (from as NodeJS.ReadableStream & { destroy(): void }).destroy();
    resolveCopy();
  });
  const write = (b: Buffer) => {
    if (broken || b.length === 0) return true;
    return to.write(b);
  };
  let resolveCopy: () => void = () => {};
  return new Promise((resolve) => {
    resolveCopy = resolve;
    from.on('data', (chunk: Buffer) => {
      if (!write(masker.push(chunk))) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    from.on('end', () => {
      write(masker.end());
      resolve();
    });
    from.on('error', () => resolve());
  });
}

export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv, masking: { stdout: Masker; stderr: Masker } | undefined): Promise<ChildResult> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, { env, stdio: masking ? ['inherit', 'pipe', 'pipe'] : 'inherit' });
    } catch (e: any) {
      // E2BIG (values larger than the system's limit for a process's environment) is thrown here.
      // An empty command name is refused here too: like a shell, "command not found" (127).
      if (command === '') return resolve({ code: 127, startError: "cannot run '': command not found" });
      const why = e?.code === 'E2BIG' ? 'the variables are larger than the system allows for a process environment (E2BIG); give big values through a file (aliyun kms inject)' : (e?.code ?? String(e));
      resolve({ code: 126, startError: `cannot run ${command}: ${why}` });
      return;
    }
    // Ctrl-C in a terminal already reaches CMD: the terminal signals its whole foreground process
    // group, CMD included. Passing SIGINT on as well would deliver it twice (a second Ctrl-C to many
    // programs means "stop cleaning up, exit now"), so it is passed on only when no terminal is involved.
    // isatty, not process.stdin.isTTY: that getter builds a stream on our stdin, which is CMD's.
    const terminal = isatty(0) || isatty(1) || isatty(2);
    let exited = false;
    const handlers = FORWARDED.map((sig) => {
      const h = () => {
        // We stay alive either way: CMD decides, and its exit status becomes ours.
        if (exited || (terminal && sig === 'SIGINT')) return;
        // The child may already be gone; a failed kill is fine.
        try {
          child.kill(sig);
        } catch {
          /* gone */
        }
      };
      process.on(sig, h);
      return [sig, h] as const;
    });
    // Once CMD has ended its status is ours: a signal arriving while its last output is still being
    // copied must not turn that status into 128+N, so the handlers stay (doing nothing) until we exit.
    // A start failure has no output to copy and removes them.
    const stopForwarding = () => {
      exited = true;
    };
    const removeHandlers = () => handlers.forEach(([sig, h]) => process.off(sig, h));
    const sigpipe = () => {
      try {
        child.kill('SIGPIPE');
      } catch {
        /* gone */
      }
    };
    const copies = masking ? [pipeMasked(child.stdout!, process.stdout, masking.stdout, sigpipe), pipeMasked(child.stderr!, process.stderr, masking.stderr, sigpipe)] : [];
    child.on('error', (e: NodeJS.ErrnoException) => {
      stopForwarding();
      removeHandlers();
      const code = e.code === 'ENOENT' ? 127 : 126;
      resolve({ code, startError: `cannot run ${command}: ${e.code === 'ENOENT' ? 'command not found' : e.code === 'EACCES' ? 'permission denied' : e.message}` });
    });
    child.on('exit', (code, signal) => {
      stopForwarding();
      const ours = signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
      // Everything the child wrote is copied before we report its status.
      void Promise.all(copies).then(() => resolve({ code: ours }));
    });
  });
}
