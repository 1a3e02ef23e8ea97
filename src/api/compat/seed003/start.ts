import type Router from '@koa/router';
import type { Connection } from 'mongoose';
import type { Runtime } from '../../../bot/runtime';
import type { Logger } from '../../../logger';
import type { WebhookOutbox } from '../../../webhooks/outbox';
import { BotBindings } from './bot-bindings';
import { channelMap, type Seed003Channel } from './channels';
import { MsgIds } from './msg-ids';
import { Seed003Notifier } from './notifier';
import { ReplayStore } from './replay-store';
import { seed003Router } from './router';

export interface Seed003Deps {
  runtime: Runtime;
  connection: Connection;
  /** The webhook outbox: notifications are queued there; its guard checks notifyUrl. */
  outbox: Pick<WebhookOutbox, 'enqueuePlain' | 'guard'>;
  settings: { channels: readonly Seed003Channel[]; txtimeWindowSec: number };
  timeZone: string;
  log: Logger;
}

/**
 * Seed 003 wired to the runtime: the /api/<name> router and the notifications bridge (robot QR
 * code, login and logout events → the bound channels' notifyUrl). `stop` detaches the bridge.
 * Mount installSeed003Envelope on the app too, so body-parser errors get the seed envelope.
 */
export function startSeed003(deps: Seed003Deps): { router: Router; notifier: Seed003Notifier; stop(): void } {
  const { runtime, connection } = deps;
  const now = () => runtime.clock.now();
  const log = deps.log.child({ module: 'seed003' });
  const channels = channelMap(deps.settings.channels);
  const bindings = new BotBindings(connection, { robots: runtime.robots, manager: runtime.manager, now });
  const notifier = new Seed003Notifier({
    manager: runtime.manager,
    bindings,
    channels,
    outbox: deps.outbox,
    timeZone: deps.timeZone,
    now,
    log,
  });
  const detach = notifier.attach();
  // A notifyUrl the SSRF guard refuses would only fail at delivery: say so at start-up.
  for (const c of channels.values()) {
    if (c.notifyUrl)
      deps.outbox.guard
        .check(c.notifyUrl)
        .catch((err: unknown) =>
          log.warn(
            { chid: c.chid, reason: (err as Error).message },
            'seed003 notifyUrl is refused by the callback URL guard; notifications to it will fail',
          ),
        );
  }
  const router = seed003Router({
    runtime,
    channels,
    replay: new ReplayStore(connection, now),
    bindings,
    msgIds: new MsgIds(connection),
    notifier,
    timeZone: deps.timeZone,
    txtimeWindowSec: deps.settings.txtimeWindowSec,
    log,
  });
  return { router, notifier, stop: detach };
}
