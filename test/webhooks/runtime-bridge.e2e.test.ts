import { DeveloperCallbacks, startSeed001Callbacks } from '../../src/api/compat/seed001';
import type { Runtime } from '../../src/bot/runtime';
import type { MentionService } from '../../src/plugins/mention-capture/mention.service';
import { bridgeRuntime } from '../../src/webhooks/bridge';
import type { WebhookOutbox } from '../../src/webhooks/outbox';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { nextEvent, testPlugins, testRuntime, testRuntimeConfig } from '../support/runtime';
import { startReceiver, type Receiver } from './receiver';
import { makeOutbox, webhookConfig } from './support';

const t = useTestDatabase(__filename);

interface Envelope {
  id: string;
  type: string;
  owner?: string;
  payload: Record<string, unknown>;
}

/**
 * Runtime events reach the outbox: a robot over puppet-service logs in, members talk in a bound
 * and an unbound room, and the receiver gets the seed 001 callbacks and the native webhooks.
 */
describe('runtime events through the webhook outbox', () => {
  let svc: MockService;
  let runtime: Runtime;
  let mentionService: MentionService;
  let outbox: WebhookOutbox;
  let receiver: Receiver;
  let detach: () => Promise<void>;
  let developer: { stop(): void };
  let developerCallbacks: DeveloperCallbacks;
  let robotId: string;
  let rooms: ReturnType<typeof createRooms>;
  const natives = () =>
    receiver.hits.filter((h) => h.url === '/native' && h.mode === 'ok').map((h) => JSON.parse(h.body) as Envelope);

  beforeAll(async () => {
    svc = await startMockService('QunBot');
    receiver = await startReceiver();
    rooms = createRooms(svc, 2, 2, (i) => (i === 0 ? '福利群 AG1234' : 'Chat 1'));
    runtime = testRuntime(t.db, { config: testRuntimeConfig() });
    mentionService = testPlugins(t.db).services['mention-capture'].mentions;
    outbox = makeOutbox(t.db, webhookConfig());
    detach = bridgeRuntime({
      manager: runtime.manager,
      robots: runtime.robots,
      rooms: runtime.rooms,
      mentions: mentionService,
      outbox,
      now: () => Date.now(),
      log: silentLog,
    });
    // Seed 001 enabled with a developer callback, wired as src/main.ts wires it.
    const tokenFor = (owner: string) => outbox.derivedKey(`seed001-callback:${owner}`);
    developerCallbacks = new DeveloperCallbacks(t.db.connection, {
      robots: runtime.robots,
      defaultUrl: `${receiver.url}/dev`,
      tokenFor,
    });
    developer = startSeed001Callbacks({
      manager: runtime.manager,
      rooms: runtime.rooms,
      outbox,
      callbacks: developerCallbacks,
      tokenFor,
      defaultToken: 'dev-token',
      log: silentLog,
    });
    outbox.start();
    const robot = await runtime.manager.create({
      name: 'r1',
      owner: 'owner-1',
      agentCode: 'AG1234',
      callbackUrl: `${receiver.url}/login-done?k=1`,
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    });
    robotId = robot.id;
    await outbox.subscriptions.create({
      url: `${receiver.url}/native`,
      owner: 'owner-1',
      events: ['robot.qrcode', 'robot.login', 'message.received', 'message.mention'],
    });
    await outbox.subscriptions.create({
      url: `${receiver.url}/other-owner`,
      owner: 'owner-2',
      events: ['robot.login', 'message.received'],
    });
  });

  afterAll(async () => {
    await detach();
    developer.stop();
    await runtime.manager.stopAll();
    await outbox.stop();
    await svc.stop();
    await receiver.close();
  });

  test('when the robot shows a QR code and logs in, then the owner gets robot.qrcode and robot.login, and the login callback GET arrives with the same event id', async () => {
    const qr = nextEvent(runtime.manager, 'qrcode', (e) => e.robotId === robotId);
    await runtime.manager.start(robotId);
    svc.mocker.scan('https://login.weixin.qq.com/l/wh-test', 2);
    await qr;
    const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
    svc.mocker.login(svc.user);
    await synced;
    await receiver.until(
      () =>
        natives().some((e) => e.type === 'robot.login') && receiver.hits.some((h) => h.url.startsWith('/login-done')),
    );

    expect(natives().find((e) => e.type === 'robot.qrcode')).toMatchObject({
      owner: 'owner-1',
      payload: { robotId, qrcode: 'https://login.weixin.qq.com/l/wh-test' },
    });
    const loginEvent = natives().find((e) => e.type === 'robot.login');
    expect(loginEvent).toMatchObject({ owner: 'owner-1', payload: { robotId, wxId: svc.user.id, wxName: 'QunBot' } });
    const callback = receiver.hits.find((h) => h.url.startsWith('/login-done'));
    expect(callback).toMatchObject({ method: 'GET', url: '/login-done?k=1', body: '' });
    expect(callback?.headers['x-qunbot-robot-id']).toBe(robotId);
    expect(callback?.headers['x-qunbot-event-id']).toBe(loginEvent?.id);
    expect(callback?.headers['x-qunbot-signature']).toBeUndefined();
    expect(receiver.hits.some((h) => h.url === '/other-owner')).toBe(false);
  });

  test("when members talk in a bound and an unbound room, then the developer callback carries only the bound room's message and message.received carries both", async () => {
    const [bound, unbound] = rooms;
    const boundRecord = (await runtime.rooms.list(robotId)).find((r) => r.bound);
    unbound.people[0].say('not for the developer').to(unbound.room);
    bound.people[1].say('hello developer').to(bound.room);
    await receiver.until(
      () =>
        receiver.hits.some((h) => h.url === '/dev') &&
        natives().filter((e) => e.type === 'message.received').length >= 2,
    );

    const dev = receiver.hits.filter((h) => h.url === '/dev');
    expect(dev).toHaveLength(1);
    expect(JSON.parse(dev[0].body)).toEqual({
      token: 'dev-token',
      action: 'send_message',
      data: {
        content: 'hello developer',
        robot_id: robotId,
        room_id: boundRecord?.id,
        nickname: bound.people[1].payload.name,
      },
    });
    expect(dev[0].headers['content-type']).toBe('application/json');
    expect(dev[0].headers['x-qunbot-signature']).toBeUndefined();
    const texts = natives()
      .filter((e) => e.type === 'message.received')
      .map((e) => e.payload.text)
      .sort();
    expect(texts).toEqual(['hello developer', 'not for the developer']);
    expect(natives().find((e) => e.payload.text === 'hello developer')?.payload).toMatchObject({
      robotId,
      roomId: boundRecord?.id,
      roomTopic: '福利群 AG1234',
      talker: { id: bound.people[1].id },
    });
  });

  test("when the robot's owner sets their own developer callback, then the next bound-room message goes there with the owner's token, not to the default", async () => {
    const [bound] = rooms;
    const own = await developerCallbacks.set('owner-1', `${receiver.url}/dev-own`);
    expect(own.token).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(own.token).not.toBe(outbox.derivedKey('seed001-callback:owner-2'));
    const before = receiver.hits.filter((h) => h.url === '/dev').length;
    bound.people[0].say('for my own callback').to(bound.room);
    await receiver.until(() => receiver.hits.some((h) => h.url === '/dev-own'));
    const got = receiver.hits.filter((h) => h.url === '/dev-own');
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0].body)).toMatchObject({
      token: own.token,
      action: 'send_message',
      data: { content: 'for my own callback', robot_id: robotId },
    });
    // The delivery is the owner's to list; nothing more went to the default URL.
    const listed = await outbox.deliveries.page({ owner: 'owner-1', target: 'seed001-developer' }, { limit: 50 });
    expect(listed.items.map((d) => d.url)).toContain(`${receiver.url}/dev-own`);
    expect(receiver.hits.filter((h) => h.url === '/dev')).toHaveLength(before);
    // Removed: the default applies again.
    expect(await developerCallbacks.remove('owner-1')).toBe(true);
    bound.people[1].say('back to the default').to(bound.room);
    await receiver.until(() => receiver.hits.filter((h) => h.url === '/dev').length > before);
    expect(JSON.parse(receiver.hits.filter((h) => h.url === '/dev').at(-1)!.body)).toMatchObject({
      token: 'dev-token',
      data: { content: 'back to the default' },
    });
  });

  test('when a mention is captured, then message.mention goes to the owner only while the notify switch is on', async () => {
    const capture = (messageId: string) =>
      mentionService.capture({
        owner: 'owner-1',
        robotId,
        roomId: 'room-x',
        conversationId: 'c@chatroom',
        messageId,
        talkerId: 'u1',
        talkerName: 'Ann',
        text: '@QunBot help',
        at: new Date(),
        before: [],
      });
    const quiet = await capture('m-quiet');
    await mentionService.setNotify('owner-1', true);
    const loud = await capture('m-loud');
    await receiver.until(() => natives().some((e) => e.type === 'message.mention'));
    const mentions = natives().filter((e) => e.type === 'message.mention');
    expect(mentions).toHaveLength(1);
    expect(mentions[0]).toMatchObject({
      id: `mention-${loud.id}`,
      owner: 'owner-1',
      payload: { mentionId: loud.id, robotId, text: '@QunBot help', talker: { id: 'u1', name: 'Ann' } },
    });
    expect((await outbox.deliveries.page({ eventId: `mention-${quiet.id}` }, { limit: 5 })).items).toEqual([]);
  });
});
