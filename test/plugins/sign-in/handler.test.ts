import type { PluginInstance } from '../../../src/bot/plugin';
import { signInPlugin } from '../../../src/plugins/sign-in/sign-in.plugin';
import { useTestDatabase } from '../../support/mongo';
import { fakeContext, messageEvent, roomView, talker, wxRoom } from '../../support/plugin-context';
import { useHandlerFixture } from '../../support/plugin-handlers';

const t = useTestDatabase(__filename);

describe('plugin handlers with a fake context', () => {
  const { plugins, make } = useHandlerFixture(t);

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
