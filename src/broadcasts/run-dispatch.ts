import type { Types } from 'mongoose';
import type { KeyedSend, SendLogService, SendRecord } from '../bot/send-log.service';
import { isDuplicateKey } from '../db-errors';
import type { BroadcastRunDoc } from './broadcast-run.model';
import type { BroadcastTaskDoc } from './broadcast-task.model';
import type { BroadcastService } from './broadcast.service';
import type { TargetResolver } from './targets';
import { materialsOf, targetsOf } from './task-doc';

/** What broadcasts need of the robots (the RobotManager). */
export interface RobotPort {
  isHosted(robotId: string): boolean;
  adopt(robotId: string, records: readonly SendRecord[]): boolean;
  recall(robotId: string, messageId: string): Promise<boolean>;
}

export interface DispatchDeps {
  service: BroadcastService;
  sendLog: SendLogService;
  targets: TargetResolver;
  robots: RobotPort;
  maxTargets: number;
  /** Keeps the run's lease; false when it was lost (another process took over). */
  renewLease: () => Promise<boolean>;
}

const BATCH = 100;

/**
 * Makes a run's deliveries (one per room, unique) and their sends (one per material, unique by
 * key) and hands the sends to the robots' outboxes. Every step is idempotent, so a process that
 * takes over an interrupted run simply calls this again.
 */
export async function dispatchRun(deps: DispatchDeps, run: BroadcastRunDoc, task: BroadcastTaskDoc): Promise<{ outcome: 'done' | 'lost' | 'stopped'; sends: number }> {
  const { service, sendLog } = deps;
  const runId = run._id.toString();
  const base = { taskId: run.taskId, runId: run._id, seq: run.seq };
  const { rooms, missing } = await deps.targets.resolve(task.owner, targetsOf(task), deps.maxTargets);
  const planned = [
    ...rooms.map((r) => ({ ...base, roomId: r.roomId, robotId: r.robotId, conversationId: r.puppetId, topic: r.topic, ...(r.present ? { state: 'planned' } : { state: 'skipped', reason: 'room_not_found' }) })),
    ...missing.map((roomId) => ({ ...base, roomId, state: 'skipped', reason: 'room_not_found' })),
  ];
  try {
    if (planned.length > 0) await service.Delivery.insertMany(planned, { ordered: false });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const materials = materialsOf(task);
  let made = 0;
  for (;;) {
    const batch = await service.Delivery.find({ runId: run._id, state: 'planned' }).sort({ _id: 1 }).limit(BATCH).lean();
    if (batch.length === 0) return { outcome: 'done', sends: made };
    if (!(await deps.renewLease())) return { outcome: 'lost', sends: made };
    const skipped: Types.ObjectId[] = [];
    const sends: KeyedSend[] = [];
    for (const d of batch) {
      const robotId = d.robotId?.toString();
      if (!robotId || !d.conversationId || !deps.robots.isHosted(robotId)) {
        skipped.push(d._id);
        continue;
      }
      materials.forEach((content, i) =>
        sends.push({ key: `bc:${d._id.toString()}:${i}`, batchId: runId, robotId, conversationId: d.conversationId as string, roomId: d.roomId.toString(), content, source: `broadcast:${task._id.toString()}` }),
      );
    }
    const records = await sendLog.createKeyed(sends);
    made += records.length;
    const byDelivery = new Map<string, SendRecord[]>();
    records.forEach((r, i) => {
      const deliveryId = sends[i].key.split(':')[1];
      byDelivery.set(deliveryId, [...(byDelivery.get(deliveryId) ?? []), r]);
    });
    await service.Delivery.bulkWrite([
      ...skipped.map((id) => ({ updateOne: { filter: { _id: id, state: 'planned' as const }, update: { $set: { state: 'skipped' as const, reason: 'robot_not_running' as const } } } })),
      ...[...byDelivery].map(([id, rs]) => ({ updateOne: { filter: { _id: id, state: 'planned' as const }, update: { $set: { state: 'queued' as const, sendIds: rs.map((r) => r.id) } } } })),
    ] as Parameters<typeof service.Delivery.bulkWrite>[0]);
    const byRobot = new Map<string, SendRecord[]>();
    for (const r of records) byRobot.set(r.robotId, [...(byRobot.get(r.robotId) ?? []), r]);
    for (const [robotId, rs] of byRobot) deps.robots.adopt(robotId, rs);
    // A recall that raced with this batch: cancel what it could not see yet.
    const after = await service.Task.findById(task._id, { state: 1 }).lean();
    if (!after || after.state === 'recalled') {
      await sendLog.cancelQueued([runId]);
      return { outcome: 'stopped', sends: made };
    }
  }
}
