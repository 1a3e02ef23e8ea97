import type { OutboundContent } from '../../bot/content';
import { NotReadyError, OutboxFullError } from '../../bot/outbox';
import { RobotNotFoundError } from '../../bot/robot-manager';
import type { Runtime } from '../../bot/runtime';
import type { SendRecord } from '../../bot/send-log.service';
import { AppError } from '../../http/errors';

export interface ApiSend {
  conversationId: string;
  roomId?: string;
  content: OutboundContent;
  mentionIds?: string[];
  source: string;
}

/** 409 robot_not_running, with what to do about it. */
export const notRunning = (id: string) =>
  new AppError(409, 'robot_not_running', `robot ${id} is not running: POST /api/v1/robots/${id}/login first`);

/**
 * Queues a send in the robot's outbox (which paces it) and answers with the send-log record.
 * A robot that is not running (or whose outbox stopped) is a 409; a full outbox a 429 (the
 * caller retries later).
 */
export async function queueSend(rt: Pick<Runtime, 'manager'>, robotId: string, send: ApiSend): Promise<SendRecord> {
  return (await queueSends(rt, robotId, [send]))[0] as SendRecord;
}

/** Queues sends that belong together (a text and its image): all, or none with the same errors. */
export async function queueSends(
  rt: Pick<Runtime, 'manager'>,
  robotId: string,
  sends: readonly ApiSend[],
): Promise<SendRecord[]> {
  try {
    return (await rt.manager.sendAll(robotId, sends)).map((ticket) => ticket.record);
  } catch (err) {
    if (err instanceof RobotNotFoundError || err instanceof NotReadyError) throw notRunning(robotId);
    if (err instanceof OutboxFullError) throw new AppError(429, 'outbox_full', err.message);
    throw err;
  }
}
