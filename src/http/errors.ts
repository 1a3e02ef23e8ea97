/**
 * An error a client caused or may see. `code` is stable (clients branch on it); `message` is for
 * people; `details` is optional structured help (e.g. which fields failed validation).
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** 400 with a stable code. */
export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
/** 401 unauthorized. */
export const unauthorized = (message = 'authentication required') => new AppError(401, 'unauthorized', message);
/** 403 forbidden. */
export const forbidden = (message = 'not allowed') => new AppError(403, 'forbidden', message);
/** 404 not_found (also for another owner's records, so ids do not leak). */
export const notFound = (what = 'resource') => new AppError(404, 'not_found', `${what} not found`);
/** 409 with a stable code. */
export const conflict = (code: string, message: string) => new AppError(409, code, message);

/** Stable codes for the HTTP statuses Koa and its middleware raise on their own. */
export const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  501: 'not_implemented',
  503: 'unavailable',
};
