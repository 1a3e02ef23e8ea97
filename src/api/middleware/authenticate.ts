import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { ApiKeyService } from '../../auth/api-key.service';
import type { AuthFailureLimiter } from '../../auth/auth-failure-limiter';
import type { OperatorAuth } from '../../auth/operator-auth';
import { csrfTokenOf, isSessionToken } from '../../auth/session.service';
import { AppError } from '../../http/errors';
import type { Principal } from '../../http/principal';
import { attemptOf, limitedVerify } from './auth-limit';

/** The HttpOnly cookie that carries a browser's session token. */
export const SESSION_COOKIE = 'qunbot_session';
/** The header in which a cookie-authenticated request proves it comes from qunbot's own page. */
export const CSRF_HEADER = 'x-csrf-token';

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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * A cookie session may only change things when the request carries the session's CSRF token
 * (another site can make the browser send the cookie, but cannot read the token).
 */
function checkCsrf(ctx: Context, token: string): void {
  if (SAFE_METHODS.has(ctx.method)) return;
  const sent = ctx.get(CSRF_HEADER);
  if (!sent || !sameText(sent, csrfTokenOf(token)))
    throw new AppError(403, 'csrf_failed', `send the session's csrfToken in the ${CSRF_HEADER} header`);
}

/**
 * Resolves the caller once per request (cached on ctx.state): an API key or an operator session
 * token (`Authorization: Bearer`), else the session cookie (with its CSRF check). With a limiter,
 * wrong credentials are counted and a client over its limit is answered 429 too_many_failures.
 */
export function callerAuthenticator(keys: ApiKeyService, operators?: OperatorAuth, limiter?: AuthFailureLimiter) {
  return async (ctx: Context): Promise<Principal | null> => {
    if (ctx.state.principal !== undefined) return ctx.state.principal as Principal | null;
    const presented = presentedKey(ctx);
    const cookie = presented === undefined && operators ? ctx.cookies.get(SESSION_COOKIE) : undefined;
    if (cookie && operators) {
      checkCsrf(ctx, cookie);
      // Only qunbot sets this cookie and its tokens cannot be guessed: a stale one (signed out
      // elsewhere, expired) is no attack to count against the address, just a cookie to clear.
      const principal = isSessionToken(cookie) ? await operators.principalOf(cookie) : null;
      if (!principal) ctx.cookies.set(SESSION_COOKIE, null, { path: '/', overwrite: true });
      // The page may ask for its CSRF token again after a reload (GET /me).
      else ctx.state.csrfToken = csrfTokenOf(cookie);
      ctx.state.principal = principal;
      return principal;
    }
    const principal = await limitedVerify(
      ctx,
      limiter,
      attemptOf(ctx, 'native', presented),
      () => {
        if (!presented) return null;
        if (isSessionToken(presented)) return operators ? operators.principalOf(presented) : null;
        return keys.verify(presented);
      },
      tooManyFailures,
    );
    ctx.state.principal = principal;
    return principal;
  };
}
