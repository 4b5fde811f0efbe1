// Our own commands after `kms` and their flags, for shell completion only: each command parses its
// own arguments when it runs (and is loaded lazily), so completion cannot ask it. Keep this table in
// step with the commands (server/cli.ts for serve; the delivery commands of issue 8).
export interface CommandFlag {
  name: string;
  short?: string;
  /** Takes a value (the next word). */
  value?: boolean;
  /** A sub-command word rather than a flag (`store verify`). */
  positional?: boolean;
}

const flag = (name: string, value = true, short?: string): CommandFlag => ({ name, value, short });
const REFERENCES = [flag('--env'), flag('--env-file')];
const HELP = flag('--help', false);

export const COMMAND_FLAGS: Record<string, CommandFlag[]> = {
  serve: [
    flag('--host'), flag('--port'), flag('--region'), flag('--access-key-id'), flag('--access-key-secret'), flag('--security-token'),
    flag('--tls-cert'), flag('--tls-key'), flag('--latency'), flag('--throttle'), flag('--retry-after'), flag('--unavailable'),
    flag('--no-nonce-check', false), flag('--no-log', false), flag('--seed'), flag('--ephemeral', false), flag('--account-id'),
    flag('--access-log'), flag('--help', false, '-h'),
  ],
  get: [flag('--version-stage'), flag('--version-id'), HELP],
  run: [...REFERENCES, flag('--no-masking', false), HELP],
  export: [flag('--format'), ...REFERENCES, HELP],
  inject: [flag('--in', true, '-i'), flag('--out', true, '-o'), HELP],
  store: [{ name: 'verify', positional: true }, HELP],
};
