import { randomUUID } from 'node:crypto';
import type { Clock } from '../bot/core/clock';
import type { SendLogService, SendRecord } from '../bot/send-log.service';
import type { ObjectId } from '../db/object-id';
import type { Logger } from '../logger';
import type { PublishInput } from '../webhooks/events';
import type { BroadcastTaskDoc } from './broadcast-task.model';
import type { BroadcastService } from './broadcast.service';
import { countStatuses } from './report';
import { claimRuns, type Claim } from './run-claim';
import { dispatchRuns, type DispatchItem, type RobotPort } from './run-dispatch';
import { RunFinisher } from './run-finish';
import { nextOccurrence } from './schedule';
import type { TargetResolver } from './targets';
import { limitsOf, scheduleOf } from './task-doc';

export interface RunnerPolicy {
  graceMs: number;
  leaseMs: number;
  maxTargets: number;
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

/** Due tasks fired together (a few bulk database operations for the whole page). */
const DUE_PAGE = 200;
/** The span of nextRunAt read at once when looking for due tasks. */
const SLICE_MS = 1000;
const PAGES_IN_FLIGHT = 2;
/** How long one tick keeps making passes while it finds work (then the ticker's next second goes on). */
const TICK_MS = 5000;

/**
 * Fires due broadcast runs, a page of due tasks at a time. A run is claimed by inserting it
 * (unique task + run number), so two processes never fire one twice; the task is then advanced
 * with a guard on its run counter; a run whose process died is taken over when its lease
 * expires. See README "Broadcasts".
 */
export class BroadcastRunner {
  private readonly me: string;
  /** Told each firing's lateness (now - scheduled time, ms) as runs go out: the metrics' histogram. */
  private readonly firedListeners: ((latenessMs: number) => void)[] = [];
  private readonly log: Logger;

  constructor(private readonly deps: RunnerDeps) {
    this.me = deps.processId ?? randomUUID();
    this.log = deps.log.child({ module: 'broadcasts' });
    this.finisher = new RunFinisher({
      service: deps.service,
      sendLog: deps.sendLog,
      clock: deps.clock,
      log: this.log,
      ...(deps.publish ? { publish: deps.publish } : {}),
    });
  }

  private ticking: Promise<unknown> | undefined;
  private again = false;
  private readonly finisher: RunFinisher;

  /** Calls `listener` with the lateness (ms) of every run this process fires. */
  onFired(listener: (latenessMs: number) => void): void {
    this.firedListeners.push(listener);
  }

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

  /** Resolves when a background tick (kick) and the finishing checks it asked for are done. */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking;
    await this.finisher.idle();
  }

  /**
   * Fires what is due and takes over abandoned runs. A pass that fired something is followed by
   * another at once (for up to TICK_MS): runs that fell due while it worked would otherwise wait
   * for the next whole second, as the ticker skips the seconds a tick overran.
   */
  async tick(): Promise<TickResult> {
    const result: TickResult = { fired: 0, missed: 0, takenOver: 0, lateness: [] };
    const started = Date.now();
    for (;;) {
      const before = result.fired + result.missed;
      await this.pass(result);
      result.takenOver += await this.takeOver();
      if (result.fired + result.missed === before || Date.now() - started > TICK_MS) return result;
    }
  }

  /** Fires every task due now, adding to `result`. */
  private async pass(result: TickResult): Promise<void> {
    // Two pages in flight: the next is read and claimed while the last is still being written,
    // so the database is not left idle between the round trips of one page.
    const inFlight = new Set<Promise<void>>();
    for await (const due of this.duePages(new Date(this.deps.clock.now()))) {
      const page: Promise<void> = this.firePage(due)
        .then((fired) => {
          result.fired += fired.fired;
          result.missed += fired.missed;
          result.lateness.push(...fired.lateness);
        })
        .catch((err) =>
          this.log.error(
            { err, tasks: due.length },
            'firing a page of broadcasts failed; claimed runs are taken over when their leases expire',
          ),
        )
        .finally(() => inFlight.delete(page));
      inFlight.add(page);
      if (inFlight.size >= PAGES_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  /**
   * The tasks due by `dueBy`, oldest first, a page at a time: read in slices of nextRunAt (one
   * second, widened while empty), each paged by id. One query over a large backlog would cost
   * as much as the whole backlog on every page (the test server reads every match before the
   * limit). A task fired moves past `dueBy`, so it is not read again.
   */
  private async *duePages(dueBy: Date): AsyncGenerator<BroadcastTaskDoc[]> {
    const { progress } = this.deps.service;
    const firstAt = await progress.firstDueAt(dueBy);
    if (!firstAt) return;
    const end = dueBy.getTime() + 1;
    let width = SLICE_MS;
    for (let from = firstAt.getTime(); from < end;) {
      const to = Math.min(from + width, end);
      let after: ObjectId | undefined;
      let found = 0;
      for (;;) {
        const page = await progress.duePage(new Date(from), new Date(to), after, DUE_PAGE);
        found += page.length;
        if (page.length > 0) yield page;
        if (page.length < DUE_PAGE) break;
        after = page[page.length - 1]._id;
      }
      from = to;
      width = found > 0 ? SLICE_MS : width * 2;
    }
  }

  /** Claims the next run of each due task and carries the claimed ones out, together. */
  private async firePage(due: readonly BroadcastTaskDoc[]): Promise<Omit<TickResult, 'takenOver'>> {
    const { policy } = this.deps;
    const claims = await claimRuns(
      {
        runs: this.deps.service.runRecords,
        progress: this.deps.service.progress,
        me: this.me,
        leaseMs: policy.leaseMs,
        graceMs: policy.graceMs,
        log: this.log,
      },
      due,
      new Date(this.deps.clock.now()),
    );
    await this.carryOut(claims);
    const now = this.deps.clock.now();
    const ran = claims.filter((c) => c.plan.action === 'run');
    const lateness = ran.map((c) => now - c.plan.scheduledFor.getTime());
    for (const listener of this.firedListeners) for (const ms of lateness) listener(ms);
    return { fired: ran.length, missed: claims.length - ran.length, lateness };
  }

  /** Records missed runs; dispatches the others, marks them `sending` and checks them for finishing. */
  private async carryOut(claims: readonly Pick<Claim, 'run' | 'task'>[]): Promise<void> {
    const { runRecords: runs } = this.deps.service;
    const missed = claims.filter((c) => c.run.plan === 'missed');
    if (missed.length > 0) {
      await runs.markMissed(
        missed.map((c) => c.run._id),
        new Date(this.deps.clock.now()),
        countStatuses([]),
      );
      for (const { run, task } of missed)
        this.log.warn(
          { broadcastId: task._id.toString(), run: run.seq, scheduledFor: run.scheduledFor, missed: run.missed },
          'broadcast run missed (qunbot was down past the grace period)',
        );
    }
    const items: DispatchItem[] = claims.filter((c) => c.run.plan === 'run');
    if (items.length === 0) return;
    const { done } = await dispatchRuns(
      {
        service: this.deps.service,
        sendLog: this.deps.sendLog,
        targets: this.deps.targets,
        robots: this.deps.robots,
        maxTargets: this.deps.policy.maxTargets,
        renewLeases: (ids) => this.renew(ids),
      },
      items,
    );
    if (done.length === 0) return;
    await runs.markSending(done, this.me);
    // Sends that settled before their run was `sending` could not finish it: check once now.
    await this.finisher.finishMany(done);
  }

  /** Extends the leases of runs this process holds; returns the ids still held. */
  private renew(runIds: readonly string[]): Promise<Set<string>> {
    const until = new Date(this.deps.clock.now() + this.deps.policy.leaseMs);
    return this.deps.service.runRecords.renewLeases(runIds, this.me, until);
  }

  /** Runs left `dispatching` by a process that died: take the lease, finish the dispatch. */
  private async takeOver(): Promise<number> {
    const { runRecords: runs, progress, deliveryRecords } = this.deps.service;
    let count = 0;
    for (;;) {
      const now = this.deps.clock.now();
      const run = await runs.takeOverOne(this.me, new Date(now), new Date(now + this.deps.policy.leaseMs));
      if (!run) return count;
      count++;
      const task = await progress.get(run.taskId);
      if (!task) {
        await runs.delete(run._id);
        continue;
      }
      this.log.warn({ broadcastId: task._id.toString(), run: run.seq }, 'taking over a broadcast run left unfinished');
      if (task.seq === run.seq - 1) {
        const next = nextOccurrence(scheduleOf(task), run.scheduledFor);
        const limits = limitsOf(task);
        const executed = task.executed + (run.plan === 'run' ? 1 : 0);
        const ended =
          !next ||
          (limits.endAt && next > limits.endAt) ||
          (limits.maxRuns !== undefined && executed >= limits.maxRuns);
        const advanced = await progress.advance([
          { taskId: task._id, seq: run.seq, action: run.plan, next: ended ? null : next },
        ]);
        if (advanced.size === 0) {
          await runs.dropDispatching([run._id]);
          continue;
        }
      }
      // Nothing went out yet and it is now too late: record it as missed rather than send late.
      const started = await deliveryRecords.anyFor(run._id);
      const late = now - run.scheduledFor.getTime() > this.deps.policy.graceMs;
      await this.carryOut([{ run: !started && late ? { ...run, plan: 'missed' } : run, task }]);
    }
  }

  /** Called for every settled send: its run is checked for finishing (checks are batched). */
  onSettled(record: SendRecord): void {
    if (record.batchId) this.finisher.request([record.batchId]);
  }

  /** Runs still `sending`: finish those that settled (after a restart, sends may have ended as unknown). */
  async sweep(): Promise<void> {
    const ids = await this.deps.service.runRecords.sendingIds();
    for (let i = 0; i < ids.length; i += 500) await this.finisher.finishMany(ids.slice(i, i + 500));
  }

  /** Finishes a run if it is settled (see RunFinisher); true when this call finished it. */
  async finish(runId: string): Promise<boolean> {
    return (await this.finisher.finishMany([runId])).has(runId);
  }
}
