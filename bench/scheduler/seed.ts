import { isDeepStrictEqual } from 'node:util';
import type { Connection } from 'mongoose';
import { RobotService } from '../../src/bot/robot.service';
import { RoomService } from '../../src/bot/room.service';
import type { BroadcastService } from '../../src/broadcasts/broadcast.service';
import { firstRunAt, type Schedule } from '../../src/broadcasts/schedule';
import type { BroadcastInput } from '../../src/broadcasts/types';
import { rng, type Spec } from './schedules';

export const OWNERS = 20;
export const ROOMS_PER_ROBOT = 10;
/** Tasks created through BroadcastService.create (all of its checks); the rest are bulk-inserted alike. */
const THROUGH_SERVICE = 200;
const CONCURRENCY = 8;

/** 20 owners, each with one robot of 10 rooms. */
async function seedRooms(conn: Connection): Promise<{ owner: string; roomIds: string[] }[]> {
  const robots = new RobotService(conn, { kind: 'mock', tlsDisable: true });
  const rooms = new RoomService(conn);
  const out = [];
  for (let i = 0; i < OWNERS; i++) {
    const owner = `owner${i}`;
    const robot = await robots.create({ owner, name: `robot ${i}` } as Parameters<RobotService['create']>[0]);
    const synced = await rooms.sync(
      robot.id,
      undefined,
      Array.from({ length: ROOMS_PER_ROBOT }, (_, r) => ({
        puppetId: `${i}-${r}@chatroom`,
        topic: `group ${i}-${r}`,
        memberCount: 100,
      })),
    );
    out.push({ owner, roomIds: synced.rooms.map((r) => r.id) });
  }
  return out;
}

/** The task of a spec: owner round-robin, one text, 1 to 3 of the owner's rooms. */
function inputs(specs: readonly Spec[], owners: { owner: string; roomIds: string[] }[], t0: number): BroadcastInput[] {
  const random = rng(7);
  return specs.map((s, i) => {
    const { owner, roomIds } = owners[i % owners.length];
    const picked = new Set(
      Array.from({ length: 1 + Math.floor(random() * 3) }, () => roomIds[Math.floor(random() * roomIds.length)]),
    );
    return {
      owner,
      name: `task ${i} (${s.group})`,
      materials: [{ type: 'text', text: `Broadcast ${i}` }],
      targets: { mode: 'rooms', roomIds: [...picked] },
      schedule:
        s.kind === 'once'
          ? { kind: 'once', at: new Date(t0 + s.offsetMs) }
          : { kind: 'cron', expression: s.expression, timeZone: s.timeZone },
    };
  });
}

/** The document BroadcastService.create stores for an input created at `now` (checked below against the real one). */
function documentOf(input: BroadcastInput, now: number) {
  const schedule = input.schedule as Schedule;
  return { ...input, schedule, nextRunAt: firstRunAt(schedule, new Date(now)), state: 'active' as const };
}

/** The stored shape of a task, without what differs between any two tasks. */
function shape(d: Record<string, unknown>): unknown {
  const { _id, createdAt, updatedAt, name, materials, targets, schedule, nextRunAt, owner, ...rest } = d;
  void [_id, createdAt, updatedAt, name, materials, owner];
  return {
    ...rest,
    targets: Object.keys(targets as object).sort(),
    schedule: Object.keys(schedule as object).sort(),
    nextRunAt: nextRunAt instanceof Date,
  };
}

/**
 * Robots, rooms and one task per spec, created as if at `t0` (the service's clock must read t0).
 * The first tasks go through BroadcastService.create; the rest are inserted in bulk, because
 * create's per-owner count makes 10,000 of them take minutes on SecantusDB. A bulk document must
 * have the same shape as a created one of the same kind, or seeding fails.
 */
export async function seed(
  conn: Connection,
  service: BroadcastService,
  specs: readonly Spec[],
  t0: number,
): Promise<void> {
  const owners = await seedRooms(conn);
  const all = inputs(specs, owners, t0);
  let next = 0;
  const created: string[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < Math.min(THROUGH_SERVICE, all.length)) {
        const i = next++;
        created[i] = (await service.create(all[i])).id;
      }
    }),
  );
  // The bulk documents' first runs are computed as the service computes them: check on the created ones.
  const createdDocs = await service.Task.find({ _id: { $in: created } }, { name: 1, nextRunAt: 1 }).lean();
  for (const d of createdDocs) {
    const i = Number(/^task (\d+)/.exec(d.name)?.[1]);
    if (documentOf(all[i], t0).nextRunAt?.getTime() !== d.nextRunAt?.getTime())
      throw new Error(
        `task ${i}: the service scheduled it for ${d.nextRunAt?.toISOString()}, the bulk seeding would for ${documentOf(all[i], t0).nextRunAt?.toISOString()}`,
      );
  }
  const rest = all.slice(THROUGH_SERVICE).map((input) => documentOf(input, t0));
  for (let i = 0; i < rest.length; i += 1000) await service.Task.insertMany(rest.slice(i, i + 1000));
  if (rest.length === 0) return;
  // A cron task and a once task of each way must look alike.
  for (const kind of ['cron', 'once'] as const) {
    const viaService = await service.Task.findOne({ _id: { $in: created }, 'schedule.kind': kind }).lean();
    const bulk = await service.Task.findOne({ _id: { $nin: created }, 'schedule.kind': kind }).lean();
    if (!viaService || !bulk) continue;
    if (!isDeepStrictEqual(shape(viaService as never), shape(bulk as never))) {
      throw new Error(
        `bulk-seeded ${kind} tasks no longer look like created ones: ${JSON.stringify(shape(viaService as never))} vs ${JSON.stringify(shape(bulk as never))}`,
      );
    }
  }
}
