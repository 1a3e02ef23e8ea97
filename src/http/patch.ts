import { z } from 'zod';

type Unwrapped<T> = T extends z.ZodDefault<infer I> ? I : T;

/**
 * A PATCH body from a create schema's fields: every field optional and without its default (a
 * default would overwrite what the caller left out), unknown fields refused.
 */
export function patchOf<S extends z.ZodRawShape>(o: z.ZodObject<S>) {
  const shape = Object.fromEntries(
    Object.entries(o.shape).map(([k, v]) => [
      k,
      (v instanceof z.ZodDefault ? (v.unwrap() as z.ZodType) : (v as z.ZodType)).optional(),
    ]),
  );
  return z.object(shape as { [K in keyof S]: z.ZodOptional<Unwrapped<S[K]> & z.ZodType> }).strict();
}
