import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The seed's `rand_str`: md5(timestamp + token), lower-case hex. */
export const randStrOf = (timestamp: string, token: string): string =>
  createHash('md5').update(`${timestamp}${token}`, 'utf8').digest('hex');

/**
 * The seed 004 token of a session: 32 hex digits derived from the session id with a secret key,
 * so qunbot can compute it again to check `rand_str` and never stores it.
 */
export const seed004TokenOf = (key: string, sessionId: string): string =>
  createHmac('sha256', key).update(`seed004-session\n${sessionId}`).digest('hex').slice(0, 32);

/** True when the two rand_str values are the same (constant time). */
export function sameRandStr(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * What is wrong with a request's `timestamp` (milliseconds since the epoch, as the seed's
 * examples: 1535084385983), or null: a number of 13 digits within `windowSec` of now.
 */
export function timestampProblem(timestamp: string, nowMs: number, windowSec: number): string | null {
  if (!/^\d{13}$/.test(timestamp)) return 'timestamp must be milliseconds since 1970 (13 digits)';
  if (Math.abs(Number(timestamp) - nowMs) > windowSec * 1000)
    return `timestamp is more than ${windowSec} s away from the server's clock`;
  return null;
}
