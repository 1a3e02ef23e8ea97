import type { Context } from 'koa';
import type { ApiKeyService } from '../../auth/api-key.service';
import type { Principal } from '../../http/principal';

/** The key a request presents: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
export function presentedKey(ctx: Context): string | undefined {
  const auth = ctx.get('authorization');
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (m) return m[1];
  return ctx.get('x-api-key') || undefined;
}

/** Resolves the caller once per request (cached on ctx.state). */
export function apiKeyAuthenticator(keys: ApiKeyService) {
  return async (ctx: Context): Promise<Principal | null> => {
    if (ctx.state.principal !== undefined) return ctx.state.principal as Principal | null;
    const key = presentedKey(ctx);
    const principal = key ? await keys.verify(key) : null;
    ctx.state.principal = principal;
    return principal;
  };
}
