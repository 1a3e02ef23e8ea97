import type { Db } from '../../db/types';
import { isDuplicateKey } from '../../db/errors';
import { robotLeaseModel } from './robot-lease.model';

/** A robot's lease as read. */
export interface LeaseView {
  robotId: string;
  holder: string | null;
  label?: string;
  epoch: number;
  expiresAt: Date;
}

/** Who takes a lease: the process id and its label. */
export interface Taker {
  id: string;
  label: string;
}

/**
 * Robot leases in the database. Every change is one single-document atomic update (or an
 * updateMany whose filter names the holder), so two processes never both think they hold one.
 */
export class LeaseService {
  readonly Lease;
  constructor(conn: Db) {
    this.Lease = robotLeaseModel(conn);
  }

  /** The leases of these robots (robots never leased are absent). */
  async of(robotIds: readonly string[]): Promise<Map<string, LeaseView>> {
    if (robotIds.length === 0) return new Map();
    const docs = await this.Lease.find({ _id: { $in: robotIds } }).lean();
    return new Map(
      docs.map((d) => [
        d._id.toString(),
        {
          robotId: d._id.toString(),
          holder: d.holder ?? null,
          ...(d.label ? { label: d.label } : {}),
          epoch: d.epoch,
          expiresAt: d.expiresAt,
        },
      ]),
    );
  }

  async get(robotId: string): Promise<LeaseView | undefined> {
    return (await this.of([robotId])).get(robotId);
  }

  /**
   * Takes the lease as it was `seen` (undefined: never leased) if it is free, expired at `now`
   * or held by `gone` (a holder known to be dead). Compare-and-set on the epoch: of two takers
   * only one wins. Returns the new epoch and the previous holder, or null when someone else has it.
   */
  async take(
    robotId: string,
    me: Taker,
    now: number,
    ttlMs: number,
    seen: LeaseView | undefined,
    gone?: string,
    /** When the new lease starts (default `now`). */
    from = now,
  ): Promise<{ epoch: number; from: string | null } | null> {
    const set = { holder: me.id, label: me.label, expiresAt: new Date(from + ttlMs) };
    if (!seen) {
      try {
        await this.Lease.create({ _id: robotId, ...set, epoch: 1 });
        return { epoch: 1, from: null };
      } catch (err) {
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    }
    const res = await this.Lease.updateOne(
      {
        _id: robotId,
        epoch: seen.epoch,
        $or: [{ holder: null }, { expiresAt: { $lte: new Date(now) } }, ...(gone ? [{ holder: gone }] : [])],
      },
      { $set: set, $inc: { epoch: 1 } },
    );
    return res.modifiedCount === 1 ? { epoch: seen.epoch + 1, from: seen.holder } : null;
  }

  /** Extends the leases `holder` still has; returns their epochs (a lease taken by another is absent). */
  async renew(robotIds: readonly string[], holder: string, now: number, ttlMs: number): Promise<Map<string, number>> {
    if (robotIds.length === 0) return new Map();
    await this.Lease.updateMany({ _id: { $in: robotIds }, holder }, { $set: { expiresAt: new Date(now + ttlMs) } });
    // Read by holder (its index) rather than by a second list of ids: the same answer for the
    // ids asked (leases held elsewhere are not ours either way), and far cheaper for 1,000 robots.
    const docs = await this.Lease.find({ holder }, { epoch: 1 }).lean();
    return new Map(docs.map((d) => [d._id.toString(), d.epoch]));
  }

  /** Gives leases back at once (others may take them without waiting for the expiry). */
  async release(robotIds: readonly string[], holder: string): Promise<void> {
    if (robotIds.length === 0) return;
    await this.Lease.updateMany({ _id: { $in: robotIds }, holder }, { $set: { holder: null, expiresAt: new Date(0) } });
  }

  /** Leases held (not expired at `now`), by holder: how many robots each process runs. */
  async heldBy(now: number): Promise<Map<string, number>> {
    const docs = await this.Lease.find(
      { holder: { $ne: null }, expiresAt: { $gt: new Date(now) } },
      { holder: 1 },
    ).lean();
    const out = new Map<string, number>();
    for (const d of docs) if (d.holder) out.set(d.holder, (out.get(d.holder) ?? 0) + 1);
    return out;
  }

  async remove(robotId: string): Promise<void> {
    await this.Lease.deleteOne({ _id: robotId });
  }
}
