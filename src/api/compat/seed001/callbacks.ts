import type { RobotManager, RuntimeEvents } from '../../../bot/robot-manager';
import type { RoomService } from '../../../bot/room.service';
import type { Logger } from '../../../logger';
import type { WebhookOutbox } from '../../../webhooks';
import { developerCallback } from './developer-callback';
import { DEVELOPER_CALLBACK_FORMAT, developerCallbackFormat } from './developer-callback.format';
import type { DeveloperCallbacks } from './developer-callbacks.service';

export interface Seed001CallbackDeps {
  manager: Pick<RobotManager, 'on' | 'off'>;
  rooms: Pick<RoomService, 'peek'>;
  outbox: Pick<WebhookOutbox, 'formats' | 'enqueue'>;
  /** Where each robot's messages go: its owner's callback, else the default. */
  callbacks: Pick<DeveloperCallbacks, 'targetFor'>;
  /** The token of an owner's callbacks, and the default callback's token (SEED001_CALLBACK_TOKEN). */
  tokenFor(owner: string): string;
  defaultToken?: string | undefined;
  log: Logger;
}

/**
 * Seed 001's callbacks on the webhook outbox (persisted, retried, SSRF-guarded): registers the
 * developer callback format, and queues a developer callback for every group message of a bound
 * room whose robot's owner has a callback (or when a default one is configured). The robot's login
 * callback is the outbox's own. `stop` stops following messages; the format stays registered so
 * that queued callbacks still go out.
 */
export function startSeed001Callbacks(deps: Seed001CallbackDeps): { stop(): void } {
  const { manager, outbox } = deps;
  outbox.formats.register(
    DEVELOPER_CALLBACK_FORMAT,
    developerCallbackFormat({ tokenFor: deps.tokenFor, defaultToken: deps.defaultToken }),
  );
  const log = deps.log.child({ module: 'seed001' });
  const onHandled = ({ robotId, event }: RuntimeEvents['handled'][0]) => {
    if (event.kind !== 'message' || !event.room) return;
    const room = deps.rooms.peek(robotId, event.room.id);
    if (!room?.bound) return;
    deps.callbacks
      .targetFor(robotId)
      .then((target) => {
        const callback = target && developerCallback(robotId, event, room, target);
        return callback ? outbox.enqueue(callback) : undefined;
      })
      .catch((err: unknown) => log.error({ err, robotId }, 'seed001 developer callback failed'));
  };
  manager.on('handled', onHandled);
  return { stop: () => manager.off('handled', onHandled) };
}
