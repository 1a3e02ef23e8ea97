import { z } from 'zod';

/** Every error answer: `{ error: { code, message, details?, requestId } }`. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'stable, for programs (e.g. invalid_request, not_found, unauthorized)' }),
      message: z.string().meta({ description: 'for people' }),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

/** A database id in a path. Anything else is answered 404 by the handlers, not 400. */
export const idParam = z.object({ id: z.string().min(1).max(64) });

export const recordId = z.string().regex(/^[0-9a-f]{24}$/i, 'must be a 24-hex-digit id');

/** Boolean query values: true/false/1/0. */
export const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** `?limit=&cursor=`: pages follow the id order; `nextCursor` is absent on the last page. */
export function pageQuery(maxPageSize: number) {
  return {
    limit: z.coerce.number().int().min(1).max(maxPageSize).default(Math.min(20, maxPageSize)),
    cursor: recordId.optional(),
  };
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}

export const okBody = z.object({ ok: z.literal(true) });
