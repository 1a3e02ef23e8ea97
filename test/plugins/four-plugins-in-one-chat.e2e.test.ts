import type { Runtime } from '../../src/bot/runtime';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { nextEvent, testPlugins, testRuntime } from '../support/runtime';

const t = useTestDatabase(__filename);

describe('the four plugins in a chat over puppet-service', () => {
  let svc: MockService;
  let runtime: Runtime;
  let plugins: ReturnType<typeof testPlugins>;
  let robotId: string;
  let rooms: ReturnType<typeof createRooms>;
  const OWNER = 'owner-chat';

  beforeAll(async () => {
    svc = await startMockService('QunBot');
    rooms = createRooms(svc, 2, 4, (i) => ['福利群', '团购群'][i]);
    plugins = testPlugins(t.db);
    runtime = testRuntime(t.db, {
      stages: plugins.stages(['welcome', 'mention-capture', 'sign-in', 'keyword-reply'], {
        log: silentLog,
        settings: {
          welcome: { windowMs: 0, cooldownMs: 0, defaultText: '欢迎加入{topic}' },
          'mention-capture': { before: 3, after: 1 },
        },
      }),
    });
    const robot = await runtime.manager.create({
      name: 'chat',
      owner: OWNER,
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    });
    robotId = robot.id;
    await plugins.services['keyword-reply'].keywords.create(OWNER, {
      keywords: ['价格'],
      replies: [{ type: 'text', text: '价格请看群公告' }],
    });
    await plugins.services['sign-in'].signIn.defineKeyword(OWNER, '签到');
    const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
    await runtime.manager.start(robotId);
    svc.mocker.login(svc.user);
    await synced;
  });

  afterAll(async () => {
    await runtime.manager.shutdown();
    await svc.stop();
  });

  const replyTo = async (act: () => void) => {
    const before = svc.puppet.received.length;
    const got = svc.puppet.receivedCount(before + 1);
    act();
    return (await got)[before];
  };

  test('when someone joins, then the welcome @-mentions them in that room', async () => {
    const { room, people } = rooms[0];
    const newcomer = svc.mocker.createContact({ name: 'Nina' });
    const reply = await replyTo(() => room.add(newcomer).by(people[0]));
    expect(reply.conversationId).toBe(room.id);
    expect(reply.text).toBe('@Nina 欢迎加入福利群');
    expect(reply.mentionIds).toEqual([newcomer.id]);
  });

  test('when a member types a keyword, then the rule answers in that room', async () => {
    const { room, people } = rooms[1];
    const reply = await replyTo(() => people[1].say('请问价格多少').to(room));
    expect(reply).toMatchObject({ conversationId: room.id, text: '价格请看群公告' });
  });

  test('when a member signs in, then the sign-in plugin answers and records it', async () => {
    const { room, people } = rooms[1];
    const reply = await replyTo(() => people[2].say('签到').to(room));
    expect(reply.text).toBe(
      `@${people[2].payload.name} ${people[2].payload.name} 签到成功，获得 1 积分，已连续签到 1 天，累计 1 积分`,
    );
    const roomRecord = (await runtime.rooms.list(robotId)).find((r) => r.puppetId === room.id);
    expect(await plugins.services['sign-in'].signIn.history(roomRecord!.id, people[2].id)).toHaveLength(1);
  });

  test('when a member @-mentions the robot with a keyword, then the mention is captured with context and the keyword still answers', async () => {
    const { room, people } = rooms[0];
    const handled = nextEvent(
      runtime.manager,
      'handled',
      (e) => e.event.kind === 'message' && e.event.text === 'context line',
    );
    people[3].say('context line').to(room);
    await handled;
    const reply = await replyTo(() => people[1].say('@QunBot 价格呢', [svc.user]).to(room));
    expect(reply.text).toBe('价格请看群公告');
    const { items } = await plugins.services['mention-capture'].mentions.list(OWNER);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ text: '@QunBot 价格呢', talkerId: people[1].id, roomTopic: '福利群' });
    expect(items[0].before.map((l) => l.text)).toContain('context line');
  });
});
