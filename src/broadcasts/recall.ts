import type { Clock } from '../bot/core/clock';
import type { SendLogService } from '../bot/send-log.service';
import type { Logger } from '../logger';
import type { BroadcastService } from './broadcast.service';
import type { BroadcastRunner } from './broadcast-runner';
import type { RobotPort } from './run-dispatch';
import { BroadcastError } from './types';

export interface RecallDeps {
  service: BroadcastService;
  runner: BroadcastRunner;
  sendLog: SendLogService;
  robots: RobotPort;
  clock: Clock;
  log: Logger;
  /** Sent messages younger than this are recalled in WeChat. */
  windowMs: number;
}

export type NotRecalledReason = 'recall_window_passed' | 'robot_not_running' | 'recall_refused' | 'no_message_id';

export interface RecallReport {
  /** Sends cancelled before they went out. */
  cancelled: number;
  /** Sent messages withdrawn in WeChat. */
  recalled: number;
  notRecalled: { roomId: string; sendId: string; reason: NotRecalledReason }[];
}

/**
 * Recalls a broadcast: no further runs, every pending send cancelled, and each sent message
 * withdrawn where the puppet allows it within WeChat's window. Recalling again retries what is
 * left (e.g. after the robot came back).
 */
export async function recallBroadcast(deps: RecallDeps, taskId: string): Promise<RecallReport> {
  const { service, sendLog } = deps;
  const task = await service.progress.recall(taskId);
  if (!task) throw new BroadcastError('not_found', 'not_found', 'broadcast not found');
  const runs = await service.runRecords.startedOf(task._id);
  const runIds = runs.map((r) => r._id.toString());
  const cancelled = await sendLog.cancelQueued(runIds);
  const now = deps.clock.now();
  const report: RecallReport = { cancelled, recalled: 0, notRecalled: [] };
  const sends = await sendLog.listBatches(runIds);
  const running = await deps.robots.runningOf(sends.filter((s) => s.status === 'sent').map((s) => s.robotId));
  for (const s of sends) {
    if (s.status !== 'sent' || s.recalledAt) continue;
    const roomId = s.roomId ?? s.conversationId;
    const refuse = (reason: NotRecalledReason) => report.notRecalled.push({ roomId, sendId: s.id, reason });
    if (!s.puppetMessageId) refuse('no_message_id');
    else if (!s.sentAt || now - s.sentAt.getTime() > deps.windowMs) refuse('recall_window_passed');
    else if (!running.has(s.robotId)) refuse('robot_not_running');
    else {
      const ok = await deps.robots.recall(s.robotId, s.puppetMessageId).catch((err: Error) => {
        deps.log.warn({ err, sendId: s.id }, 'recall failed');
        return false;
      });
      if (ok) {
        await sendLog.markRecall(s.id, { ok: true, at: new Date(deps.clock.now()) });
        report.recalled++;
      } else {
        await sendLog.markRecall(s.id, { ok: false, error: 'the puppet refused the recall' });
        refuse('recall_refused');
      }
    }
  }
  // Reports of finished runs change with recalled messages; unfinished runs finish now if settled.
  for (const r of runs) {
    if (r.state !== 'finished') await deps.runner.finish(r._id.toString());
    else await service.runRecords.setReport(r._id, await service.counts(r._id.toString()));
  }
  deps.log.info(
    {
      broadcastId: taskId,
      cancelled: report.cancelled,
      recalled: report.recalled,
      notRecalled: report.notRecalled.length,
    },
    'broadcast recalled',
  );
  return report;
}
