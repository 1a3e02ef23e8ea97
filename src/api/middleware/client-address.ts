import type { Context, Middleware } from 'koa';
import { AddressList, clientAddress } from '../../http/client-address';

/**
 * Resolves the client's address once per request into `ctx.state.clientAddress`: the socket's,
 * or, when the socket is one of `trustedProxies`, the address their `X-Forwarded-For` gives.
 * A trusted proxy's `X-Forwarded-Proto: https` also makes the request secure for cookies (the
 * session cookie is then `Secure`), as TLS on the socket itself does.
 */
export function resolveClientAddress(trustedProxies: readonly string[] = []): Middleware {
  const trusted = new AddressList(trustedProxies);
  return async (ctx, next) => {
    const socketAddress = ctx.socket.remoteAddress ?? '';
    ctx.state.clientAddress = clientAddress(socketAddress, ctx.get('x-forwarded-for') || undefined, trusted);
    if (!ctx.secure && trusted.has(socketAddress) && /^https$/i.test(firstProto(ctx.get('x-forwarded-proto'))))
      ctx.cookies.secure = true;
    await next();
  };
}

/** The client-side protocol of a chain of proxies: the first in `X-Forwarded-Proto`. */
const firstProto = (header: string): string => header.split(',')[0]?.trim() ?? '';

/** True when the client reached qunbot over TLS (here or at a trusted proxy): cookies are Secure. */
export const isSecureRequest = (ctx: Context): boolean => ctx.secure || ctx.cookies.secure === true;

const NO_PROXIES = new AddressList([]);

/** The client's address of a request (see resolveClientAddress; the socket's if it did not run). */
export function clientAddressOf(ctx: Context): string {
  const resolved = ctx.state.clientAddress as unknown;
  return typeof resolved === 'string' ? resolved : clientAddress(ctx.socket.remoteAddress ?? '', undefined, NO_PROXIES);
}
