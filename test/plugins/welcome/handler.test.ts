import type { PluginInstance } from '../../../src/bot/plugin';
import { welcomePlugin } from '../../../src/plugins/welcome/welcome.plugin';
import { useTestDatabase } from '../../support/mongo';
import { fakeContext, joinEvent, messageEvent, roomView, talker, wxRoom } from '../../support/plugin-context';
import { useHandlerFixture } from '../../support/plugin-handlers';

const t = useTestDatabase(__filename);

describe('plugin handlers with a fake context', () => {
  const { clock, make, plugins } = useHandlerFixture(t);

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

    test('when a room has its own 3 s window, then its welcome goes out after 3 s, not the configured 10 s', async () => {
      const ROOM3 = '6740d0000000000000000013';
      await plugins.services.welcome.welcome.set(ROOM3, { text: '欢迎 {names}', windowSec: 3 });
      const d = talker('d', 'Dan');
      const { ctx, next, sent, replied } = fakeContext(
        joinEvent(wxRoom(`${ROOM3}@chatroom`, '快群', [d]), [d]),
        roomView(ROOM3),
      );
      await plugin.handle(ctx, next);
      clock.advance(2_999);
      expect(sent).toHaveLength(0);
      clock.advance(1);
      await replied();
      expect(sent).toEqual([{ content: { type: 'text', text: '欢迎 Dan' }, mention: ['d'] }]);
    });

    test('when a room has welcomes off, then a join opens no batch and passes on', async () => {
      const ROOM4 = '6740d0000000000000000014';
      await plugins.services.welcome.welcome.set(ROOM4, { text: '欢迎 {names}', enabled: false });
      const e = talker('e', 'Eve');
      const { ctx, next, sent } = fakeContext(
        joinEvent(wxRoom(`${ROOM4}@chatroom`, '静群', [e]), [e]),
        roomView(ROOM4),
      );
      const before = clock.pending;
      await plugin.handle(ctx, next);
      expect(next).toHaveBeenCalledTimes(1);
      expect(clock.pending).toBe(before);
      expect(sent).toHaveLength(0);
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
});
