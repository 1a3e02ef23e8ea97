import { Types } from 'mongoose';
import { claimRuns } from '../../src/broadcasts/run-claim';
import { dispatchRuns, type DispatchDeps, type DispatchItem } from '../../src/broadcasts/run-dispatch';
import type { BroadcastInput } from '../../src/broadcasts/types';
import type { PublishInput } from '../../src/webhooks/events';
import { broadcastParts, FakeRobots, MIN, robotWithRooms, sendAll, text } from '../support/broadcasts';
import { FakeClock } from '../support/fake-clock';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);

describe('firing a page of due broadcasts together', () => {
  let clock: FakeClock;
  let robots: FakeRobots;
  let published: PublishInput[];
  let p: ReturnType<typeof broadcastParts>;

  beforeEach(() => {
    clock = new FakeClock(Date.UTC(2026, 10, 22, 1, 0, 0));
    robots = new FakeRobots();
    published = [];
    p = broadcastParts(t.db, clock, robots, 'proc-a', published);
  });

  const input = (owner: string, over: Partial<BroadcastInput> = {}): BroadcastInput => ({
    owner,
    name: 'Noon post',
    materials: [text('午安')],
    targets: { mode: 'all' },
    schedule: { kind: 'now' },
    ...over,
  });
  const claimDeps = () => ({
    runs: p.service.runRecords,
    progress: p.service.progress,
    me: 'proc-a',
    leaseMs: MIN,
    graceMs: 10 * MIN,
    log: silentLog,
  });
  const lean = (ids: string[]) =>
    p.service.Task.find({ _id: { $in: ids } })
      .sort({ _id: 1 })
      .lean();

  test('when a page of due tasks is claimed, then each gets its next run and moves on; one paused after it was read gets none', async () => {
    await robotWithRooms(t.db, 'claim-owner', 1);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await p.service.create(input('claim-owner'))).id);
    const read = await lean(ids);
    await p.service.pause(ids[1]);

    const claims = await claimRuns(claimDeps(), read, new Date(clock.now()));

    expect(claims.map((c) => c.task._id.toString()).sort()).toEqual([ids[0], ids[2]].sort());
    expect(claims.every((c) => c.run.seq === 1 && c.plan.action === 'run')).toBe(true);
    expect(await p.service.Run.countDocuments({ taskId: ids[1] })).toBe(0);
    expect((await lean(ids)).map((d) => [d._id.toString(), d.seq, d.state])).toEqual(
      [
        [ids[0], 1, 'finished'],
        [ids[1], 0, 'paused'],
        [ids[2], 1, 'finished'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  test('when another process claimed one run of the page first, then only the others are claimed here', async () => {
    await robotWithRooms(t.db, 'race-page-owner', 1);
    const a = await p.service.create(input('race-page-owner'));
    const b = await p.service.create(input('race-page-owner'));
    const read = await lean([a.id, b.id]);
    await p.service.Run.create({
      taskId: a.id,
      owner: 'race-page-owner',
      seq: 1,
      scheduledFor: new Date(clock.now()),
      plan: 'run',
      state: 'dispatching',
      lease: { by: 'proc-b', until: new Date(clock.now() + MIN) },
    });

    const claims = await claimRuns(claimDeps(), read, new Date(clock.now()));

    expect(claims.map((c) => c.task._id.toString())).toEqual([b.id]);
    expect(await p.service.Run.countDocuments({ taskId: a.id })).toBe(1);
    expect((await p.service.Run.findOne({ taskId: a.id }).lean())?.lease?.by).toBe('proc-b');
    expect((await lean([a.id]))[0].seq).toBe(0);
  });

  test('when due tasks lie hours apart and more than a page share one second, then one tick fires each exactly once', async () => {
    await robotWithRooms(t.db, 'backlog-owner', 1);
    const model = await p.service.create(
      input('backlog-owner', { schedule: { kind: 'once', at: new Date(clock.now() + 1000) } }),
    );
    const doc = (await lean([model.id]))[0];
    const at = (ms: number) => new Date(clock.now() + ms);
    // 250 more at the same second as the first (over a page), one an hour later, one three hours later.
    const copies = [...Array.from({ length: 250 }, () => at(1000)), at(3_600_000), at(3 * 3_600_000)].map((when, i) => {
      const { _id, createdAt, updatedAt, ...rest } = doc;
      void [_id, createdAt, updatedAt];
      return { ...rest, name: `copy ${i}`, schedule: { kind: 'once', at: when }, nextRunAt: when };
    });
    await p.service.Task.insertMany(copies);
    clock.advance(3 * 3_600_000 + 5000);

    const res = await p.runner.tick();

    expect(res.fired + res.missed).toBe(253);
    // Only the last is within the 10-minute grace (5 s late); the others are recorded as missed, not sent late.
    expect(res).toMatchObject({ fired: 1, missed: 252 });
    expect(await p.service.Run.countDocuments({ owner: 'backlog-owner' })).toBe(253);
    expect(await p.service.Task.countDocuments({ owner: 'backlog-owner', state: 'active' })).toBe(0);
    expect((await p.runner.tick()).missed).toBe(0);
  });

  /** Claims the due runs of `ids` and returns what dispatchRuns needs. */
  async function claimed(ids: string[]): Promise<DispatchItem[]> {
    return claimRuns(claimDeps(), await lean(ids), new Date(clock.now()));
  }

  function dispatchDeps(over: Partial<DispatchDeps> = {}): DispatchDeps & { renewals: string[][] } {
    const renewals: string[][] = [];
    return {
      service: p.service,
      sendLog: p.sendLog,
      targets: p.targets,
      robots,
      maxTargets: 1000,
      renewLeases: async (ids) => {
        renewals.push([...ids]);
        return new Set(ids);
      },
      renewals,
      ...over,
    };
  }

  test('when a run is bigger than a step, then it is written in steps with its lease renewed between them', async () => {
    const { robot, rooms } = await robotWithRooms(t.db, 'steps-owner', 5);
    robots.hosted.add(robot.id);
    const task = await p.service.create(input('steps-owner', { materials: [text('a'), text('b')] }));
    const items = await claimed([task.id]);
    const deps = dispatchDeps({ chunk: 2 });

    const res = await dispatchRuns(deps, items);

    expect(res).toEqual({ done: [items[0].run._id.toString()], lost: [], sends: 10 });
    expect(deps.renewals).toEqual([[items[0].run._id.toString()], [items[0].run._id.toString()]]);
    expect(await p.service.Delivery.countDocuments({ runId: items[0].run._id, state: 'queued' })).toBe(5);
    expect(robots.adopted).toHaveLength(10);
    expect(new Set(robots.adopted.map((r) => r.conversationId))).toEqual(new Set(rooms.map((r) => r.puppetId)));
    // Each delivery's send ids are the sends made for it, in material order.
    for (const d of await p.service.Delivery.find({ runId: items[0].run._id }).lean()) {
      const sends = (d.sendIds ?? []).map((id) => robots.adopted.find((r) => r.id === id.toString()));
      expect(sends.map((s) => s && s.content)).toEqual([text('a'), text('b')]);
      expect(sends.every((s) => s?.conversationId === d.conversationId)).toBe(true);
    }
  });

  test('when the lease is lost between steps, then the rest of the run is left to the process that took it over', async () => {
    const { robot } = await robotWithRooms(t.db, 'lost-owner', 5);
    robots.hosted.add(robot.id);
    const task = await p.service.create(input('lost-owner'));
    const items = await claimed([task.id]);

    const res = await dispatchRuns(dispatchDeps({ chunk: 2, renewLeases: async () => new Set() }), items);

    expect(res).toEqual({ done: [], lost: [items[0].run._id.toString()], sends: 2 });
    expect(await p.service.Delivery.countDocuments({ runId: items[0].run._id })).toBe(2);
    expect(robots.adopted).toHaveLength(2);
  });

  test('when the broadcast was recalled while its run was being dispatched, then the sends written after the recall are cancelled', async () => {
    const { robot } = await robotWithRooms(t.db, 'recall-race-owner', 3);
    robots.hosted.add(robot.id);
    const task = await p.service.create(input('recall-race-owner'));
    const items = await claimed([task.id]);
    await p.service.Task.updateOne({ _id: task.id }, { $set: { state: 'recalled', nextRunAt: null } });

    await dispatchRuns(dispatchDeps(), items);

    expect(robots.adopted).toHaveLength(3);
    const stored = await p.sendLog.listBatches([items[0].run._id.toString()]);
    expect(stored.map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  test('when a run is taken over after a crash half way, then the stored deliveries and sends are reused: nothing is made twice and only queued sends are handed over', async () => {
    const { robot } = await robotWithRooms(t.db, 'half-owner', 4);
    robots.hosted.add(robot.id);
    const task = await p.service.create(input('half-owner'));
    await p.runner.tick();
    const run = await p.service.Run.findOne({ taskId: task.id }).lean();
    const [a, b, c] = robots.adopted;
    // What a crash leaves: two sends never written, one already sent, the run still dispatching under a dead lease.
    await t.db.connection
      .collection('sendlogs')
      .deleteMany({ _id: { $in: [new Types.ObjectId(a.id), new Types.ObjectId(b.id)] } });
    await sendAll(p.sendLog, [c]);
    await p.service.Run.updateOne(
      { _id: run?._id },
      { $set: { state: 'dispatching', lease: { by: 'dead', until: new Date(clock.now() + 1000) } } },
    );
    clock.advance(2000);
    const robotsB = new FakeRobots();
    robotsB.hosted.add(robot.id);
    const q = broadcastParts(t.db, clock, robotsB, 'proc-b');

    expect((await q.runner.tick()).takenOver).toBe(1);

    const ids = (await p.service.Delivery.find({ runId: run?._id }).lean())
      .flatMap((d) => (d.sendIds ?? []).map(String))
      .sort();
    expect(ids).toHaveLength(4);
    expect(robotsB.adopted.map((r) => r.id).sort()).toEqual(ids.filter((id) => id !== c.id));
    const stored = await p.sendLog.listBatches([String(run?._id)]);
    expect(stored.map((s) => s.id).sort()).toEqual(ids);
    expect(stored.find((s) => s.id === c.id)?.status).toBe('sent');
    expect((await p.service.Run.findById(run?._id).lean())?.state).toBe('sending');
    expect(await p.service.Run.countDocuments({ taskId: task.id })).toBe(1);
  });

  test('when the sends of several runs settle, then each run finishes once with its own report and event', async () => {
    const { robot, rooms } = await robotWithRooms(t.db, 'many-owner', 3);
    robots.hosted.add(robot.id);
    const tasks = [];
    for (const [i, room] of rooms.entries())
      tasks.push(
        await p.service.create(
          input('many-owner', { name: `post ${i}`, targets: { mode: 'rooms', roomIds: [room.id] } }),
        ),
      );
    expect((await p.runner.tick()).fired).toBe(3);
    const [first, ...rest] = robots.adopted;
    await sendAll(p.sendLog, [first], 'failed');
    await sendAll(p.sendLog, rest);

    for (const r of robots.adopted) p.runner.onSettled({ ...r, status: 'sent' });
    await p.runner.idle();
    await p.runner.sweep();

    expect(published.map((e) => e.id).sort()).toEqual(
      (await p.service.Run.find({ taskId: { $in: tasks.map((x) => x.id) } }).lean())
        .map((r) => `broadcast.finished:${r._id.toString()}`)
        .sort(),
    );
    const byName = new Map(
      published.map((e) => [(e.payload as { name: string }).name, e.payload as { sent: number; failed: number }]),
    );
    const failedTask = tasks.find((x) => x.targets.mode === 'rooms' && x.targets.roomIds[0] === first.roomId);
    expect(byName.get(failedTask?.name ?? '')).toMatchObject({ sent: 0, failed: 1 });
    expect([...byName.values()].map((v) => v.sent).sort()).toEqual([0, 1, 1]);
    expect(await p.service.Run.countDocuments({ taskId: { $in: tasks.map((x) => x.id) }, state: 'finished' })).toBe(3);
  });
});

describe('resolving the targets of a page together', () => {
  test('when tasks of several owners and modes are resolved together, then each gets what resolving it alone gives', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 22, 1, 0, 0));
    const { targets } = broadcastParts(t.db, clock, new FakeRobots(), 'proc-t');
    const a = await robotWithRooms(t.db, 'targets-a', 3);
    const b = await robotWithRooms(t.db, 'targets-b', 2);
    const gone = new Types.ObjectId().toString();
    const items = [
      { owner: 'targets-a', targets: { mode: 'all' as const } },
      { owner: 'targets-a', targets: { mode: 'flag' as const, flag: 'production' as const } },
      {
        owner: 'targets-a',
        targets: { mode: 'rooms' as const, roomIds: [a.rooms[2].id.toUpperCase(), b.rooms[0].id, gone] },
      },
      { owner: 'targets-b', targets: { mode: 'all' as const } },
      { owner: 'targets-b', targets: { mode: 'rooms' as const, roomIds: [b.rooms[1].id] } },
      { owner: 'targets-nobody', targets: { mode: 'all' as const } },
    ];

    const together = await targets.resolveMany(items, 2);

    const alone = [];
    for (const i of items) alone.push(await targets.resolve(i.owner, i.targets, 2));
    expect(together).toEqual(alone);
    const ids = (k: number) => together[k].rooms.map((r) => r.roomId);
    expect(ids(0)).toEqual(
      a.rooms
        .map((r) => r.id)
        .sort()
        .slice(0, 2),
    );
    expect(ids(1)).toEqual([a.rooms[0].id]);
    expect(ids(2)).toEqual([a.rooms[2].id]);
    expect(together[2].missing).toEqual([b.rooms[0].id, gone]);
    expect(ids(3)).toEqual(b.rooms.map((r) => r.id).sort());
    expect(ids(4)).toEqual([b.rooms[1].id]);
    expect(together[5]).toEqual({ rooms: [], missing: [] });
  });
});
