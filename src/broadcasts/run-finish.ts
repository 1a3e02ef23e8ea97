import type { Clock } from '../bot/core/clock';
import type { SendLogService } from '../bot/send-log.service';
import type { Logger } from '../logger';
import type { PublishInput } from '../webhooks/events';
import type { BroadcastService } from './broadcast.service';
import { groupBy } from '../lib/group-by';
import { isSettled } from './report';

export interface FinishDeps {
  service: BroadcastService;
  sendLog: SendLogService;
  clock: Clock;
  log: Logger;
  publish?: (input: PublishInput) => Promise<unknown>;
  delayMs?: number;
}

/** Runs checked at once. */
const BATCH = 500;
/** How long a check waits for more settled sends (a run's sends settle one by one). */
const DELAY_MS = 500;

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

  /** Checks these runs soon (in the background, after `delayMs`, to take the sends settling meanwhile along). */
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
    await new Promise((resolve) => setTimeout(resolve, this.deps.delayMs ?? DELAY_MS));
    while (this.pending.size > 0) {
      const batch = [...this.pending].slice(0, BATCH);
      for (const id of batch) this.pending.delete(id);
      await this.finishMany(batch).catch((err) =>
        this.deps.log.error({ err, runs: batch.length }, 'finishing broadcast runs failed'),
      );
    }
  }

  /** Finishes those of the runs that are `sending` and settled; returns the ids this call finished. */
  async finishMany(runIds: readonly string[]): Promise<Set<string>> {
    const { service } = this.deps;
    const runs = await service.runRecords.sendingAmong(runIds);
    if (runs.length === 0) return new Set();
    const counts = await service.countsOf(
      runs.map((r) => r._id.toString()),
      true,
    );
    const settled = runs.flatMap((run) => {
      const c = counts.get(run._id.toString());
      return c && isSettled(c) ? [{ run, counts: c }] : [];
    });
    if (settled.length === 0) return new Set();
    const finishedAt = new Date(this.deps.clock.now());
    if (this.deps.publish) {
      const names = await service.namesOf(settled.map((s) => s.run.taskId));
      for (const { run, counts: c } of settled) {
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
            counts: c,
            sent: c.sent,
            failed: c.failed + c.room_not_found + c.unknown,
          },
        });
      }
    }
    // Runs with the same report (most: every room sent) are written by one update.
    const alike = groupBy(settled, (s) => JSON.stringify(s.counts));
    const mine = await service.runRecords.finish(
      [...alike.values()].map((group) => ({ ids: group.map((s) => s.run._id), report: group[0].counts })),
      finishedAt,
    );
    const finished = settled.filter((s) => mine.has(s.run._id.toString()));
    for (const { run, counts: c } of finished)
      this.deps.log.info({ broadcastId: run.taskId.toString(), run: run.seq, ...c }, 'broadcast run finished');
    return new Set(finished.map((s) => s.run._id.toString()));
  }
}
