import type { z } from 'zod';
import type { RobotView } from '../../../bot/robot.service';
import type { RoomView } from '../../../bot/room.service';
import { chatroomOut } from './accounts.endpoints';
import { Seed000Error } from './envelope';
import { robotByWxId, userRobots, type RobotsRuntime } from './platform-robots';
import { endpoint, type EndpointDeps, type EndpointFactory } from './router';
import { productionBody } from './schemas';

type ProductionInput = z.output<typeof productionBody>;

/** The robots a request names: the account wx_username (11.16 form), else every robot of md_username. */
async function robotsNamed(rt: RobotsRuntime, platformId: string, input: ProductionInput): Promise<RobotView[]> {
  if (input.wx_username !== undefined) {
    const robot = await robotByWxId(rt, platformId, input.wx_username, input.md_username);
    if (!robot)
      throw new Seed000Error(
        404,
        'unknown_wx_username',
        `no robot of this platform${input.md_username === undefined ? '' : ` and user ${input.md_username}`} is WeChat account ${input.wx_username}`,
      );
    return [robot];
  }
  const md = input.md_username as string;
  const robots = await userRobots(rt, platformId, md);
  if (robots.length === 0) throw new Seed000Error(404, 'unknown_user', `${md} has no robot on this platform`);
  return robots;
}

/**
 * The rooms to change: every listed WeChat room id must be a room (still present) of one of the
 * robots, else nothing is changed and the unknown ones are answered. A room several of the
 * robots are in is changed in each.
 */
async function roomsNamed(
  rt: RobotsRuntime,
  robots: readonly RobotView[],
  chatrooms: readonly string[],
): Promise<RoomView[]> {
  const rooms = (await Promise.all(robots.map((r) => rt.rooms.list(r.id, { present: true })))).flat();
  const wanted = [...new Set(chatrooms)];
  const unknown = wanted.filter((id) => !rooms.some((r) => r.puppetId === id));
  if (unknown.length > 0) {
    throw new Seed000Error(
      404,
      'unknown_chatroom',
      `not a room of ${robots.length === 1 ? 'this robot' : 'these robots'}: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', ...' : ''}`,
      { unknown },
    );
  }
  return rooms.filter((r) => wanted.includes(r.puppetId));
}

/**
 * POST /robot/add_production_chatroom/ and /robot/remove_production_chatroom/: set or clear the
 * production flag (rooms that send_msg broadcasts to) of the listed rooms. Everything is checked
 * before the first write, so a refused request changes nothing.
 */
export const productionEndpoints: EndpointFactory = (deps: EndpointDeps) => {
  const rt = deps.runtime;
  const change =
    (production: boolean) =>
    async ({ platform, input }: { platform: { id: string }; input: ProductionInput }) => {
      const robots = await robotsNamed(rt, platform.id, input);
      const rooms = await roomsNamed(rt, robots, input.chatroom_list);
      await Promise.all(
        rooms.filter((r) => r.production !== production).map((r) => rt.rooms.update(r.id, { production })),
      );
      const seen = new Set<string>();
      const changed = rooms.filter((r) => !seen.has(r.puppetId) && seen.add(r.puppetId));
      return { chatroom_list: changed.map(chatroomOut) };
    };
  return [
    endpoint({ method: 'post', path: '/robot/add_production_chatroom', input: productionBody, handle: change(true) }),
    endpoint({
      method: 'post',
      path: '/robot/remove_production_chatroom',
      input: productionBody,
      handle: change(false),
    }),
  ];
};
