import { isRecordId } from '../../bot/core/ids';
import { notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { idParam } from '../../http/schemas';
import { sendMessageBody, sendView } from '../schemas/room';
import { visibleRobot, visibleRoom } from '../../http/access';
import type { V1Deps } from './deps';
import { queueSend } from './send';

const tag = 'messages';

export function messageEndpoints(api: EndpointRouter, deps: V1Deps): void {
  const { runtime: rt } = deps;

  api.add({
    method: 'post',
    path: '/messages',
    tag,
    permission: 'messages.send',
    status: 202,
    summary: 'Send a text (with @-mentions), image, link card or mini-program card to a room or contact',
    description:
      "Queued in the robot's outbox, which paces sends; the answer is the send record (status queued). GET /messages/{id} for the outcome.",
    body: sendMessageBody,
    response: sendView,
    handle: async ({ body, principal }) => {
      let conversationId: string;
      let roomId: string | undefined;
      if (body.roomId !== undefined) {
        const { room } = await visibleRoom(rt, principal, body.roomId);
        if (room.robotId !== body.robotId) throw notFound('room');
        conversationId = room.puppetId;
        roomId = room.id;
      } else {
        await visibleRobot(rt, principal, body.robotId);
        conversationId = body.contactId as string;
      }
      return queueSend(rt, body.robotId, {
        conversationId,
        ...(roomId ? { roomId } : {}),
        content: body.content,
        ...(body.mention?.length ? { mentionIds: body.mention } : {}),
        source: 'api',
      });
    },
  });

  api.add({
    method: 'get',
    path: '/messages/:id',
    tag,
    permission: 'messages.read',
    summary: 'A send and its outcome (queued, sending, sent, failed, room_not_found, unknown)',
    params: idParam,
    response: sendView,
    handle: async ({ params, principal }) => {
      const rec = isRecordId(params.id) ? await rt.sendLog.get(params.id) : null;
      if (!rec) throw notFound('message');
      await visibleRobot(rt, principal, rec.robotId).catch(() => {
        throw notFound('message');
      });
      return rec;
    },
  });
}
