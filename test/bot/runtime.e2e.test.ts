import type { PipelineStage } from '../../src/bot/pipeline';
import type { BotEvent } from '../../src/bot/plugin';
import type { Runtime } from '../../src/bot/runtime';
import { useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { nextEvent, testRuntime, testRuntimeConfig } from '../support/runtime';

// File-level, so its teardown runs after every describe's own afterAll.
const t = useTestDatabase(__filename);

describe('robot runtime over puppet-service gRPC', () => {
  let svc: MockService;
  let runtime: Runtime;
  let robotId: string;
  const seen: BotEvent[] = [];
  const config = testRuntimeConfig();
  let rooms: ReturnType<typeof createRooms>;

  const stages: PipelineStage[] = [
    {
      name: 'recorder',
      events: ['message', 'room-join', 'room-leave'],
      handle: async (ctx, next) => {
        seen.push(ctx.event);
        await next();
      },
    },
    {
      name: 'thrower',
      events: ['message'],
      handle: async (ctx, next) => {
        if (ctx.event.kind === 'message' && ctx.event.text.includes('boom')) throw new Error('plugin exploded');
        await next();
      },
    },
    {
      name: 'echo',
      events: ['message'],
      handle: async (ctx) => {
        if (ctx.event.kind === 'message' && /ping|boom/.test(ctx.event.text))
          await ctx.reply(`pong: ${ctx.event.text}`, { mention: [ctx.event.talker] });
      },
    },
  ];

  beforeAll(async () => {
    svc = await startMockService('QunBot');
    rooms = createRooms(svc, 3, 4, (i) => (i === 0 ? '粉丝福利群 AG1234' : `Group ${i}`));
    runtime = testRuntime(t.db, { stages, config });
    const robot = await runtime.manager.create({
      name: 'r1',
      owner: 'owner-1',
      agentCode: 'AG1234',
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    });
    robotId = robot.id;
  });

  afterAll(async () => {
    await runtime.manager.stopAll();
    await svc.stop();
  });

  test('when the robot starts and the puppet shows a QR code, then the QR is stored as payload and PNG', async () => {
    const waiting = nextEvent(runtime.manager, 'qrcode', (e) => e.robotId === robotId);
    await runtime.manager.start(robotId);
    svc.mocker.scan('https://login.weixin.qq.com/l/qunbot-test', 2);
    const { qr } = await waiting;
    expect(qr.payload).toBe('https://login.weixin.qq.com/l/qunbot-test');
    const stored = await runtime.robots.get(robotId);
    expect(stored?.status).toBe('waiting_for_scan');
    expect(stored?.qr?.payload).toBe(qr.payload);
    expect(stored?.qr?.dataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]{100,}/);
    expect(stored?.qr?.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  test('when the user logs in, then status, identity and room sync follow (the login callback: test/bot/login-callback.test.ts)', async () => {
    const loggedIn = nextEvent(runtime.manager, 'login', (e) => e.robotId === robotId);
    const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
    svc.mocker.login(svc.user);
    expect(await loggedIn).toMatchObject({ wxId: svc.user.id, wxName: 'QunBot' });
    const { result } = await synced;

    const stored = await runtime.robots.get(robotId);
    expect(stored).toMatchObject({ status: 'logged_in', wxId: svc.user.id, wxName: 'QunBot', desired: 'running' });
    expect(stored?.qr).toBeUndefined();

    expect(result.created).toBe(3);
    const list = await runtime.rooms.list(robotId);
    expect(list.map((r) => r.topic).sort()).toEqual(['Group 1', 'Group 2', '粉丝福利群 AG1234']);
    expect(list.every((r) => r.memberCount === 5 && r.present)).toBe(true);
    expect(list.filter((r) => r.bound).map((r) => r.topic)).toEqual(['粉丝福利群 AG1234']);
    expect(list.find((r) => r.topic === 'Group 1')?.ownerName).toBe(rooms[1].people[0].payload.name);
  });

  test('when a member says ping in a room, then the pipeline sees it and the reply @-mentions them in that room', async () => {
    const { room, people } = rooms[1];
    const handled = nextEvent(
      runtime.manager,
      'handled',
      (e) => e.event.kind === 'message' && e.event.text === 'ping 1',
    );
    const settled = new Promise((resolve) => runtime.manager.outbox(robotId)?.once('settled', resolve));
    const before = svc.puppet.received.length;
    people[1].say('ping 1').to(room);
    const { event } = await handled;
    expect(event).toMatchObject({ kind: 'message', robotId, text: 'ping 1' });
    expect(event.kind === 'message' && event.room?.id).toBe(room.id);

    const [reply] = (await svc.puppet.receivedCount(before + 1)).slice(before);
    expect(reply.conversationId).toBe(room.id);
    expect(reply.text).toContain('pong: ping 1');
    expect(reply.text).toContain(`@${people[1].payload.name}`);
    expect(reply.mentionIds).toEqual([people[1].id]);

    await settled;
    const log = await t.db.connection.collection('sendlogs').findOne({ puppetMessageId: reply.messageId });
    expect(log).toMatchObject({
      status: 'sent',
      conversationId: room.id,
      source: 'plugin:echo',
      mentionIds: [people[1].id],
    });
  });

  test('when a plugin throws, then the next plugin still runs', async () => {
    const { room, people } = rooms[2];
    const before = svc.puppet.received.length;
    people[0].say('boom').to(room);
    const [reply] = (await svc.puppet.receivedCount(before + 1)).slice(before);
    expect(reply.text).toContain('pong: boom');
  });

  test('when the same message id arrives twice, then it is handled once', async () => {
    const { room, people } = rooms[2];
    const first = nextEvent(
      runtime.manager,
      'handled',
      (e) => e.event.kind === 'message' && e.event.text === 'dup check',
    );
    people[2].say('dup check').to(room);
    const { event } = await first;
    // Replay the same message id from the WeChat side, then a marker message to know the replay was processed.
    svc.puppet.emit('message', { messageId: event.id });
    const marker = nextEvent(
      runtime.manager,
      'handled',
      (e) => e.event.kind === 'message' && e.event.text === 'after dup',
    );
    people[2].say('after dup').to(room);
    await marker;
    expect(seen.filter((e) => e.id === event.id)).toHaveLength(1);
  });

  test('when the robot itself speaks, then its own message is not handled', async () => {
    const { room } = rooms[1];
    const marker = nextEvent(
      runtime.manager,
      'handled',
      (e) => e.event.kind === 'message' && e.event.text === 'self marker',
    );
    svc.user.say('robot talking').to(room);
    rooms[1].people[0].say('self marker').to(room);
    await marker;
    expect(seen.some((e) => e.kind === 'message' && e.text === 'robot talking')).toBe(false);
  });

  test('when someone joins a room, then a room-join event reaches the pipeline', async () => {
    const { room, people } = rooms[0];
    const newcomer = svc.mocker.createContact({ name: 'Newcomer' });
    const joined = nextEvent(runtime.manager, 'handled', (e) => e.event.kind === 'room-join');
    room.add(newcomer).by(people[0]);
    const { event } = await joined;
    expect(event.kind === 'room-join' && event.invitees.map((c) => c.id)).toEqual([newcomer.id]);
    expect(event.kind === 'room-join' && event.room.id).toBe(room.id);
  });

  test('when a member is removed from a room, then a room-leave event reaches the pipeline naming who left and who removed them', async () => {
    const { room, people } = rooms[0];
    const leaver = svc.mocker.createContact({ name: 'Leaver' });
    const joined = nextEvent(runtime.manager, 'handled', (e) => e.event.kind === 'room-join');
    room.add(leaver).by(people[0]);
    await joined;
    const left = nextEvent(runtime.manager, 'handled', (e) => e.event.kind === 'room-leave');
    room.remove(leaver).by(people[0]);
    const { event } = await left;
    expect(event.kind === 'room-leave' && event.leavers.map((c) => c.id)).toEqual([leaver.id]);
    expect(event.kind === 'room-leave' && [event.room.id, event.remover?.id]).toEqual([room.id, people[0].id]);
  });

  test('when the process restarts with a logged-in robot, then the new runtime resumes it', async () => {
    // The process ends without giving its leases back (as after a crash): the new one, on this
    // host, sees that the old one is gone and takes the robot at once.
    await runtime.manager.stopAll();
    await runtime.fleet.stop();
    expect((await runtime.robots.get(robotId))?.status).toBe('stopped');
    expect((await runtime.robots.get(robotId))?.desired).toBe('running');

    runtime = testRuntime(t.db, { stages, config });
    const loggedIn = nextEvent(runtime.manager, 'login', (e) => e.robotId === robotId);
    await runtime.manager.startAll();
    expect(await loggedIn).toMatchObject({ wxId: svc.user.id });
    expect((await runtime.robots.get(robotId))?.status).toBe('logged_in');

    const before = svc.puppet.received.length;
    rooms[1].people[0].say('ping after restart').to(rooms[1].room);
    const [reply] = (await svc.puppet.receivedCount(before + 1)).slice(before);
    expect(reply.text).toContain('pong: ping after restart');
  });

  test('when the robot is logged out, then its status says so', async () => {
    const out = nextEvent(runtime.manager, 'status', (e) => e.robotId === robotId && e.status === 'logged_out');
    await runtime.manager.logout(robotId);
    await out;
    expect((await runtime.robots.get(robotId))?.status).toBe('logged_out');
  });
});
