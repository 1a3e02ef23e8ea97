import { randomUUID } from 'node:crypto';
import type { RobotManager } from '../../../bot/robot-manager';
import type { QrCode } from '../../../bot/robot.service';
import type { Logger } from '../../../logger';
import type { WebhookOutbox } from '../../../webhooks';
import type { BotBindings } from './bot-binding.service';
import type { Seed003Channel } from './channels';
import { NOTIFY_FORMAT, notifyTarget } from './notify.format';
import { formatTxtime } from './txtime';

export type NotifyEvent =
  | { event: 'qrcode'; qr: Pick<QrCode, 'payload' | 'dataUrl' | 'expiresAt'> }
  | { event: 'login'; wxId?: string; wxName?: string }
  | { event: 'logout' }
  /** The robot logged in as another account than the botcode's: logged out again (a qunbot addition). */
  | { event: 'loginRefused'; wxId: string; reason: string }
  /** A send answered "0" (still queued) has settled: its msgid and final sendStatus. */
  | { event: 'sendResult'; msgid: number; sendStatus: string };

export interface NotifierDeps {
  manager: Pick<RobotManager, 'on' | 'off' | 'logout'>;
  bindings: Pick<BotBindings, 'of' | 'claimAccount'>;
  channels: ReadonlyMap<string, Seed003Channel>;
  outbox: Pick<WebhookOutbox, 'enqueue'>;
  timeZone: string;
  now: () => number;
  log: Logger;
}

/** The notification key of a send's result: the same from every path and process (queued once). */
export const sendResultKey = (sendId: string) => `SR${sendId}`;

const EVENT_TYPES = {
  qrcode: 'robot.qrcode',
  login: 'robot.login',
  logout: 'robot.logout',
  sendResult: 'message.sent',
  loginRefused: 'robot.login_refused',
} as const;

/**
 * Seed 003 asynchronous notifications: the login QR code, then the login (and a logout) of a
 * robot bound to a channel are POSTed to the channel's notifyUrl through the webhook outbox
 * (persisted, retried, SSRF-guarded). The body is in the request's own shape and signed the same
 * way (X-Ecaspsplus-Signature over the body + the channel key, added at send time so the key is
 * never stored):
 *   { "reqHead": { "chid", "txcode" (unique per notification), "txtime", "botcode" },
 *     "reqBody": { "event": "qrcode" | "login" | "logout", ... } }
 */
export class Seed003Notifier {
  constructor(private readonly deps: NotifierDeps) {}

  /** Follows the runtime's robot events; returns the function that stops following. */
  attach(): () => void {
    const { manager, log } = this.deps;
    const fail = (err: unknown) => log.error({ err, module: 'seed003' }, 'seed003 notification failed');
    const onQr = ({ robotId, qr }: { robotId: string; qr: QrCode }) =>
      void this.toRobot(robotId, { event: 'qrcode', qr }).catch(fail);
    const onLogin = ({ robotId, wxId, wxName }: { robotId: string; wxId: string; wxName: string }) =>
      void this.onLogin(robotId, wxId, wxName).catch(fail);
    const onLogout = ({ robotId }: { robotId: string }) => void this.toRobot(robotId, { event: 'logout' }).catch(fail);
    manager.on('qrcode', onQr);
    manager.on('login', onLogin);
    manager.on('logout', onLogout);
    return () => {
      manager.off('qrcode', onQr);
      manager.off('login', onLogin);
      manager.off('logout', onLogout);
    };
  }

  /**
   * A login is notified to each channel whose botcode stands for that account (or gets it now);
   * a login as another account breaks the seed's one botcode, one account rule: the robot is
   * logged out at once and the channel told `loginRefused`.
   */
  private async onLogin(robotId: string, wxId: string, wxName: string): Promise<void> {
    let refused = false;
    for (const { chid, botcode } of await this.deps.bindings.of(robotId)) {
      const channel = this.deps.channels.get(chid);
      if (!channel) continue;
      if (await this.deps.bindings.claimAccount(chid, botcode, wxId)) {
        await this.toChannel(channel, botcode, robotId, { event: 'login', wxId, wxName });
        continue;
      }
      refused = true;
      this.deps.log.warn({ chid, botcode, robotId }, 'seed003 botcode logged in as another WeChat account: logged out');
      await this.toChannel(channel, botcode, robotId, {
        event: 'loginRefused',
        wxId,
        reason: 'the botcode stands for another WeChat account, or this account for another botcode',
      });
    }
    if (refused) await this.deps.manager.logout(robotId);
  }

  /** Notifies every channel the robot is bound to. */
  async toRobot(robotId: string, e: NotifyEvent): Promise<void> {
    for (const { chid, botcode } of await this.deps.bindings.of(robotId)) {
      const channel = this.deps.channels.get(chid);
      if (channel) await this.toChannel(channel, botcode, robotId, e);
    }
  }

  /**
   * Queues one notification to one channel (nothing when it has no notifyUrl). `once`: a key that
   * makes the notification unique, so queuing it again (another path, another process) adds nothing.
   */
  async toChannel(
    channel: Seed003Channel,
    botcode: string,
    robotId: string,
    e: NotifyEvent,
    once?: string,
  ): Promise<void> {
    if (!channel.notifyUrl) return;
    const { timeZone, now } = this.deps;
    const txcode = once ?? randomUUID().replace(/-/g, '');
    const reqBody =
      e.event === 'qrcode'
        ? {
            event: e.event,
            qrcode: e.qr.payload,
            qrcodeImg: e.qr.dataUrl,
            expireTime: formatTxtime(e.qr.expiresAt.getTime(), timeZone),
          }
        : e.event === 'login'
          ? { event: e.event, ...(e.wxId ? { wxId: e.wxId } : {}), ...(e.wxName ? { wxName: e.wxName } : {}) }
          : e.event === 'sendResult'
            ? { event: e.event, msgid: e.msgid, sendStatus: e.sendStatus }
            : e.event === 'loginRefused'
              ? { event: e.event, wxId: e.wxId, reason: e.reason }
              : { event: e.event };
    const body = JSON.stringify({
      reqHead: { chid: channel.chid, txcode, txtime: formatTxtime(now(), timeZone), botcode },
      reqBody,
    });
    await this.deps.outbox.enqueue({
      format: NOTIFY_FORMAT,
      eventId: `seed003-${txcode}`,
      eventType: EVENT_TYPES[e.event],
      target: notifyTarget(channel.chid),
      robotId,
      owner: channel.owner,
      url: channel.notifyUrl,
      body,
    });
  }
}
