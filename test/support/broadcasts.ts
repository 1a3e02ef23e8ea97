import { BroadcastRunner } from '../../src/broadcasts/broadcast-runner';
import { BroadcastService } from '../../src/broadcasts/broadcast.service';
import type { RobotPort } from '../../src/broadcasts/run-dispatch';
import { TargetResolver } from '../../src/broadcasts/targets';
import { RobotService } from '../../src/bot/robot.service';
import { RoomService } from '../../src/bot/room.service';
import { SendLogService, type SendRecord } from '../../src/bot/send-log.service';
import type { Database } from '../../src/db/connection';
import type { PublishInput } from '../../src/webhooks/events';
import type { FakeClock } from './fake-clock';
import { silentLog } from './logger';

export const MIN = 60_000;

/** Robots as the broadcast runner sees them: adopted sends are collected; recall answers as told. */
export class FakeRobots implements RobotPort {
  hosted = new Set<string>();
  adopted: SendRecord[] = [];
  recalls: string[] = [];
  recallAnswer = true;
  async runningOf(ids: readonly string[]) {
    return new Set(ids.filter((id) => this.hosted.has(id)));
  }
  async adopt(id: string, records: readonly SendRecord[]) {
    if (!this.hosted.has(id)) return false;
    this.adopted.push(...records);
    return true;
  }
  async recall(_robot: string, messageId: string) {
    this.recalls.push(messageId);
    return this.recallAnswer;
  }
}

/** The broadcast service alone over a connection, on the real clock (to make broadcasts that qunbot processes fire). */
export function broadcastServiceOn(conn: Database['connection']): BroadcastService {
  return new BroadcastService({
    connection: conn,
    sendLog: new SendLogService(conn),
    targets: new TargetResolver(conn),
    clock: { now: () => Date.now(), sleep: async () => undefined },
    policy: { maxTargets: 100, maxActivePerOwner: 10, timeZone: 'UTC' },
  });
}

/** The broadcast service and runner of one process over `db`, on a fake clock. */
export function broadcastParts(
  db: Database,
  clock: FakeClock,
  robots: RobotPort,
  processId: string,
  published: PublishInput[] = [],
) {
  const sendLog = new SendLogService(db.connection);
  const targets = new TargetResolver(db.connection);
  const service = new BroadcastService({
    connection: db.connection,
    sendLog,
    targets,
    clock,
    policy: { maxTargets: 1000, maxActivePerOwner: 100, timeZone: 'Asia/Shanghai' },
  });
  const runner = new BroadcastRunner({
    service,
    sendLog,
    targets,
    robots,
    clock,
    log: silentLog,
    processId,
    policy: { graceMs: 10 * MIN, leaseMs: MIN, maxTargets: 1000 },
    publish: async (e) => {
      published.push(e);
    },
  });
  return { sendLog, service, runner, targets };
}

/** A robot of `owner` with `n` rooms (the first one flagged production). */
export async function robotWithRooms(db: Database, owner: string, n: number) {
  const robot = await new RobotService(db.connection, { kind: 'mock', tlsDisable: true }).create({
    owner,
    name: `${owner}'s robot`,
  } as never);
  const rooms = new RoomService(db.connection, () => Date.now());
  await rooms.sync(
    robot.id,
    undefined,
    Array.from({ length: n }, (_, i) => ({
      puppetId: `${owner}-${i}@chatroom`,
      topic: `${owner} group ${i}`,
      memberCount: 3,
    })),
  );
  const list = await rooms.list(robot.id);
  await rooms.update(list[0].id, { production: true });
  return { robot, rooms: list };
}

/** What the outbox would do: send each adopted send (claim, then finish). */
export async function sendAll(
  sendLog: SendLogService,
  records: readonly SendRecord[],
  outcome: 'sent' | 'failed' = 'sent',
) {
  for (const r of records) {
    if (await sendLog.claim(r.id))
      await sendLog.finish(r.id, outcome, outcome === 'sent' ? { puppetMessageId: `pm-${r.id}` } : { error: 'boom' });
  }
}

export const text = (s: string) => ({ type: 'text' as const, text: s });
