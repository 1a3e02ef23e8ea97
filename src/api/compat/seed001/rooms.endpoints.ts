import { seedRoomUsername } from './room-username';
import { RobotNotFoundError } from '../../../bot/robot-manager';
import type { RoomView } from '../../../bot/room.service';
import { loggedOut, type EndpointFactory } from './router';

const roomOut = (r: RoomView) => ({ id: r.id, nickname: r.topic });

/** POST /robots/:id/rooms/sync, GET /robots/:id/rooms and GET /robots/:id/rooms/active (the bound ones). */
export const roomEndpoints: EndpointFactory = (deps) => {
  const rt = deps.runtime;
  return [
    {
      method: 'post',
      path: '/robots/:id/rooms/sync',
      handle: async ({ principal, id }) => {
        await deps.robotOf(principal, id);
        if ((await rt.manager.statusOf(id)) !== 'logged_in') throw loggedOut();
        try {
          const result = await rt.manager.syncRooms(id);
          return { rooms: result.rooms.map(roomOut) };
        } catch (err) {
          // Logged out between the check and the sync.
          if (err instanceof RobotNotFoundError || (err as Error).name === 'NotReadyError') throw loggedOut();
          throw err;
        }
      },
    },
    {
      method: 'get',
      path: '/robots/:id/rooms',
      handle: async ({ principal, id }) => {
        await deps.robotOf(principal, id);
        return { rooms: (await rt.rooms.list(id, { present: true })).map(roomOut) };
      },
    },
    {
      method: 'get',
      path: '/robots/:id/rooms/active',
      handle: async ({ principal, id }) => {
        await deps.robotOf(principal, id);
        const rooms = await rt.rooms.list(id, { present: true, bound: true });
        return { rooms: rooms.map((r) => ({ username: seedRoomUsername(r), nickname: r.topic })) };
      },
    },
  ];
};
