import type { Config } from '../../config';
import type { Runtime } from '../bot/runtime';
import type { Db } from '../db/types';
import type { Logger } from '../logger';
import type { MentionService } from '../plugins/mention-capture/mention.service';
import { bridgeRuntime } from './bridge';
import { WebhookOutbox } from './outbox';
import { checkCallbackUrl } from './url-guard';

export { WebhookOutbox, type CallbackInput } from './outbox';
export type { PublishInput, EventType, EventEnvelope, EventPayloads } from './events';
export {
  baseHeaders,
  DeliveryFormats,
  UnknownFormatError,
  type DeliveryFormat,
  type RenderContext,
  type Rendered,
  type WireRequest,
} from './formats';
export type { Delivery } from './delivery.service';
export { classifyStatus, type Verdict } from './schedule';
export { verifySignature } from './signature';

/**
 * The webhook outbox wired to the runtime: runtime events become webhook events. The worker waits
 * for `start`, so API dialects register their callback formats on `outbox.formats` first (a
 * queued delivery whose format is not registered yet would be dropped). `stop` detaches from the
 * runtime, then stops the worker (in-flight requests finish or are given back to the queue).
 */
export function startWebhooks(deps: {
  config: Config;
  connection: Db;
  runtime: Runtime;
  /** Captured @-mentions become `message.mention` events. */
  mentions: Pick<MentionService, 'on' | 'off'>;
  log: Logger;
}) {
  const { config, runtime } = deps;
  const outbox = new WebhookOutbox({ config, connection: deps.connection, clock: runtime.clock, log: deps.log });
  const detach = bridgeRuntime({
    manager: runtime.manager,
    robots: runtime.robots,
    rooms: runtime.rooms,
    mentions: deps.mentions,
    outbox,
    now: () => runtime.clock.now(),
    log: deps.log,
  });
  return {
    outbox,
    /** Starts delivering (call once every dialect has registered its formats). */
    start: () => outbox.start(),
    /** The registration-time SSRF check for robots' callback URLs (V1Deps.checkCallbackUrl). */
    checkCallbackUrl: (url: string) => checkCallbackUrl(outbox.guard, url, 'callbackUrl'),
    stop: async () => {
      await detach();
      await outbox.stop();
    },
  };
}
