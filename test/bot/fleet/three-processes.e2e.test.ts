import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { LeaseService } from '../../../src/bot/fleet/leases.service';
import { RobotService } from '../../../src/bot/robot.service';
import { RoomService } from '../../../src/bot/room.service';
import { sendLogModel } from '../../../src/bot/send-log.model';
import { SubscriptionService } from '../../../src/webhooks/subscription.service';
import { broadcastServiceOn } from '../../support/broadcasts';
import { useTestDatabase } from '../../support/mongo';
import { startMockService, type MockService } from '../../support/puppet-mock';
import { qunbotEnv, startLoggedQunbot, webhookReceiver } from '../../support/qunbot-process';
import { until } from '../../support/until';

const t = useTestDatabase(__filename);
const OWNER = 'fleet-owner';
const ROBOTS = 30;
const LEASE_SEC = 4;
const ADMIN = { Authorization: 'Bearer child-test-admin-key-0123456789' };

interface Account {
  svc: MockService;
  robotId: string;
  roomId: string;
  roomPuppetId: string;
}

/**
 * Three qunbot processes ("machines" a, b and c: each its own host id) on one database with 30
 * robots over puppet-service (the mock server runs here and sees every client that connects).
 * One scenario in steps, each building on the last: the robots spread, a paused process loses
 * its robots and sends nothing for them, a killed one's robots move after its leases expire
 * while a broadcast goes to every room, a stopped one hands its robots over at once.
 *
 * The puppet-service server refuses a second event stream for an account while one is open, so
 * "never logged in twice at once" shows as at most one stream per account at any moment, and as
 * the number of streams each account saw.
 */
describe('three qunbot processes sharing 30 robots', () => {
  const accounts: Account[] = [];
  const homes: string[] = [];
  const procs = new Map<string, ReturnType<typeof startLoggedQunbot>>();
  const urls = new Map<string, string>();
  const heartbeats: NodeJS.Timeout[] = [];
  let leases: LeaseService;

  const holderLabel = async (robotId: string) => (await leases.get(robotId))?.label;
  const robotsOf = async (label: string) => {
    const all = await leases.of(accounts.map((a) => a.robotId));
    return accounts.filter((a) => all.get(a.robotId)?.label === label);
  };
  const say = (via: string, a: Account, text: string) =>
    request(urls.get(via) as string)
      .post('/api/v1/messages')
      .set(ADMIN)
      .send({ robotId: a.robotId, roomId: a.roomId, content: { type: 'text', text } })
      .expect(202);
  const texts = (a: Account, prefix: string) =>
    a.svc.puppet.received.filter((r) => r.text?.startsWith(prefix)).map((r) => r.text);

  beforeAll(async () => {
    // 30 puppet-service servers in this process, each listening for its exit.
    process.setMaxListeners(100);
    const conn = t.db.connection;
    leases = new LeaseService(conn);
    const robots = new RobotService(conn, { kind: 'service', tlsDisable: true });
    const rooms = new RoomService(conn, () => Date.now());
    for (let i = 0; i < ROBOTS; i++) {
      const svc = await startMockService(`Fleet ${i}`);
      // The first client that connects is logged in; later ones resume the session the service keeps.
      svc.mocker.use((m) => {
        setImmediate(() => {
          if (!svc.puppet.isLoggedIn) m.login(svc.user);
        });
        return () => undefined;
      });
      // A real service sends heartbeats; the mock does not, and without them its clients give up
      // on a quiet stream after a minute and log in again.
      heartbeats.push(setInterval(() => svc.puppet.emit('heartbeat', { data: 'mock heartbeat' }), 15_000));
      const people = svc.mocker.createContacts(2);
      const room = svc.mocker.createRoom({
        topic: `Fleet group ${i}`,
        memberIdList: [svc.user.id, ...people.map((p) => p.id)],
        ownerId: people[0].id,
      });
      const robot = await robots.create({
        name: `fleet robot ${i}`,
        owner: OWNER,
        puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
      });
      const synced = await rooms.sync(robot.id, undefined, [
        { puppetId: room.id, topic: `Fleet group ${i}`, memberCount: 3 },
      ]);
      accounts.push({ svc, robotId: robot.id, roomId: synced.rooms[0].id, roomPuppetId: room.id });
    }
    for (const label of ['a', 'b', 'c']) {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), `qunbot-fleet-${label}-`));
      homes.push(home);
      const p = startLoggedQunbot({
        ...qunbotEnv(home, conn.name),
        QUNBOT_HOST_ID: `machine-${label}`,
        QUNBOT_PROCESS_LABEL: label,
        QUNBOT_LEASE_SEC: String(LEASE_SEC),
        QUNBOT_TAKE_PER_ROUND: '10',
        // A robot whose service still serves the paused holder's stream gets no events; it gives up
        // after this and tries again (60 s by default).
        QUNBOT_START_TIMEOUT_SEC: '8',
      });
      procs.set(label, p);
    }
    for (const [label, p] of procs) urls.set(label, (await p.logged('HTTP server listening')).url as string);
    await Promise.all([...procs.values()].map((p) => p.logged('qunbot started')));
    // Only now are the robots to run: every process is up and shares them.
    for (const a of accounts) await robots.setDesired(a.robotId, 'running');
  }, 90_000);

  afterAll(async () => {
    for (const h of heartbeats) clearInterval(h);
    for (const p of procs.values()) {
      p.child.kill('SIGCONT');
      p.child.kill('SIGKILL');
    }
    await Promise.all([...procs.values()].map((p) => p.exited));
    await Promise.all(accounts.map((a) => a.svc.stop()));
    // Puppets the killed process never stopped.
    await Promise.all(accounts.map((a) => a.svc.puppet.stop().catch(() => undefined)));
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
  });

  test('when 30 robots should run on three processes, then each is logged in exactly once and the three share them', async () => {
    await Promise.all(accounts.map((a) => a.svc.puppet.streamsOpened(1)));
    expect(accounts.map((a) => a.svc.puppet.streamOpenedAt.length)).toEqual(Array(ROBOTS).fill(1));
    const byLabel = new Map<string, number>();
    for (const a of accounts) {
      const label = await holderLabel(a.robotId);
      byLabel.set(label as string, (byLabel.get(label as string) ?? 0) + 1);
    }
    expect([...byLabel.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const n of byLabel.values()) expect(n).toBeGreaterThanOrEqual(5);
    // Every process answers for every robot: a send through another process than the holder's arrives.
    const mine = (await robotsOf('c'))[0];
    await say('a', mine, 'spread: via a to a robot of c');
    await mine.svc.puppet.receivedCount(1);
    expect(texts(mine, 'spread:')).toEqual(['spread: via a to a robot of c']);
  }, 60_000);

  test('when a process is paused past its leases, then the others take its robots, and once it resumes it sends nothing for them', async () => {
    const c = procs.get('c') as ReturnType<typeof startLoggedQunbot>;
    const held = await robotsOf('c');
    const target = held[0];
    const before = target.svc.puppet.received.length;
    // Three sends to one room: the outbox spaces them (3 s a room), so two still wait in c when it stops.
    for (const n of [1, 2, 3]) await say('b', target, `paused: ${n}`);
    await target.svc.puppet.receivedCount(before + 1);
    c.child.kill('SIGSTOP');
    const epochBefore = (await leases.get(target.robotId))?.epoch as number;
    await until('every robot of the paused process has another holder', async () =>
      (await Promise.all(held.map((a) => holderLabel(a.robotId)))).every((l) => l === 'a' || l === 'b'),
    );
    c.child.kill('SIGCONT');
    // The puppet service kept c's streams open while it was paused: the new holders log in once c lets go.
    await Promise.all(held.map((a) => a.svc.puppet.streamsOpened(2)));
    await target.svc.puppet.receivedCount(before + 3);
    expect(texts(target, 'paused:')).toEqual(['paused: 1', 'paused: 2', 'paused: 3']);
    const lease = await leases.get(target.robotId);
    expect(lease?.epoch).toBeGreaterThan(epochBefore);
    // The two sends that waited in c went out under the new holder's lease, not c's.
    await until(
      'the outcomes of the two sends are recorded',
      async () =>
        (await sendLogModel(t.db.connection).countDocuments({
          robotId: target.robotId,
          'content.text': /^paused: [23]$/,
          status: 'sent',
        })) === 2,
    );
    const records = await sendLogModel(t.db.connection)
      .find({ robotId: target.robotId, 'content.text': /^paused: [23]$/ })
      .lean();
    expect(records.map((r) => [r.status, r.epoch])).toEqual([
      ['sent', lease?.epoch],
      ['sent', lease?.epoch],
    ]);
    for (const a of accounts) expect(a.svc.puppet.maxStreamsOpen).toBe(1);
  }, 90_000);

  test('when a process is killed, then its robots are logged in again elsewhere after its leases expire, its queued sends go once, and a broadcast made meanwhile reaches every room once', async () => {
    const conn = t.db.connection;
    const a = procs.get('a') as ReturnType<typeof startLoggedQunbot>;
    const held = await robotsOf('a');
    const target = held[0];
    const streams = new Map(held.map((x) => [x.robotId, x.svc.puppet.streamOpenedAt.length]));
    const before = target.svc.puppet.received.length;
    for (const n of [1, 2, 3]) await say('b', target, `killed: ${n}`);
    await target.svc.puppet.receivedCount(before + 1);
    const receiver = await webhookReceiver();
    await new SubscriptionService(conn).create({ owner: OWNER, url: receiver.url, events: ['broadcast.finished'] });
    a.child.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    try {
      // Made while a's leases still look alive to the others: its rooms' sends wait for the next holders.
      const service = broadcastServiceOn(conn);
      await service.create({
        owner: OWNER,
        name: 'during failover',
        materials: [{ type: 'text', text: 'failover broadcast' }],
        targets: { mode: 'all' },
        schedule: { kind: 'once', at: new Date(Date.now() + 1000) },
      });
      await Promise.all(held.map((x) => x.svc.puppet.streamsOpened((streams.get(x.robotId) as number) + 1)));
      const event = await receiver.finished;
      expect(event.payload.counts).toMatchObject({ total: ROBOTS, sent: ROBOTS });
      for (const x of accounts) expect(texts(x, 'failover')).toEqual(['failover broadcast']);
      await until('the sends queued in the killed process went out', async () => {
        const left = await sendLogModel(conn).countDocuments({
          robotId: target.robotId,
          status: { $in: ['queued', 'sending'] },
        });
        return left === 0;
      });
      expect(texts(target, 'killed:')).toEqual(['killed: 1', 'killed: 2', 'killed: 3']);
      for (const x of held) expect(await holderLabel(x.robotId)).not.toBe('a');
      for (const x of accounts) expect(x.svc.puppet.maxStreamsOpen).toBe(1);
    } finally {
      await receiver.close();
    }
  }, 90_000);

  test('when a process is stopped with SIGTERM, then it gives its leases back and the last process takes every robot without waiting for them to expire', async () => {
    const b = procs.get('b') as ReturnType<typeof startLoggedQunbot>;
    const held = await robotsOf('b');
    expect(held.length).toBeGreaterThan(0);
    const streams = new Map(held.map((x) => [x.robotId, x.svc.puppet.streamOpenedAt.length]));
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    // The leases b renewed a moment ago would still run for seconds: they were given back instead.
    const after = await leases.of(held.map((x) => x.robotId));
    for (const x of held) {
      const lease = after.get(x.robotId);
      expect(lease?.holder === null || lease?.label === 'c').toBe(true);
    }
    await Promise.all(held.map((x) => x.svc.puppet.streamsOpened((streams.get(x.robotId) as number) + 1)));
    await until('the last process holds all 30 robots', async () => (await robotsOf('c')).length === ROBOTS);
    for (const x of accounts) expect(x.svc.puppet.maxStreamsOpen).toBe(1);
  }, 90_000);
});
