import { Types } from 'mongoose';

/** A database id, as `_id` and references to other records hold it. */
export type ObjectId = Types.ObjectId;

/** A fresh database id: lets a caller fix a record's id before it is written (idempotent writes). */
export function newObjectId(): ObjectId {
  return new Types.ObjectId();
}

/** The database id written as `hex` (24 hex digits; check with `isRecordId` first where input is untrusted). */
export function toObjectId(hex: string): ObjectId {
  return new Types.ObjectId(hex);
}
