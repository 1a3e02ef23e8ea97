import { z } from 'zod';
import { isSafeText, UNSAFE_TEXT_MESSAGE } from '../../../lib/safe-text';

/** An id a platform or WeChat gives (union_id, open_id, appid, channel): printable, no spaces. */
export const platformId = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** An optional platform id the seed's clients may send empty. */
export const optionalPlatformId = z.preprocess((v) => (v === '' || v === null ? undefined : v), platformId.optional());

/** A group (room) id as the seed's group code/id: the room's record id. */
export const groupId = z.string().regex(/^[0-9a-f]{24}$/i, 'a group code (24 hex digits)');

/** Text an owner writes (welcome, nickname, reply): trimmed, 1..max, no control characters. */
export const ownerText = (max: number) => z.string().trim().min(1).max(max).refine(isSafeText, UNSAFE_TEXT_MESSAGE);
