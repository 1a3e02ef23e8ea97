import { createPuppetFactory } from '../../src/bot/puppets';
import type { Runtime } from '../../src/bot/runtime';
import { useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { nextEvent, testRuntime, testRuntimeConfig } from '../support/runtime';

const t = useTestDatabase(__filename);

/** Queues a text to the robot's first room through its outbox. */
async function sendToFirstRoom(runtime: Runtime, robotId: string, text: string) {
  const [room] = await runtime.rooms.list(robotId);
  return runtime.manager.send(robotId, {
    conversationId: room.puppetId,
    roomId: room.id,
    content: { type: 'text', text },
    source: 'test',
  });
}

/**
 * A robot never stays down by itself: a logout nobody asked for takes it offline and restarts it
 * (backoff), and what was queued meanwhile goes out once it is logged in again. Over real
 * puppet-service gRPC; the mock service, like a real one, shows a QR code to a client that
 * starts without a session.
 */
describe('a robot logged out without an operator asking', () => {
  let svc: MockService;
  let runtime: Runtime;
  let robotId: string;
  let rooms: ReturnType<typeof createRooms>;

  beforeAll(async () => {
    svc = await startMockService('QunBot', { qrWithoutSession: true });
    rooms = createRooms(svc, 1, 2, () => '恢复群');
    runtime = testRuntime(t.db, { config: testRuntimeConfig({ backoffMs: 100 }) });
    const robot = await runtime.manager.create({
      name: 'comes back',
      owner: 'owner-recovery',
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    });
    robotId = robot.id;
    const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
    await runtime.manager.start(robotId);
    svc.mocker.login(svc.user);
    await synced;
  });

  afterAll(async () => {
    await runtime.manager.shutdown();
    await svc.stop();
  });

  test('when the puppet logs the account out, then the robot goes offline, shows a fresh QR code, and after the next login a send queued meanwhile is delivered once', async () => {
    const offline = nextEvent(runtime.manager, 'status', (e) => e.robotId === robotId && e.status === 'offline');
    const qr = nextEvent(runtime.manager, 'qrcode', (e) => e.robotId === robotId);
    await svc.puppet.logout('WeChat ended the session');
    expect(await offline).toMatchObject({ reason: 'logged out without an operator asking' });

    const queued = await sendToFirstRoom(runtime, robotId, 'queued while offline');
    expect(queued.record.status).toBe('queued');

    expect((await qr).qr.payload).toMatch(/^https:\/\/login\.weixin\.qq\.com\/l\/mock-/);
    expect((await runtime.robots.get(robotId))?.status).toBe('waiting_for_scan');
    const before = svc.puppet.received.length;
    const loggedIn = nextEvent(runtime.manager, 'login', (e) => e.robotId === robotId);
    svc.mocker.login(svc.user);
    await loggedIn;
    const settled = await queued.settled;
    expect(settled.status).toBe('sent');
    const sent = svc.puppet.received.slice(before).filter((r) => r.text === 'queued while offline');
    expect(sent).toHaveLength(1);
    expect(sent[0].conversationId).toBe(rooms[0].room.id);
    expect((await runtime.robots.get(robotId))?.status).toBe('logged_in');
  });

  test('when the puppet service restarts under the logged-in robot, then the robot logs in again by itself and a queued send is delivered once', async () => {
    const again = nextEvent(runtime.manager, 'login', (e) => e.robotId === robotId);
    const before = svc.puppet.received.length;
    await svc.restart();
    await again;
    const ticket = await sendToFirstRoom(runtime, robotId, 'after the service restart');
    expect((await ticket.settled).status).toBe('sent');
    expect(svc.puppet.received.slice(before).filter((r) => r.text === 'after the service restart')).toHaveLength(1);
    expect((await runtime.robots.get(robotId))?.status).toBe('logged_in');
  });
});

/**
 * The puppet-service client's watchdog resets a stream that carried no event for its timeout
 * (60 s by default; a real service sends heartbeats, wechaty-puppet-mock sends none). Shortened
 * here to 1 s so the reset happens within the test: every silent second resets the stream.
 */
describe('a robot whose puppet-service stream goes silent past the client watchdog', () => {
  let svc: MockService;
  let runtime: Runtime;
  let robotId: string;

  beforeAll(async () => {
    svc = await startMockService('QunBot');
    createRooms(svc, 1, 2, () => '看门狗群');
    runtime = testRuntime(t.db, {
      config: testRuntimeConfig({ backoffMs: 100 }),
      createPuppet: createPuppetFactory({ serviceWatchdogSec: 1 }),
    });
    robotId = (
      await runtime.manager.create({
        name: 'watched',
        owner: 'owner-watchdog',
        puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
      })
    ).id;
  });

  afterAll(async () => {
    await runtime.manager.shutdown();
    await svc.stop();
  });

  test('when the watchdog resets the stream, then the robot goes offline, logs in again by itself and a send queued meanwhile is delivered once', async () => {
    const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
    await runtime.manager.start(robotId);
    svc.mocker.login(svc.user);
    await synced;

    // No event for a second: the watchdog resets the stream; the robot must not stay down.
    const offline = nextEvent(runtime.manager, 'status', (e) => e.robotId === robotId && e.status === 'offline');
    const down = await offline;
    // The reset stops the client, which reports a logout: one nobody asked for.
    expect(down).toMatchObject({ prev: 'logged_out', reason: 'logged out without an operator asking' });
    expect(down.retryAt).toBeInstanceOf(Date);

    const before = svc.puppet.received.length;
    const loggedIn = nextEvent(runtime.manager, 'login', (e) => e.robotId === robotId);
    const ticket = await sendToFirstRoom(runtime, robotId, 'queued across the watchdog reset');
    expect(ticket.record.status).toBe('queued');
    // The service kept the session, so the restarted robot logs in without a scan.
    await loggedIn;
    expect((await ticket.settled).status).toBe('sent');
    expect(svc.puppet.received.slice(before).filter((r) => r.text === 'queued across the watchdog reset')).toHaveLength(
      1,
    );
    expect((await runtime.robots.get(robotId))?.desired).toBe('running');
  });
});
