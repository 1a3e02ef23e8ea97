import type { Runtime } from '../../src/bot/runtime';

/** A robot of `owner` (not started) with one synced room of that topic, as the endpoint tests set up. */
export async function robotWithRoom(rt: Runtime, owner: string, topic: string) {
  const robot = await rt.manager.create({ name: `${owner} bot`, owner });
  const { rooms } = await rt.rooms.sync(robot.id, undefined, [
    { puppetId: `${topic}@chatroom`, topic, memberCount: 3 },
  ]);
  return { robot, room: rooms[0] };
}

/** The room of `robotWithRoom`. */
export async function roomOf(rt: Runtime, owner: string, topic: string) {
  return (await robotWithRoom(rt, owner, topic)).room;
}
