import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Clock } from '../bot/core/clock';
import type { SendLogService, SendRecord } from '../bot/send-log.service';
import { isDuplicateKey } from '../db-errors';
import type { Logger } from '../logger';
import type { PublishInput } from '../webhooks/events';
import type { BroadcastRunDoc } from './broadcast-run.model';
import type { BroadcastTaskDoc } from './broadcast-task.model';
import type { BroadcastService } from './broadcast.service';
import { countStatuses, isSettled } from './report';
import { dispatchRun, type RobotPort } from './run-dispatch';
import { nextOccurrence, planFiring, type FiringPlan } from './schedule';
import type { TargetResolver } from './targets';
import { limitsOf, scheduleOf } from './task-doc';

export interface RunnerPolicy {
  graceMs: number;
  leaseMs: number;
  maxTargets: number;
  /** Due tasks handled at once (each a few database round trips). */
  concurrency: number;
}

export interface RunnerDeps {
  service: BroadcastService;
  sendLog: SendLogService;
  targets: TargetResolver;
  robots: RobotPort;
  clock: Clock;
  log: Logger;
  policy: RunnerPolicy;
  /** The webhook outbox's publish, for `broadcast.finished`. */
  publish?: (input: PublishInput) => Promise<unknown>;
  /** Names this process in leases. */
  processId?: string;
}

/** What one tick did (tests and the benchmark read it). */
export interface TickResult {
  fired: number;
  missed: number;
  takenOver: number;
  /** Lateness of each firing that ran: now - scheduledFor, in ms. */
  lateness: number[];
}

const DUE_PAGE = 500;

/**
 * Fires due broadcast runs. A run is claimed by inserting it (unique task + run number), so two
 * processes never fire one twice; the task is then advanced with a guard on its run counter;
 * a run whose process died is taken over when its lease expires. See README "Broadcasts".
 */
export class BroadcastRunner {
  private readonly me: string;
  private readonly log: Logger;

  constructor(private readonly deps: RunnerDeps) {
    this.me = deps.processId ?? randomUUID();
    this.log = deps.log.child({ module: 'broadcasts' });
  }

  private ticking: Promise<unknown> | undefined;
  /** Runs being checked for finishing: true when another send settled meanwhile. */
  private readonly finishing = new Map<string, boolean>();
  private again = false;

  /** Ticks now in the background (e.g. after a "now" broadcast was created), one at a time. */
  kick(): void {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err) => this.log.error({ err }, 'broadcast tick failed'))
      .finally(() => {
        this.ticking = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when a background tick (kick) is done. */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  /** One pass: fire what is due, take over abandoned runs, finish settled ones. */
  async tick(): Promise<TickResult> {
    const result: TickResult = { fired: 0, missed: 0, takenOver: 0, lateness: [] };
    const now = this.deps.clock.now();
    const { Task } = this.deps.service;
    const dueBy = new Date(now);
    // Pages in nextRunAt order; a task read once in this tick (fired, or not fireable now) is not
    // read again. A plain range on the indexed nextRunAt, plus the ids already seen at the page
    // boundary (tasks due at the very same time).
    let from: Date | undefined;
    let seenAtFrom: Types.ObjectId[] = [];
    for (;;) {
      const due = await Task.find({ state: 'active', nextRunAt: { ...(from ? { $gte: from } : {}), $lte: dueBy }, ...(seenAtFrom.length ? { _id: { $nin: seenAtFrom } } : {}) })
        .sort({ nextRunAt: 1, _id: 1 })
        .limit(DUE_PAGE)
        .lean();
      await this.each(due, async (t) => {
        const fired = await this.fire(t);
        if (fired?.action === 'run') {
          result.fired++;
          result.lateness.push(this.deps.clock.now() - fired.scheduledFor.getTime());
        } else if (fired?.action === 'missed') result.missed++;
      });
      if (due.length < DUE_PAGE) break;
      const last = (due[due.length - 1].nextRunAt as Date).getTime();
      if (from?.getTime() !== last) seenAtFrom = [];
      from = new Date(last);
      seenAtFrom.push(...due.filter((t) => (t.nextRunAt as Date).getTime() === last).map((t) => t._id));
    }
    result.takenOver = await this.takeOver();
    return result;
  }

  private async each<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++];
        try {
          await fn(item);
        } catch (err) {
          this.log.error({ err }, 'broadcast run failed; it is retried when its lease expires');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.policy.concurrency, items.length) }, worker));
  }

  /** Claims the task's next run and carries it out; null when another process has it. */
  private async fire(t: BroadcastTaskDoc): Promise<Pick<FiringPlan, 'action' | 'scheduledFor'> | null> {
    const now = new Date(this.deps.clock.now());
    const plan = planFiring(scheduleOf(t), t.nextRunAt as Date, now, this.deps.policy.graceMs, limitsOf(t), t.executed);
    const seq = t.seq + 1;
    let run: BroadcastRunDoc;
    try {
      const created = await this.deps.service.Run.create({
        taskId: t._id,
        owner: t.owner,
        seq,
        scheduledFor: plan.scheduledFor,
        plan: plan.action,
        missed: plan.missed,
        state: 'dispatching',
        lease: { by: this.me, until: new Date(now.getTime() + this.deps.policy.leaseMs) },
        startedAt: now,
      });
      run = created.toObject();
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
    if (!(await this.advance(t, seq, plan))) {
      // Paused, recalled or deleted since it was read: this firing does not happen.
      await this.deps.service.Run.deleteOne({ _id: run._id, state: 'dispatching' });
      return null;
    }
    await this.carryOut(run, t);
    return plan;
  }

  /** Moves the task to its next run, once: guarded by the run counter it was read with. */
  private async advance(t: Pick<BroadcastTaskDoc, '_id'>, seq: number, plan: Pick<FiringPlan, 'action' | 'next'>): Promise<boolean> {
    const res = await this.deps.service.Task.updateOne(
      { _id: t._id, seq: seq - 1, state: 'active' },
      { $set: { nextRunAt: plan.next, ...(plan.next ? {} : { state: 'finished' }) }, $inc: { seq: 1, executed: plan.action === 'run' ? 1 : 0 } },
    );
    return res.modifiedCount === 1;
  }

  private async carryOut(run: BroadcastRunDoc, task: BroadcastTaskDoc): Promise<void> {
    const { Run } = this.deps.service;
    if (run.plan === 'missed') {
      await Run.updateOne({ _id: run._id, state: 'dispatching' }, { $set: { state: 'missed', finishedAt: new Date(this.deps.clock.now()), report: countStatuses([]) }, $unset: { lease: 1 } });
      this.log.warn({ broadcastId: task._id.toString(), run: run.seq, scheduledFor: run.scheduledFor, missed: run.missed }, 'broadcast run missed (qunbot was down past the grace period)');
      return;
    }
    const outcome = await dispatchRun(
      { service: this.deps.service, sendLog: this.deps.sendLog, targets: this.deps.targets, robots: this.deps.robots, maxTargets: this.deps.policy.maxTargets, renewLease: () => this.renew(run) },
      run,
      task,
    );
    if (outcome.outcome === 'lost') return;
    await Run.updateOne({ _id: run._id, state: 'dispatching', 'lease.by': this.me }, { $set: { state: 'sending' }, $unset: { lease: 1 } });
    // Sends that settled before the run was `sending` could not finish it: check once now.
    await this.finish(run._id.toString());
  }

  private async renew(run: BroadcastRunDoc): Promise<boolean> {
    const until = new Date(this.deps.clock.now() + this.deps.policy.leaseMs);
    const res = await this.deps.service.Run.updateOne({ _id: run._id, state: 'dispatching', 'lease.by': this.me }, { $set: { 'lease.until': until } });
    return res.modifiedCount === 1 || res.matchedCount === 1;
  }

  /** Runs left `dispatching` by a process that died: take the lease, finish the dispatch. */
  private async takeOver(): Promise<number> {
    const { Run, Task, Delivery } = this.deps.service;
    let count = 0;
    for (;;) {
      const now = this.deps.clock.now();
      const run = await Run.findOneAndUpdate(
        { state: 'dispatching', 'lease.until': { $lt: new Date(now) } },
        { $set: { lease: { by: this.me, until: new Date(now + this.deps.policy.leaseMs) } } },
        { returnDocument: 'after' },
      ).lean();
      if (!run) return count;
      count++;
      const task = await Task.findById(run.taskId).lean();
      if (!task) {
        await Run.deleteOne({ _id: run._id });
        continue;
      }
      this.log.warn({ broadcastId: task._id.toString(), run: run.seq }, 'taking over a broadcast run left unfinished');
      if (task.seq === run.seq - 1) {
        const next = nextOccurrence(scheduleOf(task), run.scheduledFor);
        const limits = limitsOf(task);
        const executed = task.executed + (run.plan === 'run' ? 1 : 0);
        const ended = !next || (limits.endAt && next > limits.endAt) || (limits.maxRuns !== undefined && executed >= limits.maxRuns);
        if (!(await this.advance(task, run.seq, { action: run.plan, next: ended ? null : next }))) {
          await Run.deleteOne({ _id: run._id, state: 'dispatching' });
          continue;
        }
      }
      // Nothing went out yet and it is now too late: record it as missed rather than send late.
      const started = await Delivery.exists({ runId: run._id });
      const late = now - run.scheduledFor.getTime() > this.deps.policy.graceMs;
      await this.carryOut(!started && late ? { ...run, plan: 'missed' } : run, task);
    }
  }

  /** Called for every settled send: finishes its run when nothing of it is open any more. */
  onSettled(record: SendRecord): void {
    const runId = record.batchId;
    if (!runId) return;
    // One check per run at a time; sends settling meanwhile ask for one more check after it.
    if (this.finishing.has(runId)) {
      this.finishing.set(runId, true);
      return;
    }
    this.finishing.set(runId, false);
    const check = (): void => {
      this.finish(runId)
        .catch((err) => this.log.error({ err, runId }, 'finishing a broadcast run failed'))
        .finally(() => {
          if (this.finishing.get(runId)) {
            this.finishing.set(runId, false);
            check();
          } else this.finishing.delete(runId);
        });
    };
    check();
  }

  /** Runs still `sending`: finish those that settled (after a restart, sends may have ended as unknown). */
  async sweep(): Promise<void> {
    const open = await this.deps.service.Run.find({ state: 'sending' }, { _id: 1 }).lean();
    for (const r of open) await this.finish(r._id.toString());
  }

  /**
   * Finishes a settled run: its report is written and `broadcast.finished` published (with a
   * stable id, so a crash between the two publishes it again, never twice to a receiver).
   */
  async finish(runId: string): Promise<boolean> {
    const { Run, Task } = this.deps.service;
    const run = await Run.findById(runId).lean();
    if (!run || run.state !== 'sending') return false;
    if ((await this.deps.sendLog.countOpen(runId)) > 0) return false;
    const counts = countStatuses((await this.deps.service.deliveries(runId)).map((d) => d.status));
    if (!isSettled(counts)) return false;
    const task = await Task.findById(run.taskId, { name: 1 }).lean();
    const finishedAt = new Date(this.deps.clock.now());
    if (this.deps.publish) {
      await this.deps.publish({
        type: 'broadcast.finished',
        id: `broadcast.finished:${runId}`,
        owner: run.owner,
        payload: {
          broadcastId: run.taskId.toString(),
          runId,
          run: run.seq,
          name: task?.name ?? '',
          scheduledFor: run.scheduledFor.toISOString(),
          finishedAt: finishedAt.toISOString(),
          counts,
          sent: counts.sent,
          failed: counts.failed + counts.room_not_found + counts.unknown,
        },
      });
    }
    const res = await Run.updateOne({ _id: run._id, state: 'sending' }, { $set: { state: 'finished', finishedAt, report: counts } });
    if (res.modifiedCount === 1) this.log.info({ broadcastId: run.taskId.toString(), run: run.seq, ...counts }, 'broadcast run finished');
    return res.modifiedCount === 1;
  }
}
