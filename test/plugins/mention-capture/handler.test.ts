import type { PluginInstance } from '../../../src/bot/plugin';
import { mentionCapturePlugin } from '../../../src/plugins/mention-capture/mention-capture.plugin';
import { useTestDatabase } from '../../support/mongo';
import { fakeContext, messageEvent, roomView, talker, wxRoom } from '../../support/plugin-context';
import { useHandlerFixture } from '../../support/plugin-handlers';

const t = useTestDatabase(__filename);

describe('plugin handlers with a fake context', () => {
  const { plugins, clock, make } = useHandlerFixture(t);

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

    test('when the process dies with a window open, then what came is already stored and the next start resumes the window', async () => {
      const roomId = '6740d0000000000000000023';
      const room = wxRoom(`${roomId}@chatroom`, 'T');
      const view = roomView(roomId);
      const say = (p: PluginInstance, text: string) =>
        p.handle(fakeContext(messageEvent({ text, from: talker('u5', 'Yan'), room }), view).ctx, jest.fn());
      const { mentions } = plugins.services['mention-capture'];
      const first = make(mentionCapturePlugin, { before: 2, after: 3, afterWindowMs: 60_000 });
      await say(first, '@小助手 where is my parcel');
      await say(first, 'order 42');
      // Stored as it came, before any window closed (a kill -9 now loses nothing).
      const found = (await mentions.list('owner-1')).items.find((m) => m.text === '@小助手 where is my parcel');
      expect(found).toMatchObject({ afterComplete: false });
      expect(found?.after.map((l) => l.text)).toEqual(['order 42']);

      // Another run over the same database (the first one "died": it never closed its window).
      const second = make(mentionCapturePlugin, { before: 2, after: 3, afterWindowMs: 60_000 });
      await say(second, 'it was due yesterday');
      await say(second, 'thanks');
      const m = await mentions.byId(found!.id);
      expect(m?.after.map((l) => l.text)).toEqual(['order 42', 'it was due yesterday', 'thanks']);
      expect(m?.afterComplete).toBe(true);
    });

    test("when a run starts after a window's time is over, then that window is closed with what it got", async () => {
      const roomId = '6740d0000000000000000024';
      const room = wxRoom(`${roomId}@chatroom`, 'U');
      const view = roomView(roomId);
      const { mentions } = plugins.services['mention-capture'];
      const first = make(mentionCapturePlugin, { after: 3, afterWindowMs: 60_000 });
      await first.handle(
        fakeContext(messageEvent({ text: '@小助手 late', from: talker('u6', 'Zed'), room }), view).ctx,
        jest.fn(),
      );
      const id = (await mentions.list('owner-1')).items.find((x) => x.text === '@小助手 late')!.id;
      await first.dispose?.();
      clock.advance(61_000);
      const second = make(mentionCapturePlugin, { after: 3, afterWindowMs: 60_000 });
      // The restart's sweep runs before the next message is handled.
      await second.handle(
        fakeContext(messageEvent({ text: 'too late', from: talker('u6', 'Zed'), room }), view).ctx,
        jest.fn(),
      );
      const m = await mentions.byId(id);
      expect(m).toMatchObject({ afterComplete: true, after: [] });
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
});
