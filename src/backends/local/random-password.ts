// GetRandomPassword (kms-secrets-api.md §11.3), from the operating system's cryptographic source.
import { randomInt } from 'node:crypto';
import { invalidParameter, type OperationSpec } from '../../operations/spec.js';
import * as S from '../../operations/secrets.js';
import { PASSWORD_CLASSES } from '../../operations/validators.js';
import { handler, type HandlerTable } from './service.js';

export interface PasswordOptions {
  length: number;
  exclude: string;
  excludeLowercase: boolean;
  excludeUppercase: boolean;
  excludeNumbers: boolean;
  excludePunctuation: boolean;
  requireEachIncludedType: boolean;
}

/**
 * A password of `length` characters drawn uniformly from the included classes. With
 * `requireEachIncludedType`, draws are repeated until every included class appears, which keeps
 * the result uniform over the passwords that qualify (at worst ~12 draws for 8 characters).
 * Throws the operation's InvalidParameter when nothing (or not every required class) is left.
 */
export function randomPassword(o: PasswordOptions, op: OperationSpec): string {
  const wanted = [
    [PASSWORD_CLASSES.lowercase, o.excludeLowercase],
    [PASSWORD_CLASSES.uppercase, o.excludeUppercase],
    [PASSWORD_CLASSES.numbers, o.excludeNumbers],
    [PASSWORD_CLASSES.punctuation, o.excludePunctuation],
  ] as const;
  const classes: string[] = [];
  for (const [chars, excluded] of wanted) {
    if (excluded) continue;
    const left = [...chars].filter((c) => !o.exclude.includes(c)).join('');
    // A class emptied by ExcludeCharacters cannot be required.
    if (!left && o.requireEachIncludedType) throw invalidParameter(op);
    if (left) classes.push(left);
  }
  const pool = classes.join('');
  if (!pool || (o.requireEachIncludedType && classes.length > o.length)) throw invalidParameter(op);
  for (;;) {
    let pw = '';
    for (let i = 0; i < o.length; i++) pw += pool[randomInt(pool.length)];
    if (!o.requireEachIncludedType || classes.every((cls) => [...pw].some((c) => cls.includes(c)))) return pw;
  }
}

export const passwordHandlers: HandlerTable = {
  ...handler(S.GetRandomPassword, false, (req, _s, op) => ({
    RandomPassword: randomPassword(
      {
        length: req.PasswordLength,
        exclude: req.ExcludeCharacters ?? '',
        excludeLowercase: req.ExcludeLowercase === 'true',
        excludeUppercase: req.ExcludeUppercase === 'true',
        excludeNumbers: req.ExcludeNumbers === 'true',
        excludePunctuation: req.ExcludePunctuation === 'true',
        requireEachIncludedType: req.RequireEachIncludedType === 'true',
      },
      op,
    ),
  }) satisfies Omit<S.GetRandomPasswordResponse, 'RequestId'>),
};
