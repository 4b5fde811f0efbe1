// GetRandomPassword through the built binary (kms-secrets-api.md §11.3).
import { normalize, Sandbox, type RunResult } from './helpers.js';

let sb: Sandbox;
beforeAll(() => (sb = new Sandbox()));
afterAll(() => sb.cleanup());

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCT = '!"#$%&\'()*+,-./:;<=>?@[\\]^_{|}~';

async function password(...args: string[]): Promise<string> {
  const r = await sb.run('kms', 'GetRandomPassword', ...args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const pw = JSON.parse(r.stdout).RandomPassword as string;
  // The exact output: two sorted keys, the password JSON-quoted as the Go CLI quotes it.
  expect(normalize(r.stdout)).toBe(`{\n\t"RandomPassword": ${JSON.stringify(pw)},\n\t"RequestId": "<uuid>"\n}\n`);
  return pw;
}

const has = (pw: string, set: string) => [...pw].some((c) => set.includes(c));
const only = (pw: string, set: string) => [...pw].every((c) => set.includes(c));

function invalid(r: RunResult): void {
  expect({ code: r.code, stdout: r.stdout, head: normalize(r.stderr).split('\n').slice(0, 5) }).toEqual({
    code: 1,
    stdout: '',
    head: [
      'ERROR: SDK.ServerError',
      'ErrorCode: InvalidParameter',
      'Recommend: https://api.aliyun.com/troubleshoot?q=InvalidParameter&product=Kms&requestId=<uuid>',
      'RequestId: <uuid>',
      'Message: some of the specified parameters "\\" is not valid',
    ],
  });
}

test('default: 32 characters with every type, from letters, digits and punctuation (no backtick)', async () => {
  const pw = await password();
  expect(pw).toHaveLength(32);
  expect(only(pw, LOWER + UPPER + DIGITS + PUNCT)).toBe(true);
  for (const set of [LOWER, UPPER, DIGITS, PUNCT]) expect(has(pw, set)).toBe(true);
  // Two calls do not repeat (2^-190 chance of a false failure).
  expect(await password()).not.toBe(pw);
});

test('each Exclude option removes its type; length from 8 to 128', async () => {
  expect(only(await password('--PasswordLength', '128', '--ExcludeLowercase', 'true'), UPPER + DIGITS + PUNCT)).toBe(true);
  expect(only(await password('--PasswordLength', '128', '--ExcludeUppercase', 'true'), LOWER + DIGITS + PUNCT)).toBe(true);
  expect(only(await password('--PasswordLength', '128', '--ExcludeNumbers', 'true'), LOWER + UPPER + PUNCT)).toBe(true);
  expect(only(await password('--PasswordLength', '128', '--ExcludePunctuation', 'true'), LOWER + UPPER + DIGITS)).toBe(true);
  const digits = await password('--PasswordLength', '8', '--ExcludeLowercase', 'true', '--ExcludeUppercase', 'true', '--ExcludePunctuation', 'true');
  expect(digits).toMatch(/^[0-9]{8}$/);
  const pw = await password('--PasswordLength', '128', '--ExcludeCharacters', 'abcdefghijklmnopqrstuvwxy012345678"\\`');
  expect(has(pw, 'abcdefghijklmnopqrstuvwxy012345678"\\')).toBe(false);
  // The lone lower-case letter and the lone digit left must appear.
  expect([pw.includes('z'), pw.includes('9')]).toEqual([true, true]);
});

test('RequireEachIncludedType (default true) puts every included type in even a short password', async () => {
  // Pool: 26 upper-case letters, one digit, one punctuation mark; 8 characters.
  const args = ['--PasswordLength', '8', '--ExcludeLowercase', 'true', '--ExcludeCharacters', '012345678' + PUNCT.replace('%', '')];
  for (let i = 0; i < 3; i++) {
    const pw = await password(...args);
    expect([pw.includes('9'), pw.includes('%'), has(pw, UPPER)]).toEqual([true, true, true]);
  }
  // Without the requirement a password often lacks the lone digit (each try: 1-(27/28)^8 ≈ 25% has it);
  // six tries all holding it has a chance of 0.02%.
  const tries = [];
  for (let i = 0; i < 6; i++) tries.push(await password(...args, '--RequireEachIncludedType', 'false'));
  expect(tries.some((pw) => !pw.includes('9'))).toBe(true);
});

test('refusals: bad length, unknown characters, nothing left, a required type emptied, bad booleans', async () => {
  for (const len of ['7', '129', '0', 'x', '12.5']) invalid(await sb.run('kms', 'GetRandomPassword', '--PasswordLength', len));
  invalid(await sb.run('kms', 'GetRandomPassword', '--ExcludeCharacters', 'é'));
  invalid(await sb.run('kms', 'GetRandomPassword', '--ExcludeCharacters', 'a b'));
  invalid(await sb.run('kms', 'GetRandomPassword', '--ExcludeLowercase', 'true', '--ExcludeUppercase', 'true', '--ExcludeNumbers', 'true', '--ExcludePunctuation', 'true'));
  invalid(await sb.run('kms', 'GetRandomPassword', '--ExcludeCharacters', DIGITS));
  invalid(await sb.run('kms', 'GetRandomPassword', '--ExcludeNumbers', 'yes'));
  invalid(await sb.run('kms', 'GetRandomPassword', '--RequireEachIncludedType', 'TRUE'));
  // Not required, an emptied type is simply absent.
  expect(only(await password('--ExcludeCharacters', DIGITS, '--RequireEachIncludedType', 'false'), LOWER + UPPER + PUNCT)).toBe(true);
});
