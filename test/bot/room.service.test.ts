import { RoomService, type PuppetRoom } from '../../src/bot/room.service';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);
const ROBOT = '6740b0000000000000000001';

const found = (puppetId: string, topic: string, ownerName = 'Ann', memberCount = 10): PuppetRoom => ({
  puppetId,
  topic,
  ownerName,
  memberCount,
  ownerWxId: `w-${ownerName}`,
});

describe('RoomService', () => {
  let rooms: RoomService;
  beforeAll(() => {
    rooms = new RoomService(t.db.connection);
  });

  test('when a robot re-logs in with new puppet ids, then its rooms keep their records and settings', async () => {
    const first = await rooms.sync(ROBOT, 'XY1234', [
      found('a@chatroom', 'Fans XY1234'),
      found('b@chatroom', 'Buyers'),
      found('c@chatroom', 'Old'),
    ]);
    expect(first).toMatchObject({ created: 3, updated: 0, gone: 0 });
    const buyers = first.rooms.find((r) => r.topic === 'Buyers');
    await rooms.update(buyers!.id, { production: true, robotNickname: '小助手' });

    const second = await rooms.sync(ROBOT, 'XY1234', [
      found('a2@chatroom', 'Fans XY1234'),
      found('b2@chatroom', 'Buyers', 'Ann', 12),
    ]);
    expect(second).toMatchObject({ created: 0, updated: 2, gone: 1 });
    const again = await rooms.get(buyers!.id);
    expect(again).toMatchObject({
      puppetId: 'b2@chatroom',
      memberCount: 12,
      production: true,
      robotNickname: '小助手',
      present: true,
    });
    const all = await rooms.list(ROBOT);
    expect(all).toHaveLength(3);
    expect(all.find((r) => r.topic === 'Old')?.present).toBe(false);
    expect(all.find((r) => r.topic === 'Fans XY1234')?.bound).toBe(true);
  });

  test('when a message comes from a room not yet synced, then resolve creates it once, even concurrently', async () => {
    const describe = jest.fn(async () => found('new@chatroom', 'Brand new'));
    const views = await Promise.all([1, 2, 3].map(() => rooms.resolve(ROBOT, 'new@chatroom', describe)));
    expect(new Set(views.map((v) => v.id)).size).toBe(1);
    expect((await rooms.list(ROBOT)).filter((r) => r.puppetId === 'new@chatroom')).toHaveLength(1);
  });

  test('when a plugin is switched off for a room, then the cached lookup sees it at once', async () => {
    const describe = async () => found('switch@chatroom', 'Switchy');
    const before = await rooms.resolve(ROBOT, 'switch@chatroom', describe);
    expect(before.plugins).toEqual({});
    await rooms.setPluginEnabled(before.id, 'keyword-reply', false);
    const after = await rooms.resolve(ROBOT, 'switch@chatroom', describe);
    expect(after.plugins).toEqual({ 'keyword-reply': false });
  });

  test('when ids or plugin names are malformed, then nothing is touched', async () => {
    expect(await rooms.get('not-an-id')).toBeNull();
    expect(await rooms.update('zzz', { production: true })).toBeNull();
    const r = await rooms.resolve(ROBOT, 'odd@chatroom', async () => found('odd@chatroom', 'Odd'));
    expect(await rooms.setPluginEnabled(r.id, '$where', false)).toBeNull();
    expect((await rooms.get(r.id))?.plugins).toEqual({});
  });
});
