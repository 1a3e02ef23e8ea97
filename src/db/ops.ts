import type { Model } from 'mongoose';
import { isDuplicateKey } from './errors';

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

/**
 * `findOneAndUpdate(filter, update, { returnDocument: 'after' })` for a filter on `_id`, as an
 * update and then a read by id. SecantusDB (the embedded and test server) runs findAndModify
 * filtered on `_id` as a scan of the whole collection (about 200 ms at 20,000 documents, and the
 * send log grows with every message), while updateOne and findById use the index (a few ms).
 * The update is still the atomic guard (of two callers changing a status only one matches); the
 * read returns the document as it is just after, which may include a later change by someone
 * else: not for counters whose value must be this caller's own (those keep findOneAndUpdate on
 * a small collection). Null when the filter matched nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: the result is typed by it
export async function updateByIdThenRead<M extends Model<any>, T = LeanDoc<M>>(
  model: M,
  filter: { _id: unknown; [path: string]: unknown },
  update: Record<string, unknown>,
): Promise<T | null> {
  const res = await model.updateOne(filter as never, update as never);
  if (res.matchedCount === 0) return null;
  return model.findById(filter._id).lean<T>();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- only the document type is read
type LeanDoc<M> = M extends Model<infer T, any, any, any, any, any> ? T : never;
