import type { Config } from '../../config';
import type { Clock } from '../bot/core/clock';
import type { Db } from '../db/types';
import type { Logger } from '../logger';
import { DeliveryService, type NewDelivery } from './delivery.service';
import { makeEnvelope, type EventEnvelope, type PublishInput } from './events';
import { DeliveryFormats } from './formats';
import { HttpSender } from './http-sender';
import { LOGIN_CALLBACK_FORMAT, loginCallbackFormat } from './login-callback.format';
import { NATIVE_FORMAT, nativeFormat } from './native.format';
import { deriveSecret } from './signature';
import { loadSigningKey } from './signing-key';
import { SubscriptionService, type Subscription } from './subscription.service';
import { UrlGuard, type ResolveAll } from './url-guard';
import { DeliveryWorker, type WorkerDeps } from './worker';

export interface WebhookOutboxDeps {
  config: Readonly<Pick<Config, 'webhooks' | 'callbacks' | 'dataDir'>>;
  connection: Db;
  clock: Clock;
  log: Logger;
  /** Tests inject DNS answers. */
  resolve?: ResolveAll;
  workerId?: string;
  random?: () => number;
  /** Tests may swap the HTTP sender. */
  sender?: WorkerDeps['sender'];
}

/**
 * A callback that is not a native webhook: one delivery to one URL, put on the wire at each
 * attempt by its registered format. Nothing secret goes in here (the format adds its secrets).
 */
export interface CallbackInput {
  /** A registered format (DeliveryFormats); anything else is refused. */
  format: string;
  /** Stays the same across retries (receivers dedupe on it). */
  eventId: string;
  eventType: string;
  /** With eventId, what makes the delivery unique: queuing the pair again adds nothing. Default: the format. */
  target?: string;
  url: string;
  robotId?: string;
  /** Who may list it (absent: admins only). */
  owner?: string;
  /** The exact bytes to send, or what the format builds them from. */
  body?: string;
}

/**
 * The persisted webhook outbox: `publish` stores one delivery per matching subscription before
 * anything is sent, then the worker delivers them at least once. Other callbacks go through the
 * same store and worker (`enqueue`), in a format registered in `formats`.
 */
export class WebhookOutbox {
  readonly subscriptions: SubscriptionService;
  readonly deliveries: DeliveryService;
  readonly guard: UrlGuard;
  /** How deliveries go on the wire, by format name; dialects register theirs here. */
  readonly formats: DeliveryFormats;
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
    this.formats = new DeliveryFormats();
    this.formats.register(
      NATIVE_FORMAT,
      nativeFormat({ masterKey: this.masterKey, subscriptions: this.subscriptions }),
    );
    this.formats.register(LOGIN_CALLBACK_FORMAT, loginCallbackFormat);
    this.worker = new DeliveryWorker({
      deliveries: this.deliveries,
      formats: this.formats,
      sender: deps.sender ?? (this.sender as HttpSender),
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
      format: NATIVE_FORMAT,
      target: s.id,
      body,
      ...about,
      ...(s.owner ? { owner: s.owner } : {}),
    }));
    const stored = await this.deliveries.enqueue(items, now, this.maxAgeMs);
    if (stored > 0) this.worker.wake();
    return { event, deliveries: stored };
  }

  /**
   * Queues a callback in a registered format (throws UnknownFormatError for any other). Resolves
   * true once stored; false when the same event and target were queued before.
   */
  async enqueue(cb: CallbackInput): Promise<boolean> {
    this.formats.assert(cb.format);
    const now = new Date(this.deps.clock.now());
    const item: NewDelivery = {
      eventId: cb.eventId,
      eventType: cb.eventType,
      format: cb.format,
      target: cb.target ?? cb.format,
      url: cb.url,
      ...(cb.robotId ? { robotId: cb.robotId } : {}),
      ...(cb.owner ? { owner: cb.owner } : {}),
      ...(cb.body !== undefined ? { body: cb.body } : {}),
    };
    const stored = (await this.deliveries.enqueue([item], now, this.maxAgeMs)) > 0;
    if (stored) this.worker.wake();
    return stored;
  }

  /** The signing secret of a subscription (shown at creation and rotation; never stored). */
  secretFor(sub: Pick<Subscription, 'id' | 'secretVersion'>): string {
    return deriveSecret(this.masterKey, sub.id, sub.secretVersion);
  }

  /**
   * A stable secret for another use of this installation (e.g. signing seed 001 QR code links),
   * derived from the master key: the same in every process and across restarts.
   */
  derivedKey(purpose: string): string {
    return deriveSecret(this.masterKey, `purpose:${purpose}`, 1);
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
