// Our own CLI's remote backend against `aliyun kms serve` gives the same stdout and exit codes as
// its local backend for the same commands.
import { BIN, Sandbox, normalize } from './helpers.js';
import { AK, SK, ServerProcess } from './server.harness.js';


const COMMANDS: string[][] = [
  ['CreateSecret', '--SecretName', 'same', '--SecretData', 'same value', '--VersionId', 'v1', '--Description', 'spaces & symbols +=*~'],
  ['GetSecretValue', '--SecretName', 'same'],
  ['DescribeSecret', '--SecretName', 'same'],
  ['ListSecrets', '--PageSize', '5'],
  ['DeleteSecret', '--SecretName', 'same', '--RecoveryWindowInDays', '7'],
  ['GetSecretValue', '--SecretName', 'same'],
  ['RestoreSecret', '--SecretName', 'same'],
  ['DeleteSecret', '--SecretName', 'same', '--ForceDeleteWithoutRecovery', 'true'],
  ['DescribeSecret', '--SecretName', 'same'],
];

const comparable = (s: string) => normalize(s).replace(/\b\d{16}\b/g, '<account>');

test('remote backend via --endpoint 127.0.0.1:PORT --insecure prints what the local backend prints', async () => {
  const local = new Sandbox();
  const served = new Sandbox();
  const srv = await ServerProcess.start(served);
  const client = new Sandbox(); // its own HOME: no config file, credentials from flags
  try {
    for (const cmd of COMMANDS) {
      const l = await local.run('kms', ...cmd);
      const r = await client.runWith({ ALIYUN_KMS_BACKEND: 'remote' }, 'kms', ...cmd, '--endpoint', `127.0.0.1:${srv.port}`, '--insecure', '--access-key-id', AK, '--access-key-secret', SK, '--region', 'cn-hangzhou');
      expect({ cmd: cmd[0], code: r.code, stdout: comparable(r.stdout) }).toEqual({ cmd: cmd[0], code: l.code, stdout: comparable(l.stdout) });
      if (l.code !== 0) expect(r.stderr.split('\nRespHeaders')[0].replace(/[0-9a-f-]{36}/g, '<id>')).toBe(l.stderr.split('\nRespHeaders')[0].replace(/[0-9a-f-]{36}/g, '<id>'));
    }
  } finally {
    await srv.stop();
    for (const s of [local, served, client]) s.cleanup();
  }
});
