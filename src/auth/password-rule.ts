/** Longest password accepted (hashing cost is bounded; nobody types more). */
export const MAX_PASSWORD_LENGTH = 128;

/**
 * The seed 004 rule for passwords (密码至少8位，包含大小写字母和数字): at least 8 characters with
 * an upper-case letter, a lower-case letter and a digit. Null when the password passes, else what
 * is missing, in the seed's words with an English gloss.
 */
export function passwordProblem(password: string): string | null {
  const missing: string[] = [];
  if ([...password].length < 8) missing.push('at least 8 characters');
  if (!/[A-Z]/.test(password)) missing.push('an upper-case letter');
  if (!/[a-z]/.test(password)) missing.push('a lower-case letter');
  if (!/[0-9]/.test(password)) missing.push('a digit');
  if (password.length > MAX_PASSWORD_LENGTH) return `密码过长 (at most ${MAX_PASSWORD_LENGTH} characters)`;
  return missing.length === 0 ? null : `密码至少8位，包含大小写字母和数字 (missing: ${missing.join(', ')})`;
}
