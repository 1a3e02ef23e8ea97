import { z } from 'zod';
import { isSafeText, UNSAFE_TEXT_MESSAGE } from '../lib/safe-text';

// Bidirectional overrides and isolates: used to make names read differently from what they are.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
// Only format characters and spaces: a name nobody can see.
const INVISIBLE = /^[\p{Cf}\p{Z}]+$/u;

/** A one-line name: trimmed, 1..max characters, visible, no control characters or broken unicode. */
export const nameText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(isSafeText, UNSAFE_TEXT_MESSAGE)
    .refine(
      (s) => !BIDI_CONTROL.test(s) && !INVISIBLE.test(s),
      'bidirectional controls and invisible names are not allowed',
    );

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

/** A database record id (24 hex digits). */
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

/** A page of items, with `nextCursor` unless it is the last. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}

/** `{ ok: true }`: an action done with nothing more to say. */
export const okBody = z.object({ ok: z.literal(true) });

/** An owner's name (API keys and records are scoped by it). */
export const ownerName = z.string().regex(/^[\w.@:-]{1,64}$/, 'letters, digits and . _ @ : - (1-64)');

/** An http(s) URL (callbacks, links). */
export const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);
