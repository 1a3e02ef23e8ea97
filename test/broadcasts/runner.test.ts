import { Types } from 'mongoose';
import { recallBroadcast } from '../../src/broadcasts/recall';
import type { BroadcastInput } from '../../src/broadcasts/types';
import type { SendRecord } from '../../src/bot/send-log.service';
import { connectDatabase } from '../../src/db/connection';
import type { PublishInput } from '../../src/webhooks/events';
import { broadcastParts, FakeRobots, MIN, robotWithRooms, sendAll, text } from '../support/broadcasts';
import { FakeClock } from '../support/fake-clock';
import { silentLog } from '../support/logger';
import { testMongoUri, useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);

describe('broadcast runner', () => {
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
    name: 'Morning news',
    materials: [text('早上好'), { type: 'link', title: 'News', url: 'https://example.com/n' }],
    targets: { mode: 'all' },
    schedule: { kind: 'now' },
    ...over,
  });

  test('when a cron broadcast is due, then it fires once at its time with one delivery per room and one send per material; the next run follows', async () => {
    const { robot, rooms } = await robotWithRooms(t.db, 'cron-owner', 3);
    robots.hosted.add(robot.id);
    const task = await p.service.create(
      input('cron-owner', { schedule: { kind: 'cron', expression: '30 9 * * *', timeZone: 'Asia/Shanghai' } }),
    );
    expect(task.nextRunAt?.toISOString()).toBe('2026-11-22T01:30:00.000Z');

    expect((await p.runner.tick()).fired).toBe(0);
    clock.advance(30 * MIN);
    const res = await p.runner.tick();
    expect(res).toMatchObject({ fired: 1, missed: 0 });
    expect(res.lateness[0]).toBe(0);
    expect(await p.runner.tick()).toMatchObject({ fired: 0 });

    expect(robots.adopted).toHaveLength(6);
    expect(new Set(robots.adopted.map((r) => r.conversationId))).toEqual(new Set(rooms.map((r) => r.puppetId)));
    const after = await p.service.get(task.id);
    expect(after).toMatchObject({ runs: 1, executed: 1, state: 'active' });
    expect(after?.nextRunAt?.toISOString()).toBe('2026-11-23T01:30:00.000Z');
    const run = await p.service.latestRun(task.id);
    expect(run).toMatchObject({ seq: 1, state: 'sending', report: { queued: 3, total: 3 } });
  });

  test('when every send settles, then the run finishes with its report and broadcast.finished is published once', async () => {
    const { robot } = await robotWithRooms(t.db, 'report-owner', 3);
    robots.hosted.add(robot.id);
    const task = await p.service.create(input('report-owner', { materials: [text('hi')] }));
    await p.runner.tick();
    const [a, b, c] = robots.adopted;
    await sendAll(p.sendLog, [a, b]);
    await sendAll(p.sendLog, [c], 'failed');
    expect(await p.runner.finish((await p.service.latestRun(task.id))!.id)).toBe(true);
    expect(await p.runner.finish((await p.service.latestRun(task.id))!.id)).toBe(false);
    await p.runner.sweep();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      type: 'broadcast.finished',
      owner: 'report-owner',
      payload: { broadcastId: task.id, run: 1, sent: 2, failed: 1, counts: { sent: 2, failed: 1, total: 3 } },
    });
    expect(await p.service.latestRun(task.id)).toMatchObject({
      state: 'finished',
      report: { sent: 2, failed: 1, total: 3 },
    });
    expect(await p.service.get(task.id)).toMatchObject({ state: 'finished', nextRunAt: null });
  });

  test('when two processes tick the same due run at once, then it fires once and each room gets one delivery', async () => {
    const { robot } = await robotWithRooms(t.db, 'race-owner', 5);
    robots.hosted.add(robot.id);
    const other = await connectDatabase({
      uri: testMongoUri(),
      dbName: t.db.connection.name,
      serverSelectionTimeoutMs: 2000,
      log: silentLog,
    });
    try {
      const robotsB = new FakeRobots();
      robotsB.hosted.add(robot.id);
      const q = broadcastParts(other, clock, robotsB, 'proc-b');
      const task = await p.service.create(input('race-owner', { materials: [text('once')] }));
      const [ra, rb] = await Promise.all([p.runner.tick(), q.runner.tick()]);
      expect(ra.fired + rb.fired).toBe(1);
      expect(robots.adopted.length + robotsB.adopted.length).toBe(5);
      expect(await p.service.Run.countDocuments({ taskId: task.id })).toBe(1);
      expect(await p.service.Delivery.countDocuments({ taskId: task.id })).toBe(5);
    } finally {
      await other.close();
    }
  });

  test('when qunbot was down past the grace period, then the run is recorded as missed and the schedule goes on; within grace it runs late', async () => {
    const { robot } = await robotWithRooms(t.db, 'late-owner', 1);
    robots.hosted.add(robot.id);
    const hourly = await p.service.create(
      input('late-owner', { schedule: { kind: 'cron', expression: '0 * * * *', timeZone: 'UTC' } }),
    );
    clock.advance(60 * MIN + 20 * MIN); // created 01:00:00 (its first occurrence), now 02:20: 01:00 and 02:00 passed
    expect(await p.runner.tick()).toMatchObject({ fired: 0, missed: 1 });
    expect(await p.service.latestRun(hourly.id)).toMatchObject({ seq: 1, plan: 'missed', state: 'missed', missed: 2 });
    expect((await p.service.get(hourly.id))?.nextRunAt?.toISOString()).toBe('2026-11-22T03:00:00.000Z');
    expect(robots.adopted).toHaveLength(0);
    clock.advance(45 * MIN); // due 03:00, now 03:05
    const res = await p.runner.tick();
    expect(res.fired).toBe(1);
    expect(res.lateness[0]).toBe(5 * MIN);
    expect(await p.service.get(hourly.id)).toMatchObject({ runs: 2, executed: 1 });
  });

  test('when a paused broadcast falls due, then nothing fires until it is resumed', async () => {
    const { robot } = await robotWithRooms(t.db, 'pause-owner', 1);
    robots.hosted.add(robot.id);
    const task = await p.service.create(
      input('pause-owner', { schedule: { kind: 'once', at: new Date(clock.now() + MIN) } }),
    );
    await p.service.pause(task.id);
    clock.advance(2 * MIN);
    expect((await p.runner.tick()).fired).toBe(0);
    await p.service.resume(task.id);
    expect((await p.runner.tick()).fired).toBe(1);
  });

  test('when a robot is not running, then its rooms are reported failed (robot_not_running) and no send is made', async () => {
    await robotWithRooms(t.db, 'down-owner', 2);
    const task = await p.service.create(input('down-owner', { materials: [text('x')] }));
    await p.runner.tick();
    const run = await p.service.latestRun(task.id);
    expect(run).toMatchObject({ state: 'finished', report: { failed: 2, total: 2 } });
    expect((await p.service.deliveries(run!.id)).map((d) => d.reason)).toEqual([
      'robot_not_running',
      'robot_not_running',
    ]);
    expect(robots.adopted).toHaveLength(0);
  });

  test('when listed rooms target a flag, then only rooms with the flag on receive it', async () => {
    const { robot, rooms } = await robotWithRooms(t.db, 'flag-owner', 3);
    robots.hosted.add(robot.id);
    await p.service.create(
      input('flag-owner', { materials: [text('x')], targets: { mode: 'flag', flag: 'production' } }),
    );
    await p.runner.tick();
    expect(robots.adopted.map((r) => r.conversationId)).toEqual([rooms[0].puppetId]);
  });

  test('when listed room ids are given in upper-case hex, then they are the same rooms', async () => {
    const { robot, rooms } = await robotWithRooms(t.db, 'case-owner', 2);
    robots.hosted.add(robot.id);
    await p.service.create(
      input('case-owner', { materials: [text('x')], targets: { mode: 'rooms', roomIds: [rooms[1].id.toUpperCase()] } }),
    );
    await p.runner.tick();
    expect(robots.adopted.map((r) => r.conversationId)).toEqual([rooms[1].puppetId]);
  });

  test('when the process died while dispatching, then another takes over after the lease and nothing is sent twice', async () => {
    const { robot } = await robotWithRooms(t.db, 'crash-owner', 4);
    robots.hosted.add(robot.id);
    const task = await p.service.create(input('crash-owner', { materials: [text('x')] }));
    // What a crash leaves behind: the run claimed and half dispatched, the task not advanced.
    const run = await p.service.Run.create({
      taskId: task.id,
      owner: 'crash-owner',
      seq: 1,
      scheduledFor: new Date(clock.now()),
      plan: 'run',
      state: 'dispatching',
      lease: { by: 'dead', until: new Date(clock.now() + MIN) },
    });
    await p.runner.tick();
    expect(robots.adopted).toHaveLength(0);
    expect((await p.service.get(task.id))?.runs).toBe(0);
    clock.advance(MIN + 1000);
    const res = await p.runner.tick();
    expect(res.takenOver).toBe(1);
    expect(robots.adopted).toHaveLength(4);
    expect(await p.service.get(task.id)).toMatchObject({ runs: 1, executed: 1, state: 'finished' });
    expect(await p.service.Run.countDocuments({ taskId: task.id })).toBe(1);
    expect((await p.service.Run.findById(run._id).lean())?.state).toBe('sending');
  });

  test('when a broadcast is recalled, then queued sends are cancelled, recent sent ones recalled, old ones reported', async () => {
    const { robot } = await robotWithRooms(t.db, 'recall-owner', 3);
    robots.hosted.add(robot.id);
    const task = await p.service.create(input('recall-owner', { materials: [text('oops')] }));
    await p.runner.tick();
    const [a, b] = robots.adopted;
    await sendAll(p.sendLog, [a, b]);
    // a went out just now, b ten minutes ago: outside WeChat's recall window.
    const sent = (r: SendRecord, at: number) =>
      t.db.connection
        .collection('sendlogs')
        .updateOne({ _id: new Types.ObjectId(r.id) }, { $set: { sentAt: new Date(at) } });
    await sent(a, clock.now());
    await sent(b, clock.now() - 10 * MIN);
    const deps = { service: p.service, runner: p.runner, sendLog: p.sendLog, robots, clock, log: silentLog };
    const report = await recallBroadcast({ ...deps, windowMs: 2 * MIN }, task.id);
    expect(report.cancelled).toBe(1);
    expect(report.recalled).toBe(1);
    expect(report.notRecalled).toEqual([{ roomId: b.roomId, sendId: b.id, reason: 'recall_window_passed' }]);
    expect(robots.recalls).toEqual([`pm-${a.id}`]);
    const run = await p.service.latestRun(task.id);
    expect(run).toMatchObject({ state: 'finished', report: { recalled: 1, sent: 1, cancelled: 1, total: 3 } });
    expect(await p.service.get(task.id)).toMatchObject({ state: 'recalled', nextRunAt: null });
  });
});
