import type { Middleware } from 'koa';
import type { Logger } from '../../logger';
import { AppError, STATUS_CODES } from '../../http/errors';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  code?: string;
}

/**
 * Turns every error into `{ error: { code, message, details } }`. Client errors keep their
 * status; anything unexpected is a 500 with no internals, logged once here.
 */
export function errorHandler(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = {
          error: {
            code: 'not_found',
            message: `no route for ${ctx.method} ${ctx.path}`,
            requestId: ctx.state.requestId,
          },
        };
      }
    } catch (thrown) {
      const err = thrown as HttpLikeError;
      let status = 500;
      let body: { code: string; message: string; details?: unknown };
      if (err instanceof AppError) {
        status = err.status;
        body = { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
      } else {
        const s = err?.status ?? err?.statusCode;
        if (typeof s === 'number' && s >= 400 && s < 500) {
          status = s;
          body = {
            code: STATUS_CODES[s] ?? 'bad_request',
            message: err.expose !== false && err.message ? err.message : 'bad request',
          };
        } else {
          body = { code: 'internal_error', message: 'internal error' };
        }
      }
      if (status >= 500) (ctx.state.log ?? log).error({ err: thrown }, 'unhandled error');
      ctx.status = status;
      ctx.body = { error: { ...body, requestId: ctx.state.requestId } };
    }
  };
}
