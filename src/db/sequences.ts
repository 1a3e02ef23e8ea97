import { isDuplicateKey } from './errors';
import { sequenceModel } from './sequence.model';
import type { Db } from './types';

/**
 * Numbers 1, 2, 3... per name, shared by every process on the database: for APIs whose records
 * are numbered (seed 004's user_id, role_id). One atomic increment per number.
 */
export class Sequences {
  private readonly Sequence;

  constructor(conn: Db) {
    this.Sequence = sequenceModel(conn);
  }

  /** The last number taken (0: none ever was); numbers are never given back, even when records go. */
  async current(name: string): Promise<number> {
    return (await this.Sequence.findById(name).lean())?.seq ?? 0;
  }

  async next(name: string): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const hit = await this.Sequence.findOneAndUpdate(
        { _id: name },
        { $inc: { seq: 1 } },
        { returnDocument: 'after' },
      ).lean();
      if (hit) return hit.seq;
      // The first number: racing first callers collide on the insert; the losers increment the winner's.
      try {
        await this.Sequence.create({ _id: name, seq: 1 });
        return 1;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`could not take a number of the sequence ${name}`);
  }
}
