/**
 * The database types the layers above `src/db/` and the `*.model.ts` files may name: they hold
 * a connection and typed models, never mongoose itself.
 */
export type { Connection as Db, Model, Types } from 'mongoose';
