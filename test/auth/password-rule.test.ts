import { passwordProblem } from '../../src/auth/password-rule';
import { generatePassword, hashPassword, verifyPassword } from '../../src/auth/password-hash';

describe('the seed 004 password rule', () => {
  test.each([
    ['Abcdefg1', null],
    ['aB3' + 'x'.repeat(5), null],
    ['密码Abc12345', null],
    ['Abcdef1', 'at least 8 characters'],
    ['abcdefg1', 'an upper-case letter'],
    ['ABCDEFG1', 'a lower-case letter'],
    ['Abcdefgh', 'a digit'],
    ['', 'at least 8 characters, an upper-case letter, a lower-case letter, a digit'],
  ])('when the password is %j, then what is missing is %j', (password, missing) => {
    const problem = passwordProblem(password);
    if (missing === null) expect(problem).toBeNull();
    else expect(problem).toBe(`密码至少8位，包含大小写字母和数字 (missing: ${missing})`);
  });

  test('when the password is over 128 characters, then it is refused as too long', () => {
    expect(passwordProblem(`Aa1${'x'.repeat(126)}`)).toMatch(/^密码过长/);
  });

  test('when passwords are generated, then each passes the rule and they differ', () => {
    const made = Array.from({ length: 50 }, generatePassword);
    for (const p of made) expect(passwordProblem(p)).toBeNull();
    expect(new Set(made).size).toBe(50);
  });

  test('when a password is hashed, then the hash is Argon2id, verifies only that password, and garbage never verifies', async () => {
    const stored = await hashPassword('Abcdefg1');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored).not.toContain('Abcdefg1');
    expect(await verifyPassword(stored, 'Abcdefg1')).toBe(true);
    expect(await verifyPassword(stored, 'Abcdefg2')).toBe(false);
    expect(await verifyPassword('not a hash', 'Abcdefg1')).toBe(false);
  });
});
