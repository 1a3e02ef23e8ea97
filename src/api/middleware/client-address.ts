import type { Context, Middleware } from 'koa';
import { AddressList, clientAddress } from '../../http/client-address';

/**
 * Resolves the client's address once per request into `ctx.state.clientAddress`: the socket's,
 * or, when the socket is one of `trustedProxies`, the address their `X-Forwarded-For` gives.
 */
export function resolveClientAddress(trustedProxies: readonly string[] = []): Middleware {
  const trusted = new AddressList(trustedProxies);
  return async (ctx, next) => {
    ctx.state.clientAddress = clientAddress(
      ctx.socket.remoteAddress ?? '',
      ctx.get('x-forwarded-for') || undefined,
      trusted,
    );
    await next();
  };
}

const NO_PROXIES = new AddressList([]);

/** The client's address of a request (see resolveClientAddress; the socket's if it did not run). */
export function clientAddressOf(ctx: Context): string {
  const resolved = ctx.state.clientAddress as unknown;
  return typeof resolved === 'string' ? resolved : clientAddress(ctx.socket.remoteAddress ?? '', undefined, NO_PROXIES);
}
