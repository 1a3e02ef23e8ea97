import { imageContent, textContent, type OutboundContent } from '../../../bot/content';
import { isRecordId } from '../../../bot/core/ids';
import { OutboxFullError } from '../../../bot/outbox';
import { RobotNotFoundError } from '../../../bot/robot-manager';
import type { RoomView } from '../../../bot/room.service';
import { RetCode, Seed001Error } from './envelope';
import { loggedOut, parse, type EndpointDeps, type EndpointFactory } from './router';
import { roomIdOfUsername } from './room-username';
import { messageBody } from './schemas';

const SOURCE = 'seed001';

/**
 * `to_user`: qunbot's room id (the seed's room_id), the `@@<room id>` username /rooms/active
 * answers on non-web puppets, or the puppet's id for the room.
 */
async function findRoom(rt: EndpointDeps['runtime'], robotId: string, toUser: string): Promise<RoomView | undefined> {
  const byId = isRecordId(toUser) ? toUser : roomIdOfUsername(toUser);
  if (byId) {
    const room = await rt.rooms.get(byId);
    if (room && room.robotId === robotId && room.present) return room;
  }
  const cached = rt.rooms.peek(robotId, toUser);
  if (cached?.present) return cached;
  return (await rt.rooms.list(robotId, { present: true })).find((r) => r.puppetId === toUser);
}

/** POST /robots/:id/message: queues a text or image for a room (the outbox paces sends). */
export const messageEndpoints: EndpointFactory = (deps) => {
  const rt = deps.runtime;
  return [
    {
      method: 'post',
      path: '/robots/:id/message',
      handle: async ({ body, principal, id }) => {
        const input = parse(messageBody, body);
        const content: OutboundContent =
          input.msg_type === 'text'
            ? parse(textContent, { type: 'text', text: input.content })
            : parse(imageContent, { type: 'image', url: input.content });
        await deps.robotOf(principal, id);
        if (rt.manager.robot(id)?.status !== 'logged_in') throw loggedOut();
        const room = await findRoom(rt, id, input.to_user);
        if (!room) throw new Seed001Error(RetCode.roomNotFound, '微信群不存在 (no such room for this robot)');
        try {
          const ticket = await rt.manager.send(id, {
            conversationId: room.puppetId,
            roomId: room.id,
            content,
            source: SOURCE,
          });
          // Queued, not yet sent: the outbox paces sends. The id names the send in qunbot's send log.
          return { message_id: ticket.record.id };
        } catch (err) {
          if (err instanceof RobotNotFoundError) throw loggedOut();
          if (err instanceof OutboxFullError)
            throw new Seed001Error(RetCode.sendFailed, '消息发送失败: the send queue is full, try again later');
          throw err;
        }
      },
    },
  ];
};
