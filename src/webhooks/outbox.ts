import type { Connection } from 'mongoose';
import type { Config } from '../../config';
import type { Clock } from '../bot/core/clock';
import type { Logger } from '../logger';
import { DeliveryService, type NewDelivery } from './delivery.service';
import { makeEnvelope, type EventEnvelope, type PublishInput } from './events';
import { HttpSender } from './http-sender';
import { deriveSecret } from './signature';
import { loadSigningKey } from './signing-key';
import { SubscriptionService, type Subscription } from './subscription.service';
import { UrlGuard, type ResolveAll } from './url-guard';
import { DeliveryWorker, type WorkerDeps } from './worker';
import { SEED003_TARGET } from './formats';

export interface WebhookOutboxDeps {
  config: Readonly<Pick<Config, 'webhooks' | 'callbacks' | 'dataDir'>> & {
    compat: {
      seed001: Pick<Config['compat']['seed001'], 'callbackToken'>;
      seed003?: { channels: readonly Pick<Config['compat']['seed003']['channels'][number], 'chid' | 'key'>[] };
    };
  };
  connection: Connection;
  clock: Clock;
  log: Logger;
  /** Tests inject DNS answers. */
  resolve?: ResolveAll;
  workerId?: string;
  random?: () => number;
  /** Tests may swap the HTTP sender. */
  sender?: WorkerDeps['sender'];
}

/** Callbacks in the seed formats (not signed the native way); each is one delivery to one URL. */
export type PlainCallback =
  | { format: 'login-callback'; eventId: string; owner?: string; robotId: string; url: string }
  | {
      format: 'seed001-developer';
      eventId: string;
      robotId: string;
      url: string;
      body: { action: 'send_message'; data: { content: string; robot_id: string; room_id: string; nickname: string } };
    }
  /** Seed 003 notification to a channel: `body` is final JSON; signed with the channel key at send time. */
  | {
      format: 'seed003-notify';
      eventId: string;
      eventType: string;
      robotId: string;
      chid: string;
      owner?: string;
      url: string;
      body: string;
    };

/**
 * The persisted webhook outbox: `publish` stores one delivery per matching subscription before
 * anything is sent, then the worker delivers them at least once. Seed callbacks go through the
 * same store and worker (`enqueuePlain`).
 */
export class WebhookOutbox {
  readonly subscriptions: SubscriptionService;
  readonly deliveries: DeliveryService;
  readonly guard: UrlGuard;
  readonly worker: DeliveryWorker;
  private readonly masterKey: string;
  private readonly sender: HttpSender | undefined;
  private readonly maxAgeMs: number;

  constructor(private readonly deps: WebhookOutboxDeps) {
    const w = deps.config.webhooks;
    this.subscriptions = new SubscriptionService(deps.connection);
    this.deliveries = new DeliveryService(deps.connection);
    this.guard = new UrlGuard(w.allowHosts, deps.resolve);
    this.masterKey = loadSigningKey(w.signingKey, deps.config.dataDir);
    this.maxAgeMs = w.maxAgeHours * 3600_000;
    this.sender = deps.sender
      ? undefined
      : new HttpSender(this.guard, {
          maxResponseBytes: w.maxResponseBytes,
          timeoutMs: Math.max(w.timeoutMs, deps.config.callbacks.timeoutMs),
        });
    const token = deps.config.compat.seed001.callbackToken;
    // Seed 003 notifications are signed with their channel's key, read from config at send time.
    const seed003Keys = new Map((deps.config.compat.seed003?.channels ?? []).map((c) => [c.chid, c.key]));
    this.worker = new DeliveryWorker({
      deliveries: this.deliveries,
      subscriptions: this.subscriptions,
      sender: deps.sender ?? (this.sender as HttpSender),
      masterKey: this.masterKey,
      ...(token ? { seed001Token: token } : {}),
      ...(seed003Keys.size > 0 ? { seed003Keys } : {}),
      policy: {
        pollMs: w.pollMs,
        concurrency: w.concurrency,
        backoff: w.backoff,
        timeouts: { nativeMs: w.timeoutMs, callbackMs: deps.config.callbacks.timeoutMs },
      },
      clock: deps.clock,
      log: deps.log,
      ...(deps.workerId ? { workerId: deps.workerId } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    });
  }

  /**
   * Publishes a native event: stored for every active subscription of the event's owner and every
   * admin (owner-less) subscription listing its type, then delivered in the background. Resolves
   * once stored. Publishing again with the same `id` adds nothing.
   */
  async publish(input: PublishInput): Promise<{ event: EventEnvelope; deliveries: number }> {
    const now = new Date(this.deps.clock.now());
    const event = makeEnvelope(input, now);
    const targets = await this.subscriptions.targets(event.type, input.owner);
    const body = JSON.stringify(event);
    const robotId = (event.payload as { robotId?: unknown }).robotId;
    const about = typeof robotId === 'string' ? { robotId } : {};
    const items: NewDelivery[] = targets.map((s) => ({
      eventId: event.id,
      eventType: event.type,
      format: 'native',
      target: s.id,
      body,
      ...about,
      ...(s.owner ? { owner: s.owner } : {}),
    }));
    const stored = await this.deliveries.enqueue(items, now, this.maxAgeMs);
    if (stored > 0) this.worker.wake();
    return { event, deliveries: stored };
  }

  /** Queues a seed-format callback (unsigned, in the seed's own shape). */
  async enqueuePlain(cb: PlainCallback): Promise<void> {
    const now = new Date(this.deps.clock.now());
    const item: NewDelivery =
      cb.format === 'login-callback'
        ? {
            eventId: cb.eventId,
            eventType: 'robot.login',
            format: cb.format,
            target: 'login-callback',
            robotId: cb.robotId,
            url: cb.url,
            ...(cb.owner ? { owner: cb.owner } : {}),
          }
        : cb.format === 'seed001-developer'
          ? {
              eventId: cb.eventId,
              eventType: 'message.received',
              format: cb.format,
              target: 'seed001-developer',
              robotId: cb.robotId,
              url: cb.url,
              body: JSON.stringify(cb.body),
            }
          : {
              eventId: cb.eventId,
              eventType: cb.eventType,
              format: cb.format,
              target: `${SEED003_TARGET}${cb.chid}`,
              robotId: cb.robotId,
              url: cb.url,
              body: cb.body,
              ...(cb.owner ? { owner: cb.owner } : {}),
            };
    if ((await this.deliveries.enqueue([item], now, this.maxAgeMs)) > 0) this.worker.wake();
  }

  /** The signing secret of a subscription (shown at creation and rotation; never stored). */
  secretFor(sub: Pick<Subscription, 'id' | 'secretVersion'>): string {
    return deriveSecret(this.masterKey, sub.id, sub.secretVersion);
  }

  /** Queues a dead delivery again with a fresh deadline. */
  retry(id: string) {
    return this.deliveries.retry(id, new Date(this.deps.clock.now()), this.maxAgeMs).then((d) => {
      if (d) this.worker.wake();
      return d;
    });
  }

  start(): void {
    this.worker.start();
  }

  async stop(graceMs?: number): Promise<void> {
    await this.worker.stop(graceMs);
    await this.sender?.close();
  }
}
