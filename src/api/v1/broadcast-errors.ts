import { BroadcastError } from '../../broadcasts';
import { AppError } from '../../http/errors';

const STATUS = { invalid: 400, not_found: 404, conflict: 409 } as const;

/** Runs a broadcast service call, its errors as API errors (the service knows nothing of HTTP). */
export async function broadcastCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BroadcastError) throw new AppError(STATUS[err.kind], err.code, err.message, err.details);
    throw err;
  }
}
