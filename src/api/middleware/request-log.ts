import type { Middleware } from 'koa';
import type { Logger } from '../../logger';

/**
 * One log line per request, with the request id; `ctx.state.log` is the request's child logger.
 * Refused credentials (401, 429) are logged at debug: a client guessing keys would otherwise
 * write a line per guess; the failed-authentication limiter reports them at a bounded rate.
 */
export function requestLog(log: Logger): Middleware {
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    ctx.state.log = log.child({ reqId: ctx.state.requestId });
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const line = { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 };
      if (ctx.status >= 500) ctx.state.log.error(line, 'request');
      else if (ctx.status === 401 || ctx.status === 429) ctx.state.log.debug(line, 'request');
      else ctx.state.log.info(line, 'request');
    }
  };
}
