import { systemClock, type Clock } from '../../../src/bot/core/clock';
import { Fleet, type FleetHost } from '../../../src/bot/fleet/fleet';
import { fleetProcessModel } from '../../../src/bot/fleet/fleet-process.model';
import { LeaseService } from '../../../src/bot/fleet/leases.service';
import { RobotNotFoundError, RobotUnreachableError } from '../../../src/bot/robot-errors';
import { RobotService } from '../../../src/bot/robot.service';
import { SendLogService } from '../../../src/bot/send-log.service';
import { AppError } from '../../../src/http/errors';
import { FakeClock } from '../../support/fake-clock';
import { until } from '../../support/until';
import { silentLog } from '../../support/logger';
import { useTestDatabase } from '../../support/mongo';

const t = useTestDatabase(__filename);
const LEASE_MS = 60_000;

/**
 * The fleet of one process over the test database, with a host that records what it is asked
 * (the robot manager's part): robots hosted, unhosted, calls run. Rounds are run by the tests
 * (the timers wait a third of a minute-long lease, longer than any test).
 */
function processOf(
  label: string,
  opts: { host?: string; alive?: boolean; clock?: Clock; perRound?: number; timeoutMs?: number; leaseMs?: number } = {},
) {
  const conn = t.db.connection;
  const hosted = new Set<string>();
  const calls: string[] = [];
  const host: FleetHost = {
    host: async (id) => void hosted.add(id),
    unhost: async (id) => void hosted.delete(id),
    execute: async (id, kind, args) => {
      calls.push(`${kind} ${id}`);
      if (kind === 'logout')
        throw Object.assign(new Error('the puppet refused'), { name: 'PuppetError', code: 'refused' });
      if (kind === 'recall') throw new AppError(409, 'robot_not_logged_in', 'the robot must be logged in');
      return { ran: kind, by: label, args };
    },
  };
  const machine = opts.host ?? `host-${label}`;
  const fleet = new Fleet({
    connection: conn,
    robots: new RobotService(conn, { kind: 'mock' }),
    sendLog: new SendLogService(conn),
    clock: opts.clock ?? systemClock,
    log: silentLog,
    member: { host: machine, pid: 4242, boot: label, id: `${machine}:4242:${label}`, label },
    alive: () => opts.alive ?? true,
    policy: {
      leaseMs: opts.leaseMs ?? LEASE_MS,
      marginMs: (opts.leaseMs ?? LEASE_MS) / 6,
      perRound: opts.perRound ?? 3,
      maxRobots: 100,
      commandTimeoutMs: opts.timeoutMs ?? 5000,
      commandPollMs: 20,
    },
  });
  fleet.attach(host);
  return { fleet, hosted, calls };
}

describe('the fleet: robot leases among processes on one database', () => {
  const robots = () => new RobotService(t.db.connection, { kind: 'mock' });
  const leases = () => new LeaseService(t.db.connection);
  let ids: string[] = [];
  const running: ReturnType<typeof processOf>[] = [];
  const start = async (p: ReturnType<typeof processOf>) => {
    running.push(p);
    await p.fleet.start();
    return p;
  };

  beforeEach(async () => {
    ids = [];
    for (let i = 0; i < 5; i++) {
      const r = await robots().create({ name: `fleet ${i}`, owner: 'fleet', puppet: { kind: 'mock' } });
      await robots().setDesired(r.id, 'running');
      ids.push(r.id);
    }
  });

  afterEach(async () => {
    for (const p of running.splice(0)) await p.fleet.stop();
    for (const r of await robots().list()) await robots().setDesired(r.id, 'stopped');
    await leases().Lease.deleteMany({});
    await fleetProcessModel(t.db.connection).deleteMany({});
  });

  test('when two processes start with 5 robots to run and 3 taken a round, then the first takes 3, the second the other 2, each robot once', async () => {
    const a = await start(processOf('a'));
    expect(a.hosted.size).toBe(3);
    const b = await start(processOf('b'));
    expect(b.hosted.size).toBe(2);
    expect([...a.hosted, ...b.hosted].sort()).toEqual([...ids].sort());
    const stored = await leases().of(ids);
    expect([...stored.values()].map((l) => [l.label, l.epoch]).sort()).toEqual([
      ['a', 1],
      ['a', 1],
      ['a', 1],
      ['b', 1],
      ['b', 1],
    ]);
  });

  test('when a holder on another machine stops renewing, then after its leases expire another process takes its robots over with a newer epoch, and the queued sends are fenced from the old holder', async () => {
    const a = await start(processOf('a', { perRound: 5 }));
    const sendLog = new SendLogService(t.db.connection);
    const [queued] = await sendLog.createAll([
      { robotId: ids[0], conversationId: 'r@chatroom', content: { type: 'text', text: 'q' } },
    ]);
    // a stops without giving anything back (a crash); its leases run out.
    await a.fleet.stop();
    const b = await start(processOf('b', { perRound: 5 }));
    expect(b.hosted.size).toBe(0);
    // a's leases and its own report run out together.
    await leases().Lease.updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1) } });
    await fleetProcessModel(t.db.connection).updateOne(
      { label: 'a' },
      { $set: { expiresAt: new Date(Date.now() - 1) } },
    );
    const taken: { from: string | null; epoch: number }[] = [];
    b.fleet.on('taken', (e) => taken.push(e));
    await b.fleet.round();
    expect(b.hosted.size).toBe(5);
    expect(taken.map((e) => [e.from, e.epoch])).toEqual(Array(5).fill(['host-a:4242:a', 2]));
    expect(await sendLog.claim(queued.id, 1)).toBeNull();
    expect(await sendLog.claim(queued.id, 2)).toMatchObject({ id: queued.id, status: 'sending' });
  });

  test("when a robot's share is dealt to a live process that does not take it, then another process takes it at its next round", async () => {
    for (const id of ids.slice(1)) await robots().setDesired(id, 'stopped');
    const now = Date.now();
    // Reports itself alive but never takes a robot (stuck in its own troubles).
    await fleetProcessModel(t.db.connection).create({
      _id: 'a-ghost:1:x',
      label: 'ghost',
      host: 'a-ghost',
      pid: 1,
      startedAt: new Date(now),
      seenAt: new Date(now),
      expiresAt: new Date(now + LEASE_MS),
    });
    const a = await start(processOf('a'));
    expect(a.hosted.size).toBe(0);
    await a.fleet.round();
    expect([...a.hosted]).toEqual([ids[0]]);
  });

  test('when the holder ran on this machine and its process is gone, then its robots are taken at once, before their leases expire', async () => {
    const a = await start(processOf('a', { host: 'same', perRound: 5 }));
    await a.fleet.stop();
    const b = await start(processOf('b', { host: 'same', perRound: 5, alive: false }));
    expect(b.hosted.size).toBe(5);
    // The same with a holder whose process still lives: nothing is taken.
    await b.fleet.stop();
    const c = await start(processOf('c', { host: 'same', perRound: 5, alive: true }));
    expect(c.hosted.size).toBe(0);
  });

  test('when a robot is pinned to another process, then this one does not take it, and a holder hands it back at its next round for the pinned one to take', async () => {
    await robots().update(ids[0], { pin: 'b' });
    const a = await start(processOf('a', { perRound: 5 }));
    expect(a.hosted.has(ids[0])).toBe(false);
    expect(a.hosted.size).toBe(4);
    await robots().update(ids[1], { pin: 'b' });
    await a.fleet.round();
    expect(a.hosted.has(ids[1])).toBe(false);
    expect((await leases().get(ids[1]))?.holder).toBeNull();
    const b = await start(processOf('b', { perRound: 5 }));
    expect([...b.hosted].sort()).toEqual([ids[0], ids[1]].sort());
    expect(await b.fleet.acquire(ids[2], undefined)).toMatchObject({ at: 'elsewhere', label: 'a' });
  });

  test('when a process is drained, then it hands back a round of robots at a time and takes none, and once undrained it takes again', async () => {
    const a = await start(processOf('a', { perRound: 5 }));
    const b = await start(processOf('b', { perRound: 2 }));
    expect([a.hosted.size, b.hosted.size]).toEqual([5, 0]);
    expect(await a.fleet.processes.setDraining('a', true)).toBe(1);
    await a.fleet.round();
    expect(a.hosted.size).toBe(0);
    await b.fleet.round();
    expect(b.hosted.size).toBe(2);
    await a.fleet.round();
    expect(a.hosted.size).toBe(0);
    expect(await a.fleet.acquire(ids.find((id) => !b.hosted.has(id)) as string, undefined)).toEqual({ at: 'nowhere' });
    await a.fleet.processes.setDraining('a', false);
    await a.fleet.round();
    expect(a.hosted.size + b.hosted.size).toBe(5);
    expect(await a.fleet.processes.setDraining('no-such-process', true)).toBe(0);
  });

  test('when a robot runs in another process, then a call reaches that process and returns its answer or its error by name; a robot that runs nowhere is RobotNotFoundError; a holder that does not answer is RobotUnreachableError', async () => {
    const a = await start(processOf('a', { perRound: 5 }));
    const b = await start(processOf('b', { timeoutMs: 600 }));
    expect(await b.fleet.call(ids[0], 'sync', { x: 1 })).toEqual({ ran: 'sync', by: 'a', args: { x: 1 } });
    expect(a.calls).toEqual([`sync ${ids[0]}`]);
    await expect(b.fleet.call(ids[1], 'logout')).rejects.toMatchObject({ name: 'PuppetError', code: 'refused' });
    // A client error there is the same client error here (a 409, not a 500).
    await expect(b.fleet.call(ids[1], 'recall')).rejects.toMatchObject({ status: 409, code: 'robot_not_logged_in' });
    const nowhere = await robots().create({ name: 'idle', owner: 'fleet', puppet: { kind: 'mock' } });
    await expect(b.fleet.call(nowhere.id, 'sync')).rejects.toBeInstanceOf(RobotNotFoundError);
    // A live lease whose process never answers (cut off from the database's command queue).
    await leases().Lease.create({
      _id: nowhere.id,
      holder: 'ghost:1:x',
      label: 'ghost',
      epoch: 1,
      expiresAt: new Date(Date.now() + LEASE_MS),
    });
    await expect(b.fleet.call(nowhere.id, 'sync')).rejects.toBeInstanceOf(RobotUnreachableError);
    expect(await b.fleet.runningOf([ids[0], nowhere.id, ids[4]])).toEqual(new Set([ids[0], nowhere.id, ids[4]]));
  });

  test('when a process that was never started for good takes a robot, then its rounds keep renewing the lease', async () => {
    const a = processOf('a', { leaseMs: 900 });
    running.push(a);
    expect(await a.fleet.acquire(ids[0], undefined)).toEqual({ at: 'here' });
    const first = (await leases().get(ids[0]))?.expiresAt.getTime() as number;
    await until('the lease was renewed', async () => ((await leases().get(ids[0]))?.expiresAt.getTime() ?? 0) > first);
    expect(a.fleet.fence(ids[0])?.held()).toBe(true);
  });

  test('when a holder is paused past the trusted part of its lease, then its fence says not held; renewed while nobody took the robot it is held again; taken meanwhile, the robot is stopped here', async () => {
    const clock = new FakeClock(Date.now());
    const a = processOf('a', { clock });
    running.push(a);
    expect(await a.fleet.acquire(ids[0], undefined)).toEqual({ at: 'here' });
    const fence = a.fleet.fence(ids[0]);
    expect(fence?.held()).toBe(true);
    clock.advance(LEASE_MS - 10_000);
    expect(fence?.held()).toBe(false);
    await a.fleet.round();
    expect(fence?.held()).toBe(true);
    // Now another process takes it after the lease ran out (a was paused).
    await leases().Lease.updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1) } });
    const b = processOf('b');
    running.push(b);
    expect(await b.fleet.acquire(ids[0], undefined)).toEqual({ at: 'here' });
    a.hosted.add(ids[0]);
    const lost = new Promise((resolve) => a.fleet.once('lost', resolve));
    await a.fleet.round();
    expect(await lost).toMatchObject({ robotId: ids[0] });
    expect(fence?.held()).toBe(false);
    expect(a.hosted.has(ids[0])).toBe(false);
  });

  test('when this process cannot report itself, then its round has renewed the leases first and the robots stay held', async () => {
    const clock = new FakeClock(Date.now());
    const a = await start(processOf('a', { clock, perRound: 5 }));
    expect(a.hosted.size).toBe(5);
    const before = await leases().of(ids);
    clock.advance(LEASE_MS - 10_000);
    jest.spyOn(a.fleet.processes, 'report').mockRejectedValueOnce(new Error('processes unavailable'));
    await expect(a.fleet.round()).rejects.toThrow('processes unavailable');
    const after = await leases().of(ids);
    for (const id of ids)
      expect(after.get(id)!.expiresAt.getTime() - before.get(id)!.expiresAt.getTime()).toBe(LEASE_MS - 10_000);
    for (const id of ids) expect(a.fleet.fence(id)?.held()).toBe(true);
  });
});
