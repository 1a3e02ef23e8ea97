import type { RobotManager, RuntimeEvents } from '../../../bot/robot-manager';
import type { RoomService } from '../../../bot/room.service';
import type { Logger } from '../../../logger';
import type { WebhookOutbox } from '../../../webhooks';
import { developerCallback } from './developer-callback';
import { DEVELOPER_CALLBACK_FORMAT, developerCallbackFormat } from './developer-callback.format';

export interface Seed001CallbackDeps {
  manager: Pick<RobotManager, 'on' | 'off'>;
  rooms: Pick<RoomService, 'peek'>;
  outbox: Pick<WebhookOutbox, 'formats' | 'enqueue'>;
  /** config.compat.seed001: the developer callback URL and its token (a secret). */
  settings: { callbackUrl?: string | undefined; callbackToken?: string | undefined };
  log: Logger;
}

/**
 * Seed 001's callbacks on the webhook outbox (persisted, retried, SSRF-guarded): registers the
 * developer callback format, and when a callback URL is configured, queues a developer callback
 * for every group message of a bound room. The robot's login callback is the outbox's own.
 * `stop` stops following messages; the format stays registered so that queued callbacks still go out.
 */
export function startSeed001Callbacks(deps: Seed001CallbackDeps): { stop(): void } {
  const { manager, outbox, settings } = deps;
  outbox.formats.register(DEVELOPER_CALLBACK_FORMAT, developerCallbackFormat(settings.callbackToken));
  const url = settings.callbackUrl;
  if (!url) return { stop: () => undefined };
  const log = deps.log.child({ module: 'seed001' });
  const onHandled = ({ robotId, event }: RuntimeEvents['handled'][0]) => {
    if (event.kind !== 'message' || !event.room) return;
    const callback = developerCallback(robotId, event, deps.rooms.peek(robotId, event.room.id), url);
    if (callback)
      outbox
        .enqueue(callback)
        .catch((err: unknown) => log.error({ err, robotId }, 'seed001 developer callback failed'));
  };
  manager.on('handled', onHandled);
  return { stop: () => manager.off('handled', onHandled) };
}
