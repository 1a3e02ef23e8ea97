import type { RoomView } from '../../../bot/room.service';
import { Seed000Error } from './envelope';
import { liveStatuses, platformRobots, userRobots } from './platform-robots';
import { parseOwner } from './platforms';
import { endpoint, type EndpointDeps, type EndpointFactory } from './router';
import { hostListQuery, platformUserListQuery } from './schemas';

/** A room as the seed shows it: `username` is the WeChat room id, `nickname` its name. */
export const chatroomOut = (r: Pick<RoomView, 'puppetId' | 'topic'>) => ({ username: r.puppetId, nickname: r.topic });

/**
 * GET /robot/host_list?username= (the 11.16 shape) and GET /robot/platform_user_list?platform_id=.
 */
export const accountEndpoints: EndpointFactory = (deps: EndpointDeps) => {
  const rt = deps.runtime;
  return [
    endpoint({
      method: 'get',
      path: '/robot/host_list',
      input: hostListQuery,
      // Each WeChat account the user's robots have logged in as (robots that never logged in
      // have no wx_username yet), in creation order. ret: 1 logged in now, 0 not (its rooms are
      // the ones last seen). group: the rooms the robot is in; production_list: those flagged.
      // A user with no robot on this platform is unknown (404 unknown_user, as the other
      // md_username endpoints answer); one whose robots never logged in gets an empty list.
      handle: async ({ platform, input }) => {
        const all = await userRobots(rt, platform.id, input.username);
        if (all.length === 0)
          throw new Seed000Error(404, 'unknown_user', `${input.username} has no robot on this platform`);
        const statuses = await liveStatuses(
          rt,
          all.map((r) => r.id),
        );
        const data = await Promise.all(
          all
            .filter((r) => r.wxId)
            .map(async (r) => {
              const rooms = await rt.rooms.list(r.id, { present: true });
              return {
                wx_username: r.wxId as string,
                name: r.wxName ?? '',
                ret: statuses.get(r.id) === 'logged_in' ? 1 : 0,
                group: rooms.map(chatroomOut),
                production_list: rooms.filter((room) => room.production).map(chatroomOut),
              };
            }),
        );
        return { data };
      },
    }),
    endpoint({
      method: 'get',
      path: '/robot/platform_user_list',
      input: platformUserListQuery,
      // Users with at least one robot logged in now, by md_username; wxuser_list: the WeChat
      // names of their logged-in robots, in creation order.
      handle: async ({ platform }) => {
        const byUser = new Map<string, string[]>();
        for (const r of await platformRobots(rt, platform.id, { loggedIn: true })) {
          const user = parseOwner(r.owner)?.mdUsername;
          if (user === undefined) continue;
          byUser.set(user, [...(byUser.get(user) ?? []), r.wxName ?? r.wxId ?? '']);
        }
        const users = [...byUser.keys()].sort();
        return { login_user_list: users.map((user) => ({ user, wxuser_list: byUser.get(user) as string[] })) };
      },
    }),
  ];
};
