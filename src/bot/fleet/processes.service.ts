import type { Db } from '../../db/types';
import { fleetProcessModel } from './fleet-process.model';

/** A process as it reports itself. */
export interface Member {
  id: string;
  label: string;
  host: string;
  pid: number;
}

/** A process as the fleet lists it. */
export interface ProcessView extends Member {
  startedAt: Date;
  expiresAt: Date;
  hosted: number;
  draining: boolean;
  live: boolean;
}

/** The processes of the fleet: each reports itself alive, with its load; operators drain them. */
export class ProcessService {
  readonly Process;
  constructor(conn: Db) {
    this.Process = fleetProcessModel(conn);
  }

  /** Reports `me` alive until `now + ttlMs` holding `hosted` robots; answers whether it is draining. */
  async report(me: Member, hosted: number, now: number, ttlMs: number): Promise<{ draining: boolean }> {
    const at = new Date(now);
    await this.Process.updateOne(
      { _id: me.id },
      {
        $set: { label: me.label, host: me.host, pid: me.pid, hosted, expiresAt: new Date(now + ttlMs), seenAt: at },
        $setOnInsert: { startedAt: at, draining: false },
      },
      { upsert: true },
    );
    const doc = await this.Process.findById(me.id, { draining: 1 }).lean();
    return { draining: doc?.draining === true };
  }

  /** Every process seen in the last day, live ones (reported within their lease) first. */
  async list(now: number): Promise<ProcessView[]> {
    const docs = await this.Process.find().sort({ label: 1, _id: 1 }).lean();
    return docs
      .map((d) => ({
        id: d._id,
        label: d.label,
        host: d.host,
        pid: d.pid,
        startedAt: d.startedAt,
        expiresAt: d.expiresAt,
        hosted: d.hosted ?? 0,
        draining: d.draining === true,
        live: d.expiresAt.getTime() > now,
      }))
      .sort((a, b) => Number(b.live) - Number(a.live));
  }

  /** Live processes that take robots (not draining). */
  async takers(now: number): Promise<{ id: string; label: string }[]> {
    const docs = await this.Process.find(
      { expiresAt: { $gt: new Date(now) }, draining: { $ne: true } },
      { label: 1 },
    ).lean();
    return docs.map((d) => ({ id: d._id, label: d.label }));
  }

  /** Starts or ends draining the processes with this id or label; how many were changed. */
  async setDraining(idOrLabel: string, draining: boolean): Promise<number> {
    const res = await this.Process.updateMany(
      { $or: [{ _id: idOrLabel }, { label: idOrLabel }] },
      { $set: { draining } },
    );
    return res.matchedCount;
  }

  /** A process that stops cleanly leaves the list. */
  async leave(id: string): Promise<void> {
    await this.Process.deleteOne({ _id: id });
  }
}
