import type { Context } from 'koa';
import type { ApiKeyService } from '../../auth/api-key.service';
import type { AuthFailureLimiter } from '../../auth/auth-failure-limiter';
import { AppError } from '../../http/errors';
import type { Principal } from '../../http/principal';
import { attemptOf, limitedVerify } from './auth-limit';

/** The key a request presents: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
export function presentedKey(ctx: Context): string | undefined {
  const auth = ctx.get('authorization');
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (m) return m[1];
  return ctx.get('x-api-key') || undefined;
}

/** 429 too_many_failures of the native API. */
export const tooManyFailures = (retryAfterSec: number) =>
  new AppError(429, 'too_many_failures', `too many failed authentications: retry in ${retryAfterSec} s`);

/**
 * Resolves the caller once per request (cached on ctx.state). With a limiter, wrong keys are
 * counted and a client over its limit is answered 429 too_many_failures with Retry-After.
 */
export function apiKeyAuthenticator(keys: ApiKeyService, limiter?: AuthFailureLimiter) {
  return async (ctx: Context): Promise<Principal | null> => {
    if (ctx.state.principal !== undefined) return ctx.state.principal as Principal | null;
    const key = presentedKey(ctx);
    const principal = await limitedVerify(
      ctx,
      limiter,
      attemptOf(ctx, 'native', key),
      () => (key ? keys.verify(key) : null),
      tooManyFailures,
    );
    ctx.state.principal = principal;
    return principal;
  };
}
