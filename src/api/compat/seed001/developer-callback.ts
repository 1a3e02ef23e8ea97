import type { CallbackInput } from '../../../webhooks';
import { callbackContent } from './callback-content';
import type { CallbackTarget } from './developer-callbacks.service';
import { DEVELOPER_CALLBACK_FORMAT } from './developer-callback.format';

/** A group message as the runtime hands it over (the fields the callback needs). */
export interface GroupMessage {
  id: string;
  text: string;
  talker?: { name(): string } | undefined;
  /** The Wechaty message (its type decides how non-text content is rendered). */
  message?: { type(): number };
}

/**
 * The developer callback of one message, or null. The seed does not say which rooms: qunbot calls
 * back the messages of rooms bound to the robot (topic ending with its agent_id), the rooms the
 * developer manages through seed 001.
 * Non-text messages get a placeholder content (callback-content.ts). The body has the seed's shape; the token is added at send time
 * (an owner's own callback carries the owner, whose token is derived then; the default callback carries none).
 */
export function developerCallback(
  robotId: string,
  message: GroupMessage,
  room: { id: string; bound: boolean } | undefined,
  target: CallbackTarget,
): CallbackInput | null {
  if (!room?.bound) return null;
  const body = {
    action: 'send_message',
    data: {
      content: callbackContent(message.message?.type(), message.text),
      robot_id: robotId,
      room_id: room.id,
      nickname: message.talker?.name() || '',
    },
  };
  return {
    format: DEVELOPER_CALLBACK_FORMAT,
    eventId: message.id,
    eventType: 'message.received',
    robotId,
    url: target.url,
    ...(target.owner === undefined ? {} : { owner: target.owner }),
    body: JSON.stringify(body),
  };
}
