import { isDuplicateKey } from '../../../db/errors';
import type { Db, Model } from '../../../db/types';
import { signatureModel, type SignatureDoc } from './sign-replay.model';

/**
 * The seed 004 replay guard: a (user_id, timestamp, rand_str) is accepted once, in every process on
 * the database (a unique id), and remembered twice the timestamp window.
 */
export class SignatureReplay {
  private readonly Signature: Model<SignatureDoc>;

  constructor(
    conn: Db,
    private readonly windowSec: number,
    private readonly now: () => number,
  ) {
    this.Signature = signatureModel(conn);
  }

  /** True the first time the triple is seen; false after. */
  async first(userId: number, timestamp: string, randStr: string): Promise<boolean> {
    try {
      await this.Signature.create({
        _id: `${userId}:${timestamp}:${randStr.toLowerCase()}`,
        expiresAt: new Date(this.now() + 2 * this.windowSec * 1000),
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }
}
