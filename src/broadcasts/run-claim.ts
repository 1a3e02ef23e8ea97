import { newObjectId } from '../db/object-id';
import type { Logger } from '../logger';
import type { BroadcastRunDoc } from './broadcast-run.model';
import type { BroadcastRunService } from './broadcast-run.service';
import type { BroadcastTaskDoc } from './broadcast-task.model';
import { planFiring, type FiringPlan } from './schedule';
import { limitsOf, scheduleOf } from './task-doc';
import type { TaskProgressService } from './task-progress.service';

/** A run this process claimed for a due task, with the plan it was claimed for. */
export interface Claim {
  run: BroadcastRunDoc;
  task: BroadcastTaskDoc;
  plan: FiringPlan;
}

/** The stores a claim writes to, and this process's lease settings. */
export interface ClaimDeps {
  runs: BroadcastRunService;
  progress: TaskProgressService;
  /** This process's name in leases. */
  me: string;
  leaseMs: number;
  graceMs: number;
  log: Pick<Logger, 'error'>;
}

/**
 * Claims the next run of each due task, for a whole page at once: a run is claimed by inserting
 * it (unique task + run number, so another process inserting the same run loses), then its task
 * is advanced (guarded by the run counter it was read with). A run whose task was paused,
 * recalled or deleted meanwhile is removed again. Returns the claims that stand.
 */
export async function claimRuns(deps: ClaimDeps, tasks: readonly BroadcastTaskDoc[], now: Date): Promise<Claim[]> {
  // A task whose schedule cannot be planned is left out (and logged): never the whole page.
  const wanted = tasks.flatMap((task): Claim[] => {
    let plan: FiringPlan;
    try {
      plan = planFiring(scheduleOf(task), task.nextRunAt as Date, now, deps.graceMs, limitsOf(task), task.executed);
    } catch (err) {
      deps.log.error({ err, taskId: String(task._id) }, 'broadcast run not planned');
      return [];
    }
    const run = {
      _id: newObjectId(),
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
    return [{ run: run as unknown as BroadcastRunDoc, task, plan }];
  });
  if (wanted.length === 0) return [];
  const ours = await deps.runs.insertClaims(wanted.map((w) => w.run));
  const claimed = wanted.filter((w) => ours.has(w.run._id.toString()));
  const advanced = await deps.progress.advance(
    claimed.map((c) => ({ taskId: c.task._id, seq: c.run.seq, action: c.plan.action, next: c.plan.next })),
  );
  const stale = claimed.filter((c) => !advanced.has(c.task._id.toString()));
  if (stale.length > 0) await deps.runs.dropDispatching(stale.map((c) => c.run._id));
  return claimed.filter((c) => advanced.has(c.task._id.toString()));
}
