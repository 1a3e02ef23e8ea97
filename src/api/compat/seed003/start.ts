import type { AuthFailureLimiter } from '../../../auth/auth-failure-limiter';
import type Router from '@koa/router';
import type { Runtime } from '../../../bot/runtime';
import type { Db } from '../../../db/types';
import type { Logger } from '../../../logger';
import type { WebhookOutbox } from '../../../webhooks';
import { BotBindings } from './bot-binding.service';
import { botStatusInterfaces } from './bot-status.endpoint';
import { channelMap, type Seed003Channel } from './channels';
import type { InterfaceFactory } from './endpoint';
import { loginInterfaces } from './login.endpoint';
import { MsgIds } from './msg-id.service';
import { Seed003Notifier } from './notifier';
import { NOTIFY_FORMAT, notifyFormat } from './notify.format';
import { ReplayStore } from './replay.service';
import { roomSendInterfaces } from './room-send.endpoints';
import { followSendResults } from './send-results';
import { seed003Router } from './router';

/** Every interface of the dialect; a new one is a factory added here. */
export const seed003Interfaces: readonly InterfaceFactory[] = [
  loginInterfaces,
  botStatusInterfaces,
  roomSendInterfaces,
];

export interface Seed003Deps {
  runtime: Runtime;
  connection: Db;
  /** The webhook outbox: notifications are queued there in the format registered here; its guard checks notifyUrl. */
  outbox: Pick<WebhookOutbox, 'enqueue' | 'formats' | 'guard'>;
  settings: {
    channels: readonly Seed003Channel[];
    txtimeWindowSec: number;
    sendWaitMs?: number | undefined;
    /** Mount prefix before /api/<name> (default ''). */
    prefix?: string | undefined;
  };
  timeZone: string;
  log: Logger;
  /** Largest form-POST message read, in kilobytes (api.bodyLimitKb). */
  bodyLimitKb?: number;
  /** The failed-authentication limiter shared with the other doors; absent: no limit. */
  authLimiter?: AuthFailureLimiter;
}

/**
 * Seed 003 wired to the runtime: the /api/<name> router and the notifications bridge (robot QR
 * code, login and logout events → the bound channels' notifyUrl, signed by the notification
 * format registered on the outbox with the channel keys). `stop` detaches the bridge; the format
 * stays registered so that queued notifications still go out. Install its mount (seed003Mount) on
 * the app too, so body-parser errors get the seed envelope.
 */
export function startSeed003(deps: Seed003Deps): { router: Router; notifier: Seed003Notifier; stop(): void } {
  const { runtime, connection } = deps;
  const now = () => runtime.clock.now();
  const log = deps.log.child({ module: 'seed003' });
  const channels = channelMap(deps.settings.channels);
  deps.outbox.formats.register(NOTIFY_FORMAT, notifyFormat(channels));
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
  const replay = new ReplayStore(connection, now);
  const unfollow = followSendResults({ manager: runtime.manager, replay, bindings, channels, notifier, log });
  const router = seed003Router(
    {
      runtime,
      channels,
      replay,
      bindings,
      msgIds: new MsgIds(connection),
      notifier,
      timeZone: deps.timeZone,
      txtimeWindowSec: deps.settings.txtimeWindowSec,
      ...(deps.settings.prefix ? { prefix: deps.settings.prefix } : {}),
      ...(deps.settings.sendWaitMs !== undefined ? { sendWaitMs: deps.settings.sendWaitMs } : {}),
      log,
      ...(deps.authLimiter ? { authLimiter: deps.authLimiter } : {}),
      ...(deps.bodyLimitKb ? { bodyLimitKb: deps.bodyLimitKb } : {}),
    },
    seed003Interfaces,
  );
  return {
    router,
    notifier,
    stop: () => {
      detach();
      unfollow();
    },
  };
}
