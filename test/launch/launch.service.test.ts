import { LaunchService } from '../../src/launch';
import { apiHarness } from '../support/api';
import { useTestDatabase } from '../support/mongo';

/**
 * Delivery tasks over the database and the real broadcast service: a task kept is delivered by
 * exactly one broadcast, also when the process died between keeping it and linking its
 * broadcast, or between making the broadcast and linking it.
 */
const t = useTestDatabase(__filename);

describe('launch tasks', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let rooms: string[];
  let now = Date.now();
  let launch: LaunchService;

  beforeAll(async () => {
    h = await apiHarness(t.db);
    const robot = await h.runtime.manager.create({ name: 'r', owner: 'acme' });
    rooms = (
      await h.runtime.rooms.sync(robot.id, undefined, [
        { puppetId: 'a@chatroom', topic: 'A', memberCount: 3 },
        { puppetId: 'b@chatroom', topic: 'B', memberCount: 3 },
      ])
    ).rooms.map((r) => r.id);
    launch = new LaunchService(t.db.connection, {
      rooms: h.runtime.rooms,
      robots: h.runtime.robots,
      broadcasts: h.broadcasts,
      now: () => now,
    });
    await launch.setSwitch(rooms[0]!, true, 'test');
  });

  const items = [{ type: 1, content: '通知' }];
  const broadcastsOf = async (taskId: string) =>
    (
      await t.db.connection
        .collection('broadcasttasks')
        .find({ source: `launch:${taskId}` })
        .toArray()
    ).length;

  test('when a task comes twice, then one broadcast delivers it to the switched-on room only', async () => {
    const first = await launch.receive('acme', { taskId: 'L1', groupIds: rooms, items });
    expect(first.task.roomIds).toEqual([rooms[0]]);
    expect(first.task.refused).toEqual([{ groupId: rooms[1], reason: 'switch_off' }]);
    const again = await launch.receive('acme', { taskId: 'L1', groupIds: rooms, items });
    expect([again.duplicate, again.task.broadcastId]).toEqual([true, first.task.broadcastId]);
    expect(await broadcastsOf('L1')).toBe(1);
  });

  test('when the process died before linking the broadcast, then the next arrival after a minute links the one made, not a second', async () => {
    await launch.receive('acme', { taskId: 'L2', groupIds: [rooms[0]!], items });
    // The link is lost, as if the process died after making the broadcast.
    await t.db.connection.collection('launchtasks').updateOne({ taskId: 'L2' }, { $unset: { broadcastId: 1 } });
    const soon = await launch.receive('acme', { taskId: 'L2', groupIds: [rooms[0]!], items });
    expect(soon.task.broadcastId).toBeUndefined();
    now += 61_000;
    const later = await launch.receive('acme', { taskId: 'L2', groupIds: [rooms[0]!], items });
    expect(later.task.broadcastId).toEqual(expect.any(String));
    expect(await broadcastsOf('L2')).toBe(1);
  });

  test('when the process died before making the broadcast, then the next arrival after a minute makes it', async () => {
    const kept = await launch.receive('acme', { taskId: 'L3', groupIds: [rooms[0]!], items });
    await t.db.connection.collection('launchtasks').updateOne({ taskId: 'L3' }, { $unset: { broadcastId: 1 } });
    await t.db.connection.collection('broadcasttasks').deleteOne({ source: 'launch:L3' });
    expect(kept.task.roomIds).toHaveLength(1);
    now += 61_000;
    const later = await launch.receive('acme', { taskId: 'L3', groupIds: [rooms[0]!], items });
    expect(later.task.broadcastId).toEqual(expect.any(String));
    expect(await broadcastsOf('L3')).toBe(1);
  });
});
