import type { Connection } from 'mongoose';
import type { Config } from '../../config';
import type { Runtime } from '../bot/runtime';
import type { Logger } from '../logger';
import type { MentionService } from '../plugins/mention-capture/mention.service';
import { bridgeRuntime } from './bridge';
import { WebhookOutbox } from './outbox';
import { checkCallbackUrl } from './url-guard';

export { WebhookOutbox } from './outbox';
export type { PublishInput, EventType, EventEnvelope, EventPayloads } from './events';
export { verifySignature } from './signature';

/**
 * The webhook outbox wired to the runtime: runtime events become webhook events, the worker runs.
 * `stop` detaches from the runtime, then stops the worker (in-flight requests finish or are
 * given back to the queue).
 */
export function startWebhooks(deps: {
  config: Config;
  connection: Connection;
  runtime: Runtime;
  /** Captured @-mentions become `mention.captured` events. */
  mentions: Pick<MentionService, 'on' | 'off'>;
  log: Logger;
}) {
  const { config, runtime } = deps;
  const outbox = new WebhookOutbox({ config, connection: deps.connection, clock: runtime.clock, log: deps.log });
  const seed = config.compat.seed001;
  const detach = bridgeRuntime({
    manager: runtime.manager,
    robots: runtime.robots,
    rooms: runtime.rooms,
    mentions: deps.mentions,
    outbox,
    seed001: { enabled: seed.enabled, ...(seed.callbackUrl ? { callbackUrl: seed.callbackUrl } : {}) },
    now: () => runtime.clock.now(),
    log: deps.log,
  });
  outbox.start();
  return {
    outbox,
    /** The registration-time SSRF check for robots' callback URLs (V1Deps.checkCallbackUrl). */
    checkCallbackUrl: (url: string) => checkCallbackUrl(outbox.guard, url, 'callbackUrl'),
    stop: async () => {
      detach();
      await outbox.stop();
    },
  };
}
