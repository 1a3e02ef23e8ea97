import type { Model } from 'mongoose';

export interface PageRequest {
  limit: number;
  /** The last id of the previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** One page of `filter` in id order (stable under inserts; no skip, so deep pages stay cheap). */
export async function findPage<D extends { _id: { toString(): string } }, T>(
  model: Model<D>,
  filter: Record<string, unknown>,
  page: PageRequest,
  map: (d: D) => T,
): Promise<Page<T>> {
  const q = page.cursor ? { $and: [filter, { _id: { $gt: page.cursor } }] } : filter;
  const docs = (await model
    .find(q)
    .sort({ _id: 1 })
    .limit(page.limit + 1)
    .lean()) as unknown as D[];
  const more = docs.length > page.limit;
  const items = (more ? docs.slice(0, page.limit) : docs).map(map);
  return more ? { items, nextCursor: docs[page.limit - 1]._id.toString() } : { items };
}

/** A numbered page (0 first) of `size` records, for APIs that show page counts. */
export interface NumberedPageRequest {
  page: number;
  size: number;
}

export interface NumberedPage<T> {
  items: T[];
  /** Records matching the filter over all pages. */
  total: number;
}

/**
 * Page `page` (from 0) of `filter` in id order, with the total count (one count query: the
 * seed APIs show totals; deep pages skip, which is fine at the sizes those lists have).
 */
export async function findNumberedPage<D extends { _id: { toString(): string } }, T>(
  model: Model<D>,
  filter: Record<string, unknown>,
  page: NumberedPageRequest,
  map: (d: D) => T,
): Promise<NumberedPage<T>> {
  const [docs, total] = await Promise.all([
    model
      .find(filter)
      .sort({ _id: 1 })
      .skip(page.page * page.size)
      .limit(page.size)
      .lean() as unknown as Promise<D[]>,
    model.countDocuments(filter),
  ]);
  return { items: docs.map(map), total };
}
