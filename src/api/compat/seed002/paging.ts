import { z } from 'zod';
import type { PageInfo } from './envelope';

/** An empty query value (`?current_page=`, as the seed's examples send) means the default. */
const blankIsAbsent = (v: unknown) => (v === '' || (typeof v === 'string' && v.trim() === '') ? undefined : v);

/** The largest page; /owner/groups with page_size -1 answers everything up to this. */
export const MAX_PAGE_SIZE = 100;
export const ALL_RECORDS_CAP = 1000;

export const pageFields = {
  current_page: z.preprocess(blankIsAbsent, z.coerce.number().int().min(0).max(1_000_000).default(0)),
  page_size: z.preprocess(blankIsAbsent, z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20)),
};

/** `page_info` of page `page` (from 0) of `size` records out of `total`. */
export function pageInfo(page: number, size: number, total: number): PageInfo {
  return { current_page: page, page_size: size, total_page: Math.ceil(total / size), total_records: total };
}

/** Page `page` of a list held in memory, with its `page_info`. */
export function pageOfList<T>(all: readonly T[], page: number, size: number): { items: T[]; info: PageInfo } {
  return { items: all.slice(page * size, page * size + size), info: pageInfo(page, size, all.length) };
}

export { blankIsAbsent };
