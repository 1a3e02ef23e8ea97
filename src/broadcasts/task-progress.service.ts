import { updateByIdThenRead } from '../db/ops';
import type { ObjectId } from '../db/object-id';
import type { Db } from '../db/types';
import { groupBy } from '../lib/group-by';
import { broadcastTaskModel, type BroadcastTaskDoc } from './broadcast-task.model';
import type { FiringPlan } from './schedule';

/** A task to move past a run: the run's number and what the run was. */
export interface Advance {
  taskId: ObjectId;
  seq: number;
  action: FiringPlan['action'];
  next: Date | null;
}

/**
 * Where each broadcast task stands in its schedule, as the runner sees it: which tasks are due,
 * moving a task past a run (once, guarded by its run counter), and recall, which ends it.
 */
export class TaskProgressService {
  private readonly Task;

  constructor(db: Db) {
    this.Task = broadcastTaskModel(db);
  }

  /** When the earliest active task due by `dueBy` falls due; undefined when none is. */
  async firstDueAt(dueBy: Date): Promise<Date | undefined> {
    const first = await this.Task.findOne({ state: 'active', nextRunAt: { $lte: dueBy } }, { nextRunAt: 1 })
      .sort({ nextRunAt: 1 })
      .lean();
    return first?.nextRunAt ?? undefined;
  }

  /** Active tasks due in [from, to), in id order after `after`, at most `limit`. */
  duePage(from: Date, to: Date, after: ObjectId | undefined, limit: number): Promise<BroadcastTaskDoc[]> {
    return this.Task.find({
      state: 'active',
      nextRunAt: { $gte: from, $lt: to },
      ...(after ? { _id: { $gt: after } } : {}),
    })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<BroadcastTaskDoc[]>();
  }

  /** The broadcast task document, or null. */
  get(id: ObjectId | string): Promise<BroadcastTaskDoc | null> {
    return this.Task.findById(id).lean<BroadcastTaskDoc>();
  }

  /**
   * Moves each task to its next run, once: guarded by the run counter (seq - 1) and the active
   * state. Tasks moving alike (same run number, next time and kind of run: e.g. every task on one
   * schedule) move in one update, which costs the database far less than one update each.
   * Returns the ids of the tasks that moved.
   */
  async advance(items: readonly Advance[]): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    const alike = groupBy(items, (a) => `${a.seq}|${a.next?.getTime() ?? ''}|${a.action}`);
    const res = await this.Task.bulkWrite(
      [...alike.values()].map(([a, ...rest]) => ({
        updateMany: {
          filter: { _id: { $in: [a, ...rest].map((x) => x.taskId) }, seq: a.seq - 1, state: 'active' },
          update: {
            $set: { nextRunAt: a.next, ...(a.next ? {} : { state: 'finished' }) },
            $inc: { seq: 1, executed: a.action === 'run' ? 1 : 0 },
          },
        },
      })) as Parameters<typeof this.Task.bulkWrite>[0],
      { ordered: false },
    );
    const all = new Set(items.map((a) => a.taskId.toString()));
    if (res.modifiedCount === items.length) return all;
    // Some did not move: a task moved past a run has that run's number (only the run's holder moves it there).
    const seqOf = new Map(items.map((a) => [a.taskId.toString(), a.seq]));
    const now = await this.Task.find({ _id: { $in: items.map((a) => a.taskId) } }, { seq: 1 }).lean();
    return new Set(now.filter((t) => t.seq === seqOf.get(t._id.toString())).map((t) => t._id.toString()));
  }

  /** Those of the tasks that exist and are not recalled. */
  async notRecalled(ids: readonly string[]): Promise<Set<string>> {
    const live = await this.Task.find({ _id: { $in: [...ids] }, state: { $ne: 'recalled' } }, { _id: 1 }).lean();
    return new Set(live.map((t) => t._id.toString()));
  }

  /** Marks a task recalled (no further runs); null when there is no such task. */
  recall(id: string): Promise<BroadcastTaskDoc | null> {
    return updateByIdThenRead(this.Task, { _id: id }, { $set: { state: 'recalled', nextRunAt: null } });
  }
}
