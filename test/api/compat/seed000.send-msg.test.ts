import { seed000Mount, ownerOf, seed000Router } from '../../../src/api/compat/seed000';
import { createBroadcasts, type Broadcasts } from '../../../src/broadcasts';
import type { Runtime } from '../../../src/bot/runtime';
import type { PublishInput } from '../../../src/webhooks/events';
import { compatHarness } from '../../support/api';
import { silentLog } from '../../support/logger';
import { useTestDatabase } from '../../support/mongo';
import { createRooms, startMockService, type MockService } from '../../support/puppet-mock';
import { nextEvent, testPlugins, testRuntime, testRuntimeConfig } from '../../support/runtime';
import { installMounts } from '../../../src/api/compat/mount';

const t = useTestDatabase(__filename);
const KEY = 'frxs-platform-key-0123456789abcdef';
const U1 = '13600000001';

describe('seed 000 send_msg: every item to every production group, as broadcasts', () => {
  let svc: MockService;
  let runtime: Runtime;
  let broadcasts: Broadcasts;
  let h: Awaited<ReturnType<typeof compatHarness>>;
  let robotId: string;
  const finished: PublishInput[] = [];
  let onFinished: (() => void) | undefined;
  const post = (body: object | string, key = KEY) =>
    h.client().post('/robot/send_msg/').set('X-Platform-Key', key).send(body);

  beforeAll(async () => {
    svc = await startMockService('樂阳');
    createRooms(svc, 3, 2, (i) => `福利社 ${i}`);
    const config = testRuntimeConfig();
    runtime = testRuntime(t.db, { config });
    broadcasts = createBroadcasts({
      config,
      connection: t.db.connection,
      sendLog: runtime.sendLog,
      manager: runtime.manager,
      clock: runtime.clock,
      log: silentLog,
      publish: async (e) => {
        finished.push(e);
        onFinished?.();
      },
    });
    h = await compatHarness(t.db, {
      routers: () => [
        seed000Router({
          runtime,
          signIn: testPlugins(t.db).services['sign-in'].signIn,
          platforms: [{ id: 'frxs', key: KEY }],
          log: silentLog,
          broadcasts,
        }),
      ],
      prepare: (app, routers) => installMounts(app, [seed000Mount(routers)]),
    });
  });

  afterAll(async () => {
    await broadcasts.close();
    await runtime.manager.stopAll();
    await svc.stop();
  });

  test('when no robot of the platform has a production group, then 409 no_targets and nothing is created', async () => {
    const res = await post({ md_username: U1, data: ['hello'] });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ ret: -1, code: 'no_targets' });
    expect(await broadcasts.service.Task.countDocuments()).toBe(0);
  });

  test('when the body is malformed, then 400 in the envelope and nothing is created', async () => {
    for (const body of [
      { md_username: U1 },
      { md_username: U1, data: [] },
      { md_username: U1, data: 'text' },
      { md_username: U1, data: [''] },
      { md_username: U1, data: ['a\u0000b'] },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ ret: -1, code: 'invalid_request' });
    }
    expect((await post('{"md_username":', KEY).set('Content-Type', 'application/json')).status).toBe(400);
    expect((await post({ md_username: U1, data: ['x'] }, 'wrong-key-0123456789abcdefghij')).status).toBe(401);
    expect(await broadcasts.service.Task.countDocuments()).toBe(0);
  });

  test('when items are sent, then each production group of the logged-in robots receives each item once, through a broadcast that reports', async () => {
    const robot = await runtime.manager.create({
      owner: ownerOf('frxs', U1),
      name: 'A',
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    } as never);
    robotId = robot.id;
    const synced = nextEvent(runtime.manager, 'rooms-synced');
    await runtime.manager.start(robotId);
    svc.mocker.login(svc.user);
    await synced;
    const rooms = await runtime.rooms.list(robotId);
    for (const r of rooms.slice(0, 2)) await runtime.rooms.update(r.id, { production: true });

    const done = new Promise<void>((resolve) => (onFinished = resolve));
    const res = await post({ md_username: U1, platform_id: 'frxs', data: ['今日特价', 'https://example.com/deal'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ret: 0,
      msg: 'ok',
      room_count: 2,
      item_count: 2,
      task_ids: [expect.stringMatching(/^[0-9a-f]{24}$/)],
    });
    const received = await svc.puppet.receivedCount(4);
    await done;
    const production = new Set(rooms.slice(0, 2).map((r) => r.puppetId));
    expect(received.every((m) => production.has(m.conversationId))).toBe(true);
    // The text as text, the link as a link card (the seed's "http://xxx" items).
    for (const id of production)
      expect(
        received
          .filter((m) => m.conversationId === id)
          .map((m) => [m.kind, m.text ?? (m.payload as { url: string }).url]),
      ).toEqual([
        ['text', '今日特价'],
        ['url', 'https://example.com/deal'],
      ]);
    expect(received.find((m) => m.kind === 'url')?.payload).toMatchObject({
      url: 'https://example.com/deal',
      title: 'example.com/deal',
    });
    const task = await broadcasts.service.get(res.body.task_ids[0]);
    expect(task).toMatchObject({ owner: ownerOf('frxs', U1), source: `seed000:frxs:${U1}`, state: 'finished' });
    expect(finished[0]).toMatchObject({
      type: 'broadcast.finished',
      payload: { sent: 2, counts: { sent: 2, total: 2 } },
    });
    expect(svc.puppet.received).toHaveLength(4);
  });
});
