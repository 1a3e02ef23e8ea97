import { isDuplicateKey } from '../../../db/errors';
import type { Db, Model } from '../../../db/types';
import { counterModel, type CounterDoc } from './msg-id.model';

/**
 * The seed's `msgid` (a Number): 1, 2, 3... per channel, one atomic increment per accepted send
 * request, shared by every qunbot process on the database. The replay record of the request keeps
 * the msgid beside qunbot's send-log id, so a msgid can be traced to what was sent.
 */
export class MsgIds {
  private readonly Counter: Model<CounterDoc>;

  constructor(conn: Db) {
    this.Counter = counterModel(conn);
  }

  async next(chid: string): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      // findOneAndUpdate, not updateByIdThenRead: each caller must get its own value (one small document per channel).
      const hit = await this.Counter.findOneAndUpdate(
        { _id: chid },
        { $inc: { seq: 1 } },
        { returnDocument: 'after' },
      ).lean();
      if (hit) return hit.seq;
      // The channel's first id: create its counter. Racing first requests may collide on the
      // insert (duplicate key); the losers go round and increment the winner's counter.
      try {
        await this.Counter.create({ _id: chid, seq: 1 });
        return 1;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`seed003: could not take a msgid for channel ${chid}`);
  }
}
