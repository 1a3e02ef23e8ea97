import type { CallbackInput } from '../../../webhooks';
import { DEVELOPER_CALLBACK_FORMAT } from './developer-callback.format';

/** A group message as the runtime hands it over (the fields the callback needs). */
export interface GroupMessage {
  id: string;
  text: string;
  talker?: { name(): string } | undefined;
}

/**
 * The developer callback of one message, or null: only messages of rooms bound to the robot (by
 * its agent code) are called back. The body has the seed's shape; the token is added at send time.
 */
export function developerCallback(
  robotId: string,
  message: GroupMessage,
  room: { id: string; bound: boolean } | undefined,
  url: string,
): CallbackInput | null {
  if (!room?.bound) return null;
  const body = {
    action: 'send_message',
    data: { content: message.text, robot_id: robotId, room_id: room.id, nickname: message.talker?.name() || '' },
  };
  return {
    format: DEVELOPER_CALLBACK_FORMAT,
    eventId: message.id,
    eventType: 'message.received',
    robotId,
    url,
    body: JSON.stringify(body),
  };
}
