import type { PreparedSend, SendLogService, SendRecord } from '../bot/send-log.service';
import { newObjectId, toObjectId, type ObjectId } from '../db/object-id';
import { groupBy } from '../lib/group-by';
import type { DeliveryRecord } from './broadcast-delivery.service';
import type { BroadcastRunDoc } from './broadcast-run.model';
import type { BroadcastTaskDoc } from './broadcast-task.model';
import type { BroadcastService } from './broadcast.service';
import type { Resolved, TargetResolver } from './targets';
import { materialsOf, targetsOf } from './task-doc';

/** What broadcasts need of the robots (the RobotManager), wherever they run. */
export interface RobotPort {
  /** The robots among these whose sends go out (running in some process, or about to be taken). */
  runningOf(robotIds: readonly string[]): Promise<Set<string>>;
  /** Hands queued sends to the robot's outbox (here, or in the process that hosts it). */
  adopt(robotId: string, records: readonly SendRecord[]): Promise<boolean>;
  recall(robotId: string, messageId: string): Promise<boolean>;
}

export interface DispatchDeps {
  service: BroadcastService;
  sendLog: SendLogService;
  targets: TargetResolver;
  robots: RobotPort;
  maxTargets: number;
  /** Keeps the runs' leases; returns the ids of those still held (another process may have taken one over). */
  renewLeases: (runIds: readonly string[]) => Promise<Set<string>>;
  /** Deliveries written at once (default 1,000); a bigger run is written in several steps, its lease kept between them. */
  chunk?: number;
}

export interface DispatchItem {
  run: Pick<BroadcastRunDoc, '_id' | 'taskId' | 'seq'>;
  task: BroadcastTaskDoc;
}

const CHUNK = 1000;

/**
 * Makes the runs' deliveries (one per room: unique task + run + room) with the ids of their
 * sends fixed in them, then those sends (one per material), and hands the sends to the robots'
 * outboxes. Many runs (a page of due broadcasts) are written with a few bulk operations. Every
 * step is idempotent: a process taking over an interrupted run calls this again, and whatever
 * was already written wins (it is read back and used instead).
 */
export async function dispatchRuns(
  deps: DispatchDeps,
  items: readonly DispatchItem[],
): Promise<{ done: string[]; lost: string[]; sends: number }> {
  const resolved = await deps.targets.resolveMany(
    items.map((i) => ({ owner: i.task.owner, targets: targetsOf(i.task) })),
    deps.maxTargets,
  );
  const running = await deps.robots.runningOf(resolved.flatMap((r) => r.rooms.map((room) => room.robotId)));
  let held = new Set(items.map((i) => i.run._id.toString()));
  const lost: string[] = [];
  let sends = 0;
  let first = true;
  for (const chunk of chunks(
    items.map((item, i) => ({ item, deliveries: deliveriesOf(running, item, resolved[i]) })),
    deps.chunk ?? CHUNK,
  )) {
    if (!first) {
      const still = await deps.renewLeases([...held]);
      for (const id of held) if (!still.has(id)) lost.push(id);
      held = still;
    }
    first = false;
    const mine = chunk.filter((c) => held.has(c.item.run._id.toString()));
    sends += await writeAndHandOver(deps, mine);
  }
  // A recall that raced with the dispatch: cancel what it could not see yet.
  const taskIds = [...new Set(items.map((i) => i.task._id.toString()))];
  const live = await deps.service.progress.notRecalled(taskIds);
  const stopped = items.filter((i) => !live.has(i.task._id.toString())).map((i) => i.run._id.toString());
  if (stopped.length > 0) await deps.sendLog.cancelQueued(stopped);
  return { done: [...held], lost, sends };
}

/** The deliveries of one run: a send id per material for a room its robot can send to now. */
function deliveriesOf(
  running: ReadonlySet<string>,
  { run, task }: DispatchItem,
  { rooms, missing }: Resolved,
): DeliveryRecord[] {
  const base = { taskId: run.taskId, runId: run._id, seq: run.seq };
  const materials = materialsOf(task).length;
  return [
    ...rooms.map((r): DeliveryRecord => {
      const room = {
        ...base,
        _id: newObjectId(),
        roomId: toObjectId(r.roomId),
        robotId: r.robotId,
        conversationId: r.puppetId,
        topic: r.topic,
      };
      if (!r.present) return { ...room, state: 'skipped', reason: 'room_not_found' };
      if (!running.has(r.robotId)) return { ...room, state: 'skipped', reason: 'robot_not_running' };
      return { ...room, state: 'queued', sendIds: Array.from({ length: materials }, () => newObjectId()) };
    }),
    ...missing.map((roomId): DeliveryRecord => ({
      ...base,
      _id: newObjectId(),
      roomId: toObjectId(roomId),
      state: 'skipped',
      reason: 'room_not_found',
    })),
  ];
}

type Work = { item: DispatchItem; deliveries: DeliveryRecord[] };

/** Groups runs into steps of about `limit` deliveries (a bigger run is split over several). */
function* chunks(work: readonly Work[], limit: number): Generator<Work[]> {
  let step: Work[] = [];
  let size = 0;
  for (const w of work) {
    for (let i = 0; i < Math.max(1, w.deliveries.length); i += limit) {
      const part = { item: w.item, deliveries: w.deliveries.slice(i, i + limit) };
      if (size > 0 && size + part.deliveries.length > limit) {
        yield step;
        step = [];
        size = 0;
      }
      step.push(part);
      size += part.deliveries.length;
    }
  }
  if (step.length > 0) yield step;
}

/** Writes one step's deliveries and sends and hands the sends to the robots; the number of sends. */
async function writeAndHandOver(deps: DispatchDeps, step: readonly Work[]): Promise<number> {
  const { service, sendLog } = deps;
  if (step.length === 0) return 0;
  // Some may have been written before (a run taken over): then the stored ones, and their send ids, count.
  const deliveries = await service.deliveryRecords.write(step.flatMap((w) => w.deliveries));
  const taskOf = new Map(step.map((w) => [w.item.run._id.toString(), w.item.task]));
  const prepared: PreparedSend[] = [];
  for (const d of deliveries) {
    if (d.state !== 'queued' || !d.sendIds || !d.robotId || !d.conversationId) continue;
    const runId = d.runId.toString();
    const task = taskOf.get(runId) as BroadcastTaskDoc;
    materialsOf(task).forEach((content, i) =>
      prepared.push({
        id: (d.sendIds as ObjectId[])[i].toString(),
        key: `bc:${d._id.toString()}:${i}`,
        batchId: runId,
        robotId: (d.robotId as ObjectId | string).toString(),
        conversationId: d.conversationId as string,
        roomId: d.roomId.toString(),
        content,
        source: `broadcast:${task._id.toString()}`,
      }),
    );
  }
  const inserted = await sendLog.insertPrepared(prepared);
  let records = inserted.records;
  if (inserted.existed) {
    // Some sends were made before: hand over those still queued, as stored (the outbox skips one it already has).
    const ids = new Set(prepared.map((s) => s.id));
    records = (await sendLog.listBatches([...new Set(prepared.map((s) => s.batchId))])).filter(
      (r) => ids.has(r.id) && r.status === 'queued',
    );
  }
  await Promise.all([...groupBy(records, (r) => r.robotId)].map(([robotId, rs]) => deps.robots.adopt(robotId, rs)));
  return records.length;
}
