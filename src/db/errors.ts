/**
 * True for MongoDB's duplicate-key error (E11000), also when it comes as a bulk write whose
 * every failure is one: a unique index said "already there", which callers treat as done.
 */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number; err?: { code?: number } }[] } | null;
  if (!e) return false;
  if (e.code === 11000) return true;
  return (
    Array.isArray(e.writeErrors) &&
    e.writeErrors.length > 0 &&
    e.writeErrors.every((w) => (w.code ?? w.err?.code) === 11000)
  );
}

/**
 * The indexes of the operations a bulk write with `ordered: false` did not apply (the others
 * did), or undefined when the error is not a bulk write's: then nothing is known to be applied.
 */
export function failedBulkIndexes(err: unknown): number[] | undefined {
  const e = err as { writeErrors?: { index?: number; err?: { index?: number } }[] } | null;
  if (!e || !Array.isArray(e.writeErrors) || e.writeErrors.length === 0) return undefined;
  const indexes = e.writeErrors.map((w) => w.index ?? w.err?.index);
  return indexes.every((i): i is number => typeof i === 'number') ? indexes : undefined;
}
