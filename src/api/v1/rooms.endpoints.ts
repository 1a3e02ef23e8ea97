import { z } from 'zod';
import { RobotNotFoundError } from '../../bot/robot-manager';
import type { RoomPatch } from '../../bot/room.service';
import { AppError, notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { idParam, nameText, pageOf, pageQuery, queryBool } from '../../http/schemas';
import { ownerName } from '../../http/schemas';
import { roomView, syncResultView, updateRoomBody } from '../schemas/room';
import { ownerFilter, visibleRobot, visibleRoom } from '../../http/access';
import type { V1Deps } from './deps';

const tag = 'rooms';

export function roomEndpoints(api: EndpointRouter, deps: V1Deps): void {
  const { runtime: rt } = deps;

  api.add({
    method: 'post',
    path: '/robots/:id/rooms/sync',
    tag,
    permission: 'rooms.write',
    summary: "Sync the robot's rooms from WeChat now (the robot must be logged in)",
    params: idParam,
    response: syncResultView,
    handle: async ({ params, principal }) => {
      await visibleRobot(rt, principal, params.id);
      if ((await rt.manager.statusOf(params.id)) !== 'logged_in')
        throw new AppError(409, 'robot_not_logged_in', 'the robot must be logged in to sync its rooms');
      try {
        return await rt.manager.syncRooms(params.id);
      } catch (err) {
        if (err instanceof RobotNotFoundError)
          throw new AppError(409, 'robot_not_logged_in', 'the robot must be logged in to sync its rooms');
        throw err;
      }
    },
  });

  api.add({
    method: 'get',
    path: '/rooms',
    tag,
    permission: 'rooms.read',
    summary: 'List rooms (of one robot, or of every robot the key may see)',
    query: z.object({
      robotId: z.string().min(1).max(64).optional(),
      owner: ownerName.optional(),
      present: queryBool.optional(),
      bound: queryBool.optional(),
      production: queryBool.optional(),
      launch: queryBool.optional(),
      topic: nameText(200).optional().meta({ description: 'exact topic' }),
      q: nameText(100).optional().meta({ description: 'topics containing this text, any case (ignored with topic)' }),
      ...pageQuery(deps.maxPageSize),
    }),
    response: pageOf(roomView),
    handle: async ({ query, principal }) => {
      const { robotId, owner, limit, cursor, ...filter } = query;
      let robotIds: string[];
      if (robotId) {
        robotIds = [(await visibleRobot(rt, principal, robotId)).id];
      } else {
        const o = ownerFilter(principal, owner);
        robotIds = (await rt.robots.list(o ? { owner: o } : {})).map((r) => r.id);
      }
      return rt.rooms.page(robotIds, filter, { limit, ...(cursor ? { cursor } : {}) });
    },
  });

  api.add({
    method: 'get',
    path: '/rooms/:id',
    tag,
    permission: 'rooms.read',
    summary: 'Get a room',
    params: idParam,
    response: roomView,
    handle: async ({ params, principal }) => (await visibleRoom(rt, principal, params.id)).room,
  });

  api.add({
    method: 'patch',
    path: '/rooms/:id',
    tag,
    permission: 'rooms.write',
    summary:
      "Change a room's flags (production, launch, bound), star level, the robot's nickname in it, plugin switches",
    params: idParam,
    body: updateRoomBody,
    response: roomView,
    handle: async ({ params, body, principal }) => {
      const { robot } = await visibleRoom(rt, principal, params.id);
      if (body.robotNickname)
        await deps.sensitive?.screen(robot.owner, [{ path: 'robotNickname', text: body.robotNickname }]);
      const { plugins, ...flags } = body;
      let room = Object.keys(flags).length
        ? await rt.rooms.update(params.id, flags as RoomPatch)
        : await rt.rooms.get(params.id);
      for (const [plugin, enabled] of Object.entries(plugins ?? {}))
        room = await rt.rooms.setPluginEnabled(params.id, plugin, enabled);
      if (!room) throw notFound('room');
      return room;
    },
  });
}
