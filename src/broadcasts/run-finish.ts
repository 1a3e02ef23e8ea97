import type { Clock } from '../bot/core/clock';
import type { SendLogService } from '../bot/send-log.service';
import type { Logger } from '../logger';
import type { PublishInput } from '../webhooks/events';
import type { BroadcastService } from './broadcast.service';
import { countStatuses, isSettled } from './report';

export interface FinishDeps {
  service: BroadcastService;
  sendLog: SendLogService;
  clock: Clock;
  log: Logger;
  publish?: (input: PublishInput) => Promise<unknown>;
}

/** Runs checked at once. */
const BATCH = 500;

/**
 * Finishes settled runs: the report is written and `broadcast.finished` published (with a
 * stable id, so a crash between the two publishes it again, never twice to a receiver). Runs
 * asked for while a check is going are checked together after it, so a burst of settled sends
 * costs a few reads, not a few per send.
 */
export class RunFinisher {
  private readonly pending = new Set<string>();
  private draining: Promise<void> | undefined;

  constructor(private readonly deps: FinishDeps) {}

  /** Checks these runs soon (in the background). */
  request(runIds: Iterable<string>): void {
    for (const id of runIds) this.pending.add(id);
    if (this.draining || this.pending.size === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // Asked for after the last batch was taken.
      if (this.pending.size > 0) this.request([]);
    });
  }

  /** Resolves when no check is going or waiting. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending].slice(0, BATCH);
      for (const id of batch) this.pending.delete(id);
      await this.finishMany(batch).catch((err) => this.deps.log.error({ err, runs: batch.length }, 'finishing broadcast runs failed'));
    }
  }

  /** Finishes those of the runs that are `sending` and settled; returns the ids this call finished. */
  async finishMany(runIds: readonly string[]): Promise<Set<string>> {
    const { service, sendLog } = this.deps;
    const runs = await service.Run.find({ _id: { $in: runIds }, state: 'sending' }).lean();
    if (runs.length === 0) return new Set();
    const open = await sendLog.openBatches(runs.map((r) => r._id.toString()));
    const candidates = runs.filter((r) => !open.has(r._id.toString()));
    if (candidates.length === 0) return new Set();
    const views = await service.deliveriesOf(candidates.map((r) => r._id.toString()));
    const settled = candidates
      .map((run) => ({ run, counts: countStatuses((views.get(run._id.toString()) ?? []).map((d) => d.status)) }))
      .filter((s) => isSettled(s.counts));
    if (settled.length === 0) return new Set();
    const finishedAt = new Date(this.deps.clock.now());
    if (this.deps.publish) {
      const names = new Map((await service.Task.find({ _id: { $in: settled.map((s) => s.run.taskId) } }, { name: 1 }).lean()).map((t) => [t._id.toString(), t.name]));
      for (const { run, counts } of settled) {
        const runId = run._id.toString();
        await this.deps.publish({
          type: 'broadcast.finished',
          id: `broadcast.finished:${runId}`,
          owner: run.owner,
          payload: {
            broadcastId: run.taskId.toString(),
            runId,
            run: run.seq,
            name: names.get(run.taskId.toString()) ?? '',
            scheduledFor: run.scheduledFor.toISOString(),
            finishedAt: finishedAt.toISOString(),
            counts,
            sent: counts.sent,
            failed: counts.failed + counts.room_not_found + counts.unknown,
          },
        });
      }
    }
    const res = await service.Run.bulkWrite(
      settled.map(({ run, counts }) => ({ updateOne: { filter: { _id: run._id, state: 'sending' }, update: { $set: { state: 'finished', finishedAt, report: counts } } } })) as Parameters<typeof service.Run.bulkWrite>[0],
      { ordered: false },
    );
    let finished = settled;
    if (res.modifiedCount !== settled.length) {
      // Another process finished some of them at the same time: ours carry our time.
      const mine = new Set((await service.Run.find({ _id: { $in: settled.map((s) => s.run._id) }, finishedAt }, { _id: 1 }).lean()).map((r) => r._id.toString()));
      finished = settled.filter((s) => mine.has(s.run._id.toString()));
    }
    for (const { run, counts } of finished) this.deps.log.info({ broadcastId: run.taskId.toString(), run: run.seq, ...counts }, 'broadcast run finished');
    return new Set(finished.map((s) => s.run._id.toString()));
  }
}
