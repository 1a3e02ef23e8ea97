import type { BotEventKind, PluginInstance, PluginScope } from '../../src/bot/plugin';
import { keywordReplyPlugin } from '../../src/plugins/keyword-reply/keyword-reply.plugin';
import { mentionCapturePlugin } from '../../src/plugins/mention-capture/mention-capture.plugin';
import type { PluginPackage } from '../../src/plugins/plugin-package';
import { signInPlugin } from '../../src/plugins/sign-in/sign-in.plugin';
import { welcomePlugin } from '../../src/plugins/welcome/welcome.plugin';
import { FakeClock } from '../support/fake-clock';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';
import { testPlugins } from '../support/runtime';
import { fakeContext, joinEvent, messageEvent, roomView, talker, wxRoom } from '../support/plugin-context';

const t = useTestDatabase(__filename);

describe('plugin handlers with a fake context', () => {
  let plugins: ReturnType<typeof testPlugins>;
  let clock: FakeClock;
  const instances: PluginInstance[] = [];

  beforeAll(() => {
    clock = new FakeClock(Date.parse('2026-11-22T01:00:00Z'));
    plugins = testPlugins(t.db, clock);
  });
  afterAll(async () => {
    for (const i of instances) await i.dispose?.();
  });

  /** The plugin's instance over the shared services, its handler taking any context (the test's fakes). */
  function make<C, D, K extends BotEventKind, S extends PluginScope>(
    plugin: PluginPackage<keyof typeof plugins.services, C, D, K, S>,
    raw: unknown = {},
  ): PluginInstance {
    const services = plugins.services[plugin.name] as D;
    const inst = plugin.create({
      config: plugin.parseConfig(raw),
      services,
      log: silentLog,
    }) as unknown as PluginInstance;
    instances.push(inst);
    return inst;
  }

  describe('keyword-reply', () => {
    const ROOM = '6740d0000000000000000001';
    const OTHER = '6740d0000000000000000002';
    let plugin: PluginInstance;
    beforeAll(async () => {
      await plugins.services['keyword-reply'].keywords.create('owner-1', {
        keywords: ['价格'],
        replies: [
          { type: 'text', text: '价格请看置顶' },
          { type: 'link', title: '价目表', url: 'https://example.com/p' },
        ],
        cooldownSec: 30,
      });
      await plugins.services['keyword-reply'].keywords.create('owner-1', {
        keywords: ['Hi'],
        mode: 'exact',
        replies: [{ type: 'text', text: 'hello!' }],
        roomIds: [OTHER],
      });
      plugin = make(keywordReplyPlugin, { flushMs: 60_000 });
    });

    test('when a message contains a keyword, then every reply is sent and the event is consumed', async () => {
      const { ctx, next, sent } = fakeContext(
        messageEvent({
          text: '@小助手\u2005请问价格',
          from: talker('m1', 'Ann'),
          room: wxRoom(`${ROOM}@chatroom`, 'A'),
        }),
        roomView(ROOM),
      );
      await plugin.handle(ctx, next);
      expect(sent.map((s) => s.content.type)).toEqual(['text', 'link']);
      expect(next).not.toHaveBeenCalled();
    });

    test('when the same keyword comes again within the cool-down, then it is passed on without a reply', async () => {
      const { ctx, next, sent } = fakeContext(
        messageEvent({ text: '价格？', from: talker('m2', 'Bob'), room: wxRoom(`${ROOM}@chatroom`, 'A') }),
        roomView(ROOM),
      );
      await plugin.handle(ctx, next);
      expect(sent).toHaveLength(0);
      expect(next).toHaveBeenCalledTimes(1);
    });

    test('when the rule is scoped to other rooms, then it does not answer here', async () => {
      const here = fakeContext(
        messageEvent({ text: 'hi', from: talker('m3', 'C'), room: wxRoom(`${ROOM}@chatroom`, 'A') }),
        roomView(ROOM),
      );
      await plugin.handle(here.ctx, here.next);
      expect(here.sent).toHaveLength(0);
      const there = fakeContext(
        messageEvent({ text: 'ＨＩ', from: talker('m3', 'C'), room: wxRoom(`${OTHER}@chatroom`, 'B') }),
        roomView(OTHER),
      );
      await plugin.handle(there.ctx, there.next);
      expect(there.sent.map((s) => s.content)).toEqual([{ type: 'text', text: 'hello!' }]);
    });

    test('when rules change, then the matcher is rebuilt without a restart', async () => {
      await plugins.services['keyword-reply'].keywords.create('owner-1', {
        keywords: ['新词'],
        replies: [{ type: 'text', text: 'new rule' }],
      });
      const { ctx, next, sent } = fakeContext(
        messageEvent({ text: '这是新词', from: talker('m4', 'D'), room: wxRoom(`${ROOM}@chatroom`, 'A') }),
        roomView(ROOM),
      );
      await plugin.handle(ctx, next);
      expect(sent.map((s) => s.content)).toEqual([{ type: 'text', text: 'new rule' }]);
    });

    test('when the plugin flushes, then trigger counts land in one batch', async () => {
      await plugin.dispose?.();
      const rules = await plugins.services['keyword-reply'].keywords.list('owner-1');
      expect(Object.fromEntries(rules.map((r) => [r.keywords[0], r.triggerTimes]))).toEqual({
        价格: 1,
        Hi: 1,
        新词: 1,
      });
    });
  });

  describe('welcome', () => {
    const ROOM = '6740d0000000000000000010';
    let plugin: PluginInstance;
    beforeAll(() => {
      plugin = make(welcomePlugin, { windowMs: 10_000, cooldownMs: 60_000, defaultText: '欢迎 {names} 加入{topic}' });
    });

    test('when two people join within the window, then one welcome names both and mentions them', async () => {
      const a = talker('a', 'Amy');
      const b = talker('b', 'Ben');
      const room = wxRoom(`${ROOM}@chatroom`, '福利群', [a, b]);
      const first = fakeContext(joinEvent(room, [a]), roomView(ROOM));
      await plugin.handle(first.ctx, first.next);
      const second = fakeContext(joinEvent(room, [b]), roomView(ROOM));
      await plugin.handle(second.ctx, second.next);
      expect(first.next).toHaveBeenCalledTimes(1);
      expect(first.sent.length + second.sent.length).toBe(0);
      expect(clock.pending).toBeGreaterThan(0);
      clock.advance(10_000);
      await second.replied();
      expect(first.sent).toHaveLength(0);
      expect(second.sent).toEqual([
        { content: { type: 'text', text: '欢迎 Amy、Ben 加入福利群' }, mention: ['a', 'b'] },
      ]);
    });

    test('when a puppet only sends the system notice, then the newcomer is welcomed too', async () => {
      const c = talker('c', 'Cat');
      const room = wxRoom('6740d0000000000000000011@chatroom', '团购群', [c]);
      const { ctx, next, sent, replied } = fakeContext(
        messageEvent({ text: '"Amy"邀请"Cat"加入了群聊', from: talker('sys', 'system'), room, type: 0 }),
        roomView('6740d0000000000000000011'),
      );
      await plugin.handle(ctx, next);
      expect(next).toHaveBeenCalledTimes(1);
      clock.advance(10_000);
      await replied();
      expect(sent).toEqual([{ content: { type: 'text', text: '欢迎 Cat 加入团购群' }, mention: ['c'] }]);
    });

    test('when a member types the notice as text, then nobody is welcomed', async () => {
      const { ctx, next, sent } = fakeContext(
        messageEvent({
          text: '"Amy"邀请"Fake"加入了群聊',
          from: talker('x', 'X'),
          room: wxRoom('6740d0000000000000000012@chatroom', 'T'),
          type: 7,
        }),
        roomView('6740d0000000000000000012'),
      );
      const before = clock.pending;
      await plugin.handle(ctx, next);
      expect(clock.pending).toBe(before);
      expect(sent).toHaveLength(0);
    });
  });

  describe('mention-capture', () => {
    const ROOM = '6740d0000000000000000020';
    let plugin: PluginInstance;
    beforeAll(() => {
      plugin = make(mentionCapturePlugin, { before: 2, after: 2, afterWindowMs: 60_000 });
    });

    test('when the robot is @-mentioned, then the capture with prior context is stored before next() and later context is appended', async () => {
      const room = wxRoom(`${ROOM}@chatroom`, 'Q');
      const view = roomView(ROOM, { robotNickname: '群助手' });
      const say = async (text: string, mentionSelf = false) => {
        const f = fakeContext(messageEvent({ text, from: talker('u1', 'Uma'), room, mentionSelf }), view);
        let storedBeforeNext = -1;
        f.next.mockImplementation(async () => {
          storedBeforeNext = (await plugins.services['mention-capture'].mentions.list('owner-1')).total;
        });
        await plugin.handle(f.ctx, f.next);
        expect(f.next).toHaveBeenCalledTimes(1);
        return storedBeforeNext;
      };
      await say('one');
      await say('two');
      await say('three');
      expect(await say('@群助手 help me')).toBe(1);
      await say('four');
      await say('five');
      await say('six');
      const { items } = await plugins.services['mention-capture'].mentions.list('owner-1');
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        text: '@群助手 help me',
        talkerId: 'u1',
        roomId: ROOM,
        read: false,
        afterComplete: true,
      });
      expect(items[0].before.map((l) => l.text)).toEqual(['two', 'three']);
      expect(items[0].after.map((l) => l.text)).toEqual(['four', 'five']);
    });

    test('when the window times out before enough messages, then what came is stored at that time', async () => {
      const room = wxRoom('6740d0000000000000000021@chatroom', 'R');
      const view = roomView('6740d0000000000000000021');
      // mentionSelf: the puppet's flag, although the robot's name in the text differs.
      await plugin.handle(
        fakeContext(messageEvent({ text: '@Robot ping', from: talker('u2', 'Vic'), room, mentionSelf: true }), view)
          .ctx,
        jest.fn(),
      );
      await plugin.handle(
        fakeContext(messageEvent({ text: 'after 1', from: talker('u3', 'Wu'), room }), view).ctx,
        jest.fn(),
      );
      const { mentions } = plugins.services['mention-capture'];
      const original = mentions.completeAfter.bind(mentions);
      const stored = new Promise<void>((resolve) => {
        jest.spyOn(mentions, 'completeAfter').mockImplementationOnce(async (...args) => {
          await original(...args);
          resolve();
        });
      });
      clock.advance(60_000);
      await stored;
      const m = (await plugins.services['mention-capture'].mentions.list('owner-1')).items.find(
        (x) => x.text === '@Robot ping',
      );
      expect(m?.afterComplete).toBe(true);
      expect(m?.after.map((l) => l.text)).toEqual(['after 1']);
    });

    test('when the notify switch is on, then a capture is announced; when off, then not', async () => {
      const heard: string[] = [];
      plugins.services['mention-capture'].mentions.on('captured', (m) => heard.push(m.text));
      const room = wxRoom('6740d0000000000000000022@chatroom', 'S');
      const view = roomView('6740d0000000000000000022');
      await plugin.handle(
        fakeContext(messageEvent({ text: '@小助手 quiet', from: talker('u4', 'X'), room }), view).ctx,
        jest.fn(),
      );
      await plugins.services['mention-capture'].mentions.setNotify('owner-1', true);
      await plugin.handle(
        fakeContext(messageEvent({ text: '@小助手 loud', from: talker('u4', 'X'), room }), view).ctx,
        jest.fn(),
      );
      expect(heard).toEqual(['@小助手 loud']);
    });
  });

  describe('sign-in', () => {
    const ROOM = '6740d0000000000000000030';
    let plugin: PluginInstance;
    beforeAll(async () => {
      await plugins.services['sign-in'].signIn.createRule('owner-1', {
        keywords: ['签到'],
        points: 10,
        streakBonus: 5,
        maxStreakBonusDays: 2,
        windows: [{ start: '06:00', end: '23:00' }],
      });
      plugin = make(signInPlugin);
    });
    const at = (iso: string) => new Date(iso);
    const sign = async (iso: string, who = talker('p1', 'Pat'), text = '签到', owner = 'owner-1', roomId = ROOM) => {
      const f = fakeContext(
        messageEvent({ text, from: who, room: wxRoom(`${roomId}@chatroom`, 'T'), at: at(iso) }),
        roomView(roomId),
        { owner },
      );
      await plugin.handle(f.ctx, f.next);
      return f;
    };

    test('when a member signs in, then points are given, a repeat the same day is refused, and the next day continues the streak', async () => {
      const first = await sign('2026-11-22T01:00:00Z');
      expect(first.texts()).toEqual(['Pat 签到成功，获得 10 积分，已连续签到 1 天，累计 10 积分']);
      expect(first.sent[0].mention).toEqual(['p1']);
      expect(first.next).not.toHaveBeenCalled();
      expect((await sign('2026-11-22T10:00:00Z')).texts()).toEqual(['Pat 今天已经签到过了，累计 10 积分']);
      expect((await sign('2026-11-23T00:30:00Z')).texts()).toEqual([
        'Pat 签到成功，获得 15 积分，已连续签到 2 天，累计 25 积分',
      ]);
    });

    test('when it is outside the window, then the member is told and nothing is recorded', async () => {
      const f = await sign('2026-11-23T20:00:00Z', talker('p2', 'Quinn'));
      expect(f.texts()).toEqual(['Quinn 现在不在签到时间（06:00-23:00）']);
      expect(await plugins.services['sign-in'].signIn.history(ROOM, 'p2')).toEqual([]);
    });

    test('when the message is not a sign-in keyword, then it is passed on', async () => {
      const f = await sign('2026-11-23T01:00:00Z', talker('p3', 'Ray'), '签到了吗大家');
      expect(f.sent).toHaveLength(0);
      expect(f.next).toHaveBeenCalledTimes(1);
    });

    test('when two sign-ins arrive at once, then exactly one record is made', async () => {
      const who = talker('p4', 'Sam');
      const [a, b] = await Promise.all([sign('2026-11-24T01:00:00Z', who), sign('2026-11-24T01:00:01Z', who)]);
      const texts = [...a.texts(), ...b.texts()].sort();
      expect(texts).toEqual([
        'Sam 今天已经签到过了，累计 10 积分',
        'Sam 签到成功，获得 10 积分，已连续签到 1 天，累计 10 积分',
      ]);
      expect(await plugins.services['sign-in'].signIn.history(ROOM, 'p4')).toHaveLength(1);
    });

    test('when sign-ins straddle midnight in Shanghai, then they count as two days', async () => {
      const NIGHT = '6740d0000000000000000031';
      await plugins.services['sign-in'].signIn.defineKeyword('owner-night', '打卡');
      const who = talker('p5', 'Tia');
      expect((await sign('2026-11-25T15:59:00Z', who, '打卡', 'owner-night', NIGHT)).texts()[0]).toContain(
        '已连续签到 1 天',
      );
      expect((await sign('2026-11-25T16:01:00Z', who, '打卡', 'owner-night', NIGHT)).texts()[0]).toContain(
        '已连续签到 2 天',
      );
      expect((await plugins.services['sign-in'].signIn.history(NIGHT, 'p5')).map((r) => r.day)).toEqual([
        '2026-11-26',
        '2026-11-25',
      ]);
    });

    test('when asked for the leaderboard, then members are ranked by points', async () => {
      const board = await plugins.services['sign-in'].signIn.leaderboard(ROOM);
      expect(board[0]).toMatchObject({ memberId: 'p1', memberName: 'Pat', points: 25, days: 2 });
      expect(board.map((r) => r.memberId)).toEqual(['p1', 'p4']);
    });
  });
});
