import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import {
  TooManyAuthFailures,
  type AuthDoor,
  type AuthAttempt,
  type AuthFailureLimiter,
} from '../../auth/auth-failure-limiter';
import { clientAddressOf } from './client-address';

/** The door's own 429 answer for a client over its failure limit. */
export type TooManyAnswer = (retryAfterSec: number) => Error;

/** The attempt a request makes at `door` with `credential`, from the client's address. */
export const attemptOf = (ctx: Context, door: AuthDoor, credential: string | undefined): AuthAttempt => ({
  door,
  address: clientAddressOf(ctx),
  credential,
});

/**
 * A sign-in with `username`, at any door (native sessions, seed 004 login): one counter per
 * username (a hash, so long usernames do not share one) and the address's.
 */
export const signInAttemptOf = (ctx: Context, username: string): AuthAttempt =>
  attemptOf(ctx, 'operator', `u:${createHash('sha256').update(username.toLowerCase()).digest('hex').slice(0, 10)}`);

/** Over the limit: Retry-After on the response and the door's own error; any other error unchanged. */
function refuse(ctx: Context, err: unknown, tooMany: TooManyAnswer): never {
  if (!(err instanceof TooManyAuthFailures)) throw err;
  ctx.set('Retry-After', String(err.retryAfterSec));
  throw tooMany(err.retryAfterSec);
}

/**
 * Verifies a request's credential under the failed-authentication limiter (none: just verifies).
 * A client over its limit gets the door's 429 with Retry-After before its credential is checked;
 * a wrong credential (verify answers null) is counted.
 */
export async function limitedVerify<T>(
  ctx: Context,
  limiter: AuthFailureLimiter | undefined,
  attempt: AuthAttempt,
  verify: () => Promise<T | null> | T | null,
  tooMany: TooManyAnswer,
): Promise<T | null> {
  if (!limiter) return verify();
  return limiter.guard(attempt, verify).catch((err: unknown) => refuse(ctx, err, tooMany));
}

/** For doors that check in several steps: refuses a client over its limit (see limitedVerify). */
export async function refuseIfLimited(
  ctx: Context,
  limiter: AuthFailureLimiter | undefined,
  attempt: AuthAttempt,
  tooMany: TooManyAnswer,
): Promise<void> {
  await limiter?.check(attempt).catch((err: unknown) => refuse(ctx, err, tooMany));
}
