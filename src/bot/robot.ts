import { EventEmitter } from 'node:events';
import QRCode from 'qrcode';
import { WechatyBuilder, type Contact, type Message, type Room, type Wechaty } from 'wechaty';
import type { Logger } from '../logger';
import { backoffDelay, type BackoffPolicy } from './core/backoff';
import { CauseThrottle, errorCause } from '../lib/error-causes';
import type { Clock } from './core/clock';
import { nextStatus, type RobotSignal, type RobotStatus } from './core/robot-state';
import type { OutboundContent } from './content';
import { NotReadyError, type ConversationKind, type Sender, type SendOutcome } from './outbox';
import type { BotEvent } from './plugin';
import type { Puppet } from './puppets';
import { RobotInbound, type InboundPolicy } from './robot-inbound';
import { sayTo } from './robot-outbound';
import type { PuppetRoom } from './room.service';
import type { QrCode, StatusExtra } from './robot.service';

/** Timeouts, backoff and inbound filtering of every robot. */
/** Wechaty's FriendshipType.Receive: someone asked the robot. */
const FRIENDSHIP_RECEIVE = 2;

export interface RobotPolicy extends InboundPolicy {
  startTimeoutMs: number;
  qrTtlMs: number;
  backoff: BackoffPolicy;
  errorBurst: { count: number; windowMs: number };
}

/** Typed events of one robot; the manager re-emits them with the robot id. */
export interface RobotEvents {
  /** `retryAt`: when an offline robot tries again (only with status `offline`). */
  status: [{ status: RobotStatus; prev: RobotStatus; reason?: string; retryAt?: Date }];
  qrcode: [QrCode];
  login: [{ wxId: string; wxName: string }];
  logout: [];
  event: [BotEvent];
  /** Someone asks to be the robot's friend, or invites it into a room: the listener decides (accept or leave it). */
  request: [RobotRequest];
}

/** A friend request or a room invitation the robot received; `accept` answers yes (nothing answers no). */
export interface RobotRequest {
  kind: 'friend' | 'room';
  /** Who asks (the friend to be, or the inviter). */
  from: { id: string; name: string };
  /** The friend request's greeting, or the room's topic. */
  text: string;
  accept(): Promise<void>;
}

/** What one robot is built from. */
/** The robot's own WeChat profile (what a group owner is shown of their robot). */
export interface SelfProfile {
  wxId: string;
  name: string;
  /** The WeChat number (微信号), when the puppet reports it. */
  weixin?: string;
  /** The avatar's http(s) URL, when the puppet reports one. */
  avatarUrl?: string;
  /** The text of the robot's contact QR code, when the puppet gives it. */
  qrcode?: string;
}

export interface RobotDeps {
  id: string;
  initialStatus: RobotStatus;
  createPuppet: () => Puppet;
  /** Where Wechaty keeps its memory card (`<path>.memory-card.json`); the robot's cache folder. */
  memoryPath: string;
  saveStatus: (status: RobotStatus, extra: StatusExtra) => Promise<void>;
  policy: RobotPolicy;
  clock: Clock;
  log: Logger;
}

/** Errors that mean the puppet cannot reach its service (as opposed to a bad request). */
const NETWORK_ERROR =
  /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|socket hang up|disconnect/i;
/** gRPC CANCELLED (1) and UNAVAILABLE (14) from puppet-service: the stream to the service is gone. */
const STREAM_LOST = /^(1 CANCELLED|14 UNAVAILABLE):/;
const STOP_TIMEOUT_MS = 10_000;

/**
 * One WeChat account: its Wechaty, its persisted status (core/robot-state.ts) and its recovery.
 * A robot that cannot reach its puppet (start times out, network errors) stops its Wechaty,
 * shows `offline`, and retries with exponential backoff: an offline robot runs nothing.
 * What comes in is normalised by robot-inbound.ts; what goes out is said by robot-outbound.ts.
 */
export class Robot extends EventEmitter<RobotEvents> implements Sender {
  readonly id: string;
  private statusNow: RobotStatus;
  private bot: Wechaty | undefined;
  private attempt = 0;
  private readonly errorTimes: number[] = [];
  private readonly warned = new CauseThrottle();
  private readonly inbound: RobotInbound;
  /** Aborts the start watchdog or the retry wait. */
  private timer: AbortController | undefined;
  private stopping = false;
  /** Set while an operator's logout is under way: that logout ends the robot's session for good. */
  private operatorLogout = false;
  private transition: Promise<void> = Promise.resolve();

  constructor(private readonly deps: RobotDeps) {
    super();
    this.id = deps.id;
    this.statusNow = deps.initialStatus;
    this.inbound = new RobotInbound({ robotId: deps.id, policy: deps.policy, clock: deps.clock, log: deps.log });
  }

  get status(): RobotStatus {
    return this.statusNow;
  }

  get wechaty(): Wechaty | undefined {
    return this.bot;
  }

  /**
   * Starts the Wechaty; resolves once it is started (not logged in: watch `status`). A robot
   * that is running is left alone, except one left `logged_out` (an operator's logout): its
   * puppet shows nothing by itself, so a new Wechaty is started for a fresh login (a new QR code,
   * or the session the puppet resumes).
   */
  start(): Promise<void> {
    return this.serial(async () => {
      this.stopping = false;
      if (this.bot && this.statusNow !== 'logged_out') return;
      if (this.bot) {
        this.cancelTimer();
        await this.teardown();
      }
      await this.signal('start');
      await this.launch();
    });
  }

  /** Stops the Wechaty and any pending retry; the robot stays `stopped` until started again. */
  stop(): Promise<void> {
    return this.serial(async () => {
      this.stopping = true;
      this.cancelTimer();
      await this.teardown();
      await this.signal('stop');
    });
  }

  /**
   * Logs the WeChat account out at an operator's request: the robot stays `logged_out` (the
   * puppet may show a new QR code). Any other logout is recovered from (see onLogout).
   */
  async logout(): Promise<void> {
    if (!this.bot || this.statusNow !== 'logged_in') return;
    this.operatorLogout = true;
    try {
      await this.bot.logout();
    } catch (err) {
      this.operatorLogout = false;
      throw err;
    }
  }

  /** Lists the robot's rooms as the puppet reports them. */
  async findRooms(): Promise<PuppetRoom[]> {
    const bot = this.requireLoggedIn();
    const rooms = await bot.Room.findAll();
    return Promise.all(
      rooms.map(async (room) => {
        const payload = room.payload;
        const owner = room.owner();
        const ownerName = owner ? owner.name() : undefined;
        return {
          puppetId: room.id,
          topic: payload?.topic ?? (await room.topic()),
          memberCount: payload?.memberIdList?.length ?? (await room.memberAll()).length,
          ...(payload?.ownerId ? { ownerWxId: payload.ownerId } : {}),
          ...(ownerName ? { ownerName } : {}),
        };
      }),
    );
  }

  /** Sender for the outbox: `kind` when the send names a room record, else the puppet tells. */
  async send(
    conversationId: string,
    content: OutboundContent,
    mentionIds: string[],
    kind?: ConversationKind,
  ): Promise<SendOutcome> {
    return sayTo(this.requireLoggedIn(), conversationId, content, mentionIds, kind);
  }

  /** Recalls a message this robot sent; false when the puppet cannot (unsupported, too late). */
  async recall(messageId: string): Promise<boolean> {
    const bot = this.requireLoggedIn();
    return bot.puppet.messageRecall(messageId);
  }

  /**
   * The robot's own WeChat profile: id, name, WeChat number and avatar URL where the puppet
   * reports them, and the text of its contact QR code (others scan it to add the robot).
   */
  async selfProfile(): Promise<SelfProfile> {
    const bot = this.requireLoggedIn();
    const me = bot.currentUser;
    const payload = me.payload;
    const qrcode = await me.qrcode().catch(() => undefined);
    return {
      wxId: me.id,
      name: me.name(),
      ...(payload?.weixin ? { weixin: payload.weixin } : {}),
      ...(payload?.avatar && /^https?:\/\//.test(payload.avatar) ? { avatarUrl: payload.avatar } : {}),
      ...(qrcode ? { qrcode } : {}),
    };
  }

  /** Leaves a room (the puppet's room quit). */
  async quitRoom(puppetRoomId: string): Promise<void> {
    const bot = this.requireLoggedIn();
    await bot.puppet.roomQuit(puppetRoomId);
  }

  private requireLoggedIn(): Wechaty {
    if (!this.bot || this.statusNow !== 'logged_in') throw new NotReadyError(`robot ${this.id} is not logged in`);
    return this.bot;
  }

  /** Runs state changes one at a time, so start/stop/offline never interleave. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.transition.then(fn, fn);
    this.transition = run.catch(() => undefined);
    return run;
  }

  private async signal(signal: RobotSignal, extra: StatusExtra = {}): Promise<boolean> {
    const prev = this.statusNow;
    const next = nextStatus(prev, signal);
    if (next === null) return false;
    this.statusNow = next;
    await this.deps.saveStatus(next, extra);
    if (next !== prev || extra.qr)
      this.emit('status', {
        status: next,
        prev,
        ...(extra.reason ? { reason: extra.reason } : {}),
        ...(extra.retryAt ? { retryAt: extra.retryAt } : {}),
      });
    return true;
  }

  private async launch(): Promise<void> {
    const { log } = this.deps;
    let puppet: Puppet;
    try {
      puppet = this.deps.createPuppet();
    } catch (err) {
      await this.signal('fatal', { reason: (err as Error).message });
      log.error({ err }, 'robot cannot start: bad puppet settings');
      return;
    }
    const bot = WechatyBuilder.build({ name: this.deps.memoryPath, puppet: puppet as never });
    this.bot = bot;
    this.wire(bot);
    this.armWatchdog();
    try {
      await bot.start();
    } catch (err) {
      log.warn({ err }, 'robot failed to start');
      void this.serial(() => this.goOffline(`start failed: ${(err as Error).message}`));
    }
  }

  private wire(bot: Wechaty): void {
    const { log } = this.deps;
    // Wechaty rethrows unheard `error` events, which would kill the process.
    bot.on('error', (err) => this.onError(bot, err));
    bot.on(
      'scan',
      (payload, status) =>
        void this.onScan(bot, payload, Number(status)).catch((err) => log.error({ err }, 'scan handling failed')),
    );
    bot.on('login', (user) => void this.onLogin(bot, user).catch((err) => log.error({ err }, 'login handling failed')));
    bot.on('logout', () => void this.onLogout(bot).catch((err) => log.error({ err }, 'logout handling failed')));
    bot.on('message', (message) => this.onMessage(bot, message));
    bot.on('room-join', (room, invitees, inviter, date) => this.onRoomJoin(bot, room, invitees, inviter, date));
    bot.on('room-leave', (room, leavers, remover, date) => this.onRoomLeave(bot, room, leavers, remover, date));
    bot.on('friendship', (f) => {
      if (bot !== this.bot || f.type() !== FRIENDSHIP_RECEIVE) return;
      const contact = f.contact();
      this.emit('request', {
        kind: 'friend',
        from: { id: contact.id, name: contact.name() },
        text: f.hello(),
        accept: () => f.accept(),
      });
    });
    bot.on('room-invite', (invitation) => {
      if (bot !== this.bot) return;
      void Promise.all([invitation.inviter(), invitation.topic()])
        .then(([inviter, topic]) =>
          this.emit('request', {
            kind: 'room',
            from: { id: inviter.id, name: inviter.name() },
            text: topic,
            accept: () => invitation.accept(),
          }),
        )
        .catch((err: unknown) => log.warn({ err }, 'room invitation unreadable'));
    });
  }

  private armWatchdog(): void {
    this.cancelTimer();
    const ctl = new AbortController();
    this.timer = ctl;
    this.deps.clock.sleep(this.deps.policy.startTimeoutMs, ctl.signal).then(
      () => {
        if (this.timer !== ctl) return;
        this.timer = undefined;
        void this.serial(() => this.goOffline('no QR code or login within the start timeout'));
      },
      () => undefined,
    );
  }

  private cancelTimer(): void {
    this.timer?.abort();
    this.timer = undefined;
  }

  private async onScan(bot: Wechaty, payload: string, scanStatus: number): Promise<void> {
    if (bot !== this.bot) return;
    this.cancelTimer();
    // ScanStatus: 2 Waiting, 3 Scanned, 4 Confirmed; Unknown/Cancel/Timeout also carry a new QR.
    if (!payload) return;
    const qr: QrCode = {
      payload,
      dataUrl: await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 1, width: 256 }),
      expiresAt: new Date(this.deps.clock.now() + this.deps.policy.qrTtlMs),
    };
    this.deps.log.info({ scanStatus }, 'login QR code ready');
    await this.signal('scan', { qr });
    this.emit('qrcode', qr);
  }

  private async onLogin(bot: Wechaty, user: Contact): Promise<void> {
    if (bot !== this.bot) return;
    this.cancelTimer();
    this.attempt = 0;
    this.errorTimes.length = 0;
    const identity = { wxId: user.id, wxName: user.name() };
    await this.signal('login', { ...identity, qr: null, loggedInAt: new Date(this.deps.clock.now()) });
    this.deps.log.info(identity, 'robot logged in');
    this.emit('login', identity);
  }

  /**
   * A logout an operator asked for leaves the robot `logged_out`. Any other (WeChat ended the
   * session, the puppet service restarted, its stream was reset) takes the robot offline and
   * restarts it with backoff while it is desired running: the puppet resumes the session where it
   * can, or shows a new QR code.
   */
  private async onLogout(bot: Wechaty): Promise<void> {
    if (bot !== this.bot) return;
    const requested = this.operatorLogout || this.stopping;
    this.operatorLogout = false;
    await this.signal('logout');
    this.deps.log.info({ requested }, 'robot logged out');
    this.emit('logout');
    if (!requested) void this.serial(() => this.goOffline('logged out without an operator asking'));
  }

  private onError(bot: Wechaty, err: unknown): void {
    const { log, policy, clock } = this.deps;
    const message = String((err as Error)?.message ?? err);
    if (bot !== this.bot) return;
    // The puppet's event stream ended (its service restarted, the connection dropped): nothing
    // more will arrive on it, so the robot restarts instead of looking logged in for good.
    if (STREAM_LOST.test(message) && this.statusNow !== 'starting') {
      log.warn({ err: message.slice(0, 300) }, 'puppet stream lost');
      void this.serial(() => this.goOffline(`puppet stream lost: ${message.slice(0, 200)}`));
      return;
    }
    const network = NETWORK_ERROR.test(message);
    this.report(network ? 'puppet network error' : 'puppet error', message, err);
    if (!network) return;
    if (this.statusNow === 'starting') {
      void this.serial(() => this.goOffline(`cannot reach the puppet: ${message.slice(0, 200)}`));
      return;
    }
    const now = clock.now();
    this.errorTimes.push(now);
    while (this.errorTimes.length > 0 && now - this.errorTimes[0] > policy.errorBurst.windowMs) this.errorTimes.shift();
    if (this.errorTimes.length >= policy.errorBurst.count) {
      this.errorTimes.length = 0;
      void this.serial(() =>
        this.goOffline(`${policy.errorBurst.count} network errors within ${policy.errorBurst.windowMs} ms`),
      );
    }
  }

  /**
   * One short warning per distinct cause (ids left out) and hour; the repeats, and every error
   * with its stack, at debug. Puppets repeat the same failure for every room or contact (the mock
   * on each room join, wechat4u without network on each poll).
   */
  private report(what: string, message: string, err: unknown): void {
    const cause = errorCause(message);
    if (this.warned.shouldWarn(cause, this.deps.clock.now()))
      this.deps.log.warn({ cause }, `${what} (repeats of this cause are logged at debug)`);
    this.deps.log.debug({ err }, what);
  }

  private onMessage(bot: Wechaty, message: Message): void {
    if (bot !== this.bot) return;
    const event = this.inbound.message(message, bot.puppet.currentUserId);
    if (event) this.emit('event', event);
  }

  private onRoomJoin(bot: Wechaty, room: Room, invitees: Contact[], inviter: Contact | undefined, date?: Date): void {
    if (bot !== this.bot) return;
    const event = this.inbound.roomJoin(room, invitees, inviter, date);
    if (event) this.emit('event', event);
  }

  private onRoomLeave(bot: Wechaty, room: Room, leavers: Contact[], remover: Contact | undefined, date?: Date): void {
    if (bot !== this.bot) return;
    const event = this.inbound.roomLeave(room, leavers, remover, date);
    if (event) this.emit('event', event);
  }

  /** Stops the Wechaty, schedules a retry with backoff, and shows offline. */
  private async goOffline(reason: string): Promise<void> {
    if (this.stopping || !this.bot) return;
    this.cancelTimer();
    await this.teardown();
    this.attempt++;
    const delay = backoffDelay(this.deps.policy.backoff, this.attempt);
    const ctl = new AbortController();
    this.timer = ctl;
    this.deps.clock.sleep(delay, ctl.signal).then(
      () => {
        if (this.timer !== ctl) return;
        this.timer = undefined;
        this.start().catch((err) => this.deps.log.error({ err }, 'retry failed'));
      },
      () => undefined,
    );
    const retryAt = new Date(this.deps.clock.now() + delay);
    this.deps.log.warn({ reason, retryInMs: delay, attempt: this.attempt }, 'robot offline; will retry');
    await this.signal('network_down', { reason, retryAt });
  }

  /** True while offline with a retry scheduled. */
  get retryPending(): boolean {
    return this.timer !== undefined && this.statusNow === 'offline';
  }

  private async teardown(): Promise<void> {
    const bot = this.bot;
    this.bot = undefined;
    if (!bot) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([bot.stop(), new Promise((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
    } catch (err) {
      this.deps.log.warn({ err }, 'error while stopping Wechaty');
    } finally {
      clearTimeout(timer);
      (bot as unknown as EventEmitter).removeAllListeners();
      // Keep listening for late errors from the stopped instance, so they never go unheard.
      bot.on('error', () => undefined);
    }
  }
}
