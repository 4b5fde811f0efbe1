// Test helpers: run the built `aliyun` binary as a user would, in a private HOME and store.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve('bin/aliyun.cjs');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment with nothing inherited that could change the CLI's behaviour. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(ALIBABA|ALIBABACLOUD|ALICLOUD|ALIYUN)_/.test(k) || /^(ACCESS_KEY|SECURITY_TOKEN|REGION|REGION_ID|NO_COLOR|FORCE_COLOR|ENDPOINT_TYPE)/.test(k)) continue;
    // LANG=zh_CN… switches the CLI's help texts to Chinese: tests choose it explicitly.
    if (k === 'LANG') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function run(args: string[], env: Record<string, string>, input?: string): Promise<RunResult> {
  return runCommand(process.execPath, [BIN, ...args], env, input);
}

/** Runs a program with `input` on its stdin; resolves with its exit code and everything it printed. */
export function runCommand(command: string, args: string[], env: Record<string, string>, input?: string): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** A sandbox: its own HOME and local store, the local backend chosen explicitly. */
export class Sandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'aliyun-test-'));
  readonly home = join(this.root, 'home');
  readonly store = join(this.root, 'store');
  env: Record<string, string>;

  constructor(extra: Record<string, string | undefined> = {}) {
    this.env = cleanEnv({ HOME: this.home, ALIYUN_KMS_LOCAL_DIR: this.store, ALIYUN_KMS_BACKEND: 'local', ...extra });
  }

  run(...args: string[]): Promise<RunResult> {
    return run(args, this.env);
  }

  runWith(extra: Record<string, string | undefined>, ...args: string[]): Promise<RunResult> {
    const env = { ...this.env };
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return run(args, env);
  }

  async json(...args: string[]): Promise<any> {
    const r = await this.run(...args);
    if (r.code !== 0) throw new Error(`aliyun ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Replaces volatile values (request ids, times) so outputs can be compared exactly. */
export function normalize(s: string): string {
  return s
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/g, '<time>');
}

/** A successful run's expected result. */
export const ok = (stdout: string): RunResult => ({ code: 0, stdout, stderr: '' });

/** The expected result of a service error from the local backend, after `normalize`. */
export function serverError(code: string, message: string): RunResult {
  return {
    code: 1,
    stdout: '',
    stderr:
      `ERROR: SDK.ServerError\nErrorCode: ${code}\n` +
      `Recommend: https://api.aliyun.com/troubleshoot?q=${code}&product=Kms&requestId=<uuid>\n` +
      `RequestId: <uuid>\nMessage: ${message}\n` +
      'RespHeaders: map[Content-Type:[application/json;charset=utf-8] X-Acs-Request-Id:[<uuid>]]\n',
  };
}
