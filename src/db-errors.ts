import type { Model } from 'mongoose';

/**
 * True for MongoDB's duplicate-key error (E11000), also when it comes as a bulk write whose
 * every failure is one: a unique index said "already there", which callers treat as done.
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] } | null;
  if (!e) return false;
  if (e.code === 11000) return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.length > 0 && e.writeErrors.every((w) => (w.code ?? w.err?.code) === 11000);
}

/**
 * Inserts documents (unordered: one already there does not stop the others); true when some
 * were refused by a unique index as already there. Other errors are thrown.
 */
export async function insertAbsent<T>(model: Model<T>, docs: readonly object[]): Promise<boolean> {
  if (docs.length === 0) return false;
  try {
    // The documents are built by the caller; mongoose still casts and validates them.
    await model.insertMany(docs as T[], { ordered: false });
    return false;
  } catch (err) {
    if (isDuplicateKey(err)) return true;
    throw err;
  }
}
