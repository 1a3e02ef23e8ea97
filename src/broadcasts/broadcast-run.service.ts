import { insertAbsent } from '../db/ops';
import type { ObjectId } from '../db/object-id';
import type { Db } from '../db/types';
import { broadcastRunModel, type BroadcastRunDoc } from './broadcast-run.model';
import type { RunCounts } from './report';

/** A run id as stored or as its hex string. */
export type RunId = ObjectId | string;

/** What finishing a run reads of it. */
export type SendingRun = Pick<BroadcastRunDoc, '_id' | 'taskId' | 'owner' | 'seq' | 'scheduledFor'>;

/**
 * The runs of broadcast tasks: claimed by inserting them (unique task + run number), held under
 * a lease while dispatching, then `sending`, `finished` or `missed`. Every change of state is
 * guarded by the state (and lease) it comes from, so two processes never both make it.
 */
export class BroadcastRunService {
  private readonly Run;

  constructor(db: Db) {
    this.Run = broadcastRunModel(db);
  }

  /**
   * Inserts claimed runs; returns the ids of those stored as ours (a run another process
   * inserted first, under its own id, is not ours).
   */
  async insertClaims(runs: readonly BroadcastRunDoc[]): Promise<Set<string>> {
    const ids = runs.map((r) => r._id);
    if (!(await insertAbsent(this.Run, runs))) return new Set(ids.map(String));
    // Another process inserted some of these runs first: ours are the ones stored under our ids.
    const stored = await this.Run.find({ _id: { $in: ids } }, { _id: 1 }).lean();
    return new Set(stored.map((r) => r._id.toString()));
  }

  /** Removes runs still `dispatching` (claimed for a task that moved on meanwhile). */
  async dropDispatching(ids: readonly RunId[]): Promise<void> {
    await this.Run.deleteMany({ _id: { $in: [...ids] }, state: 'dispatching' });
  }

  /** Deletes a run record. */
  async delete(id: RunId): Promise<void> {
    await this.Run.deleteOne({ _id: id });
  }

  /** Claimed runs recorded as missed (too late to send): finished at `at` with `report`, lease dropped. */
  async markMissed(ids: readonly RunId[], at: Date, report: RunCounts): Promise<void> {
    await this.Run.updateMany(
      { _id: { $in: [...ids] }, state: 'dispatching' },
      { $set: { state: 'missed', finishedAt: at, report }, $unset: { lease: 1 } },
    );
  }

  /** dispatching -> sending, for the runs whose lease `me` still holds. */
  async markSending(ids: readonly string[], me: string): Promise<void> {
    await this.Run.updateMany(
      { _id: { $in: [...ids] }, state: 'dispatching', 'lease.by': me },
      { $set: { state: 'sending' }, $unset: { lease: 1 } },
    );
  }

  /** Extends to `until` the leases `me` holds on these runs; returns the ids still held. */
  async renewLeases(ids: readonly string[], me: string, until: Date): Promise<Set<string>> {
    const mine = { _id: { $in: [...ids] }, state: 'dispatching' as const, 'lease.by': me };
    const res = await this.Run.updateMany(mine, { $set: { 'lease.until': until } });
    if (res.matchedCount === ids.length) return new Set(ids);
    return new Set((await this.Run.find(mine, { _id: 1 }).lean()).map((r) => r._id.toString()));
  }

  /** Takes the lease (for `me`, until `until`) of one run left `dispatching` past its lease at `now`. */
  async takeOverOne(me: string, now: Date, until: Date): Promise<BroadcastRunDoc | null> {
    return this.Run.findOneAndUpdate(
      { state: 'dispatching', 'lease.until': { $lt: now } },
      { $set: { lease: { by: me, until } } },
      { returnDocument: 'after' },
    ).lean<BroadcastRunDoc>();
  }

  /** The ids of every run `sending`. */
  async sendingIds(): Promise<string[]> {
    const open = await this.Run.find({ state: 'sending' }, { _id: 1 }).lean();
    return open.map((r) => r._id.toString());
  }

  /** Those of the runs that are `sending`. */
  sendingAmong(ids: readonly string[]): Promise<SendingRun[]> {
    return this.Run.find(
      { _id: { $in: [...ids] }, state: 'sending' },
      { taskId: 1, owner: 1, seq: 1, scheduledFor: 1 },
    ).lean<SendingRun[]>();
  }

  /**
   * sending -> finished at `finishedAt`, for groups of runs with one report each (one update
   * per group). Returns the ids this call finished: another process may finish some at the same
   * time, and ours are those that carry our time.
   */
  async finish(groups: readonly { ids: ObjectId[]; report: RunCounts }[], finishedAt: Date): Promise<Set<string>> {
    const res = await this.Run.bulkWrite(
      groups.map((g) => ({
        updateMany: {
          filter: { _id: { $in: g.ids }, state: 'sending' },
          update: { $set: { state: 'finished', finishedAt, report: g.report } },
        },
      })) as Parameters<typeof this.Run.bulkWrite>[0],
      { ordered: false },
    );
    const all = groups.flatMap((g) => g.ids);
    if (res.modifiedCount === all.length) return new Set(all.map(String));
    const mine = await this.Run.find({ _id: { $in: all }, finishedAt }, { _id: 1 }).lean();
    return new Set(mine.map((r) => r._id.toString()));
  }

  /** The runs of a task that started (dispatching, sending or finished). */
  startedOf(taskId: RunId): Promise<Pick<BroadcastRunDoc, '_id' | 'state'>[]> {
    return this.Run.find({ taskId, state: { $in: ['dispatching', 'sending', 'finished'] } }, { _id: 1, state: 1 }).lean<
      Pick<BroadcastRunDoc, '_id' | 'state'>[]
    >();
  }

  /** Rewrites a run's report (recalled messages change a finished run's counts). */
  async setReport(id: RunId, report: RunCounts): Promise<void> {
    await this.Run.updateOne({ _id: id }, { $set: { report } });
  }
}
