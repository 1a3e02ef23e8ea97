import type { PluginInstance } from '../../../src/bot/plugin';
import { keywordReplyPlugin } from '../../../src/plugins/keyword-reply/keyword-reply.plugin';
import { useTestDatabase } from '../../support/mongo';
import { fakeContext, messageEvent, roomView, talker, wxRoom } from '../../support/plugin-context';
import { useHandlerFixture } from '../../support/plugin-handlers';

const t = useTestDatabase(__filename);

describe('plugin handlers with a fake context', () => {
  const { plugins, make } = useHandlerFixture(t);

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
      plugin = make(keywordReplyPlugin, {});
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

    test('when rules answered, then each trigger is already counted in the database (no flush needed)', async () => {
      expect(plugin.dispose).toBeUndefined();
      const rules = await plugins.services['keyword-reply'].keywords.list('owner-1');
      expect(Object.fromEntries(rules.map((r) => [r.keywords[0], r.triggerTimes]))).toEqual({
        价格: 1,
        Hi: 1,
        新词: 1,
      });
    });
  });
});
