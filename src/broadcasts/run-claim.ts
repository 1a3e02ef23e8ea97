import { Types, type Model } from 'mongoose';
import { insertAbsent } from '../db/ops';
import { groupBy } from '../lib/group-by';
import type { BroadcastRunDoc } from './broadcast-run.model';
import type { BroadcastTaskDoc } from './broadcast-task.model';
import { planFiring, type FiringPlan } from './schedule';
import { limitsOf, scheduleOf } from './task-doc';

/** A run this process claimed for a due task, with the plan it was claimed for. */
export interface Claim {
  run: BroadcastRunDoc;
  task: BroadcastTaskDoc;
  plan: FiringPlan;
}

export interface ClaimDeps {
  Run: Model<BroadcastRunDoc>;
  Task: Model<BroadcastTaskDoc>;
  /** This process's name in leases. */
  me: string;
  leaseMs: number;
  graceMs: number;
}

/** A task to move past a run: the run's number and what the run was. */
export interface Advance {
  taskId: Types.ObjectId;
  seq: number;
  action: FiringPlan['action'];
  next: Date | null;
}

/**
 * Claims the next run of each due task, for a whole page at once: a run is claimed by inserting
 * it (unique task + run number, so another process inserting the same run loses), then its task
 * is advanced (guarded by the run counter it was read with). A run whose task was paused,
 * recalled or deleted meanwhile is removed again. Returns the claims that stand.
 */
export async function claimRuns(deps: ClaimDeps, tasks: readonly BroadcastTaskDoc[], now: Date): Promise<Claim[]> {
  const wanted = tasks.map((task): Claim => {
    const plan = planFiring(scheduleOf(task), task.nextRunAt as Date, now, deps.graceMs, limitsOf(task), task.executed);
    const run = {
      _id: new Types.ObjectId(),
      taskId: task._id,
      owner: task.owner,
      seq: task.seq + 1,
      scheduledFor: plan.scheduledFor,
      plan: plan.action,
      missed: plan.missed,
      state: 'dispatching' as const,
      lease: { by: deps.me, until: new Date(now.getTime() + deps.leaseMs) },
      startedAt: now,
    };
    return { run: run as unknown as BroadcastRunDoc, task, plan };
  });
  if (wanted.length === 0) return [];
  let claimed = wanted;
  if (
    await insertAbsent(
      deps.Run,
      wanted.map((w) => w.run),
    )
  ) {
    // Another process inserted some of these runs first: ours are the ones stored under our ids.
    const ours = new Set(
      (await deps.Run.find({ _id: { $in: wanted.map((w) => w.run._id) } }, { _id: 1 }).lean()).map((r) =>
        r._id.toString(),
      ),
    );
    claimed = wanted.filter((w) => ours.has(w.run._id.toString()));
  }
  const advanced = await advanceTasks(
    deps.Task,
    claimed.map((c) => ({ taskId: c.task._id, seq: c.run.seq, action: c.plan.action, next: c.plan.next })),
  );
  const stale = claimed.filter((c) => !advanced.has(c.task._id.toString()));
  if (stale.length > 0) await deps.Run.deleteMany({ _id: { $in: stale.map((c) => c.run._id) }, state: 'dispatching' });
  return claimed.filter((c) => advanced.has(c.task._id.toString()));
}

/**
 * Moves each task to its next run, once: guarded by the run counter (seq - 1) and the active
 * state. Tasks moving alike (same run number, next time and kind of run: e.g. every task on one
 * schedule) move in one update, which costs the database far less than one update each.
 * Returns the ids of the tasks that moved.
 */
export async function advanceTasks(Task: Model<BroadcastTaskDoc>, items: readonly Advance[]): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  const alike = groupBy(items, (a) => `${a.seq}|${a.next?.getTime() ?? ''}|${a.action}`);
  const res = await Task.bulkWrite(
    [...alike.values()].map(([a, ...rest]) => ({
      updateMany: {
        filter: { _id: { $in: [a, ...rest].map((x) => x.taskId) }, seq: a.seq - 1, state: 'active' },
        update: {
          $set: { nextRunAt: a.next, ...(a.next ? {} : { state: 'finished' }) },
          $inc: { seq: 1, executed: a.action === 'run' ? 1 : 0 },
        },
      },
    })) as Parameters<typeof Task.bulkWrite>[0],
    { ordered: false },
  );
  const all = new Set(items.map((a) => a.taskId.toString()));
  if (res.modifiedCount === items.length) return all;
  // Some did not move: a task moved past a run has that run's number (only the run's holder moves it there).
  const seqOf = new Map(items.map((a) => [a.taskId.toString(), a.seq]));
  const now = await Task.find({ _id: { $in: items.map((a) => a.taskId) } }, { seq: 1 }).lean();
  return new Set(now.filter((t) => t.seq === seqOf.get(t._id.toString())).map((t) => t._id.toString()));
}
