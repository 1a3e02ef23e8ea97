import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { imageContent, textContent, type OutboundContent } from '../../../bot/content';
import { isRecordId } from '../../../bot/core/ids';
import { OutboxFullError } from '../../../bot/outbox';
import { RobotNotFoundError } from '../../../bot/robot-manager';
import type { RoomView } from '../../../bot/room.service';
import { AppError } from '../../../http/errors';
import { RetCode, Seed001Error } from './envelope';
import { loggedOut, notSendable, parse, type EndpointDeps, type EndpointFactory } from './router';
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
  // Per robot and process (the outbox paces every send anyway; this is the seed's 1205).
  const images = new RateLimiterMemory({ keyPrefix: 'seed001-images', points: deps.imagesPerMinute, duration: 60 });
  const takeImage = (robotId: string) =>
    images.consume(robotId).then(
      () => undefined,
      (res: unknown) => {
        if (!(res instanceof RateLimiterRes)) throw res;
        throw new Seed001Error(
          RetCode.imageRateLimited,
          `图片发送太频繁，被限制发送 (more than ${deps.imagesPerMinute} images a minute; retry in ${Math.ceil(res.msBeforeNext / 1000)} s)`,
        );
      },
    );
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
        const robot = await deps.robotOf(principal, id);
        const live = await rt.manager.statusOf(id);
        if (live !== 'logged_in') throw notSendable({ ...robot, status: live ?? robot.status });
        const room = await findRoom(rt, id, input.to_user);
        if (!room) throw new Seed001Error(RetCode.roomNotFound, '微信群不存在 (no such room for this robot)');
        if (content.type === 'image') {
          // Known at request time: an image qunbot may not fetch (the URL guard) is -1002.
          if (deps.checkCallbackUrl)
            await deps.checkCallbackUrl(content.url).catch((err: unknown) => {
              if (!(err instanceof AppError) || err.status >= 500) throw err;
              throw new Seed001Error(RetCode.fileLocation, `文件位置错误 (${err.message})`);
            });
          await takeImage(id);
        }
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
