import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { BackoffPolicy } from '../bot/core/backoff';
import type { Clock } from '../bot/core/clock';
import type { Logger } from '../logger';
import type { Delivery, DeliveryService } from './delivery.service';
import type { DeliveryFormats, WireRequest } from './formats';
import type { SendResult } from './http-sender';
import { afterFailure } from './schedule';

export interface WorkerPolicy {
  pollMs: number;
  concurrency: number;
  backoff: BackoffPolicy;
  /** Per-attempt timeouts: native webhooks, every other callback. */
  timeouts: { nativeMs: number; callbackMs: number };
  /** How long a claim holds; past it another worker may take the delivery over. */
  leaseMs?: number;
}

export interface WorkerDeps {
  deliveries: DeliveryService;
  /** Renders each claimed delivery (its format's secrets stay inside the renderer). */
  formats: Pick<DeliveryFormats, 'render' | 'judge'>;
  sender: { send(req: WireRequest, signal?: AbortSignal): Promise<SendResult> };
  policy: WorkerPolicy;
  clock: Clock;
  log: Logger;
  workerId?: string;
  random?: () => number;
}

/** Signalled when the worker may have something to do (a publish, a free slot, stop). */
class Wake {
  private resolve?: () => void;
  private pending = false;
  fire(): void {
    this.pending = true;
    this.resolve?.();
  }
  /** Resolves on the next fire (at once if one came since the last wait). */
  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((r) => {
      this.resolve = () => {
        this.resolve = undefined;
        this.pending = false;
        r();
      };
    });
  }
}

/** What happened to one claimed attempt (for logs, metrics and tests). */
export interface Settled {
  delivery: Delivery;
  outcome: 'delivered' | 'retry' | 'dead' | 'released';
  status?: number;
  error?: string;
}

/**
 * Sends due deliveries: polls every pollMs and wakes at once on publish, with at most
 * `concurrency` requests in flight. Each attempt is claimed atomically (see DeliveryService.claim).
 * Failures are retried with exponential backoff and jitter until the delivery's deadline, then it
 * is dead (listed, retryable from the API).
 */
export class DeliveryWorker extends EventEmitter<{ settled: [Settled]; expired: [number] }> {
  readonly id: string;
  private readonly inflight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private readonly wakeup = new Wake();
  private loopDone?: Promise<void>;
  private stopping = false;
  private lastExpire = 0;
  private readonly leaseMs: number;
  private readonly log: Logger;

  constructor(private readonly deps: WorkerDeps) {
    super();
    this.id = deps.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const t = deps.policy.timeouts;
    this.leaseMs = deps.policy.leaseMs ?? 2 * Math.max(t.nativeMs, t.callbackMs) + 10_000;
    this.log = deps.log.child({ module: 'webhooks', worker: this.id });
  }

  start(): void {
    if (this.loopDone) return;
    this.stopping = false;
    this.loopDone = this.loop();
  }

  /** Something was queued: look now instead of at the next poll. */
  wake(): void {
    this.wakeup.fire();
  }

  /**
   * Stops claiming, waits up to `graceMs` for requests in flight, then aborts the rest and gives
   * their deliveries back (queued, due now) so the next start (or another process) sends them.
   */
  async stop(
    graceMs = Math.max(this.deps.policy.timeouts.nativeMs, this.deps.policy.timeouts.callbackMs),
  ): Promise<void> {
    if (!this.loopDone) return;
    this.stopping = true;
    this.wakeup.fire();
    await this.loopDone;
    this.loopDone = undefined;
    const all = Promise.all([...this.inflight.values()].map((f) => f.done));
    const grace = new AbortController();
    await Promise.race([all, this.deps.clock.sleep(graceMs, grace.signal).catch(() => undefined)]);
    grace.abort();
    for (const f of this.inflight.values()) f.abort.abort(new Error('worker stopping'));
    await all;
  }

  private async loop(): Promise<void> {
    const { deliveries, clock, policy } = this.deps;
    while (!this.stopping) {
      try {
        if (clock.now() - this.lastExpire >= policy.pollMs) {
          this.lastExpire = clock.now();
          const dead = await deliveries.expire(new Date(clock.now()));
          if (dead > 0) {
            this.log.warn({ dead }, 'webhook deliveries past their deadline marked dead');
            this.emit('expired', dead);
          }
        }
        while (!this.stopping && this.inflight.size < policy.concurrency) {
          const d = await deliveries.claim(this.id, new Date(clock.now()), this.leaseMs);
          if (!d) break;
          this.run(d);
        }
      } catch (err) {
        this.log.error({ err }, 'webhook poll failed');
      }
      if (this.stopping) break;
      const timer = new AbortController();
      await Promise.race([this.wakeup.wait(), clock.sleep(policy.pollMs, timer.signal).catch(() => undefined)]);
      timer.abort();
    }
  }

  private run(d: Delivery): void {
    const abort = new AbortController();
    const done = this.attempt(d, abort.signal)
      .catch((err) => this.log.error({ err, deliveryId: d.id }, 'webhook attempt bookkeeping failed'))
      .finally(() => {
        this.inflight.delete(d.id);
        this.wakeup.fire();
      });
    this.inflight.set(d.id, { done, abort });
  }

  private async attempt(d: Delivery, signal: AbortSignal): Promise<void> {
    const { deliveries, clock, policy } = this.deps;
    const req = await this.deps.formats.render(d, {
      nowSec: Math.floor(clock.now() / 1000),
      timeouts: policy.timeouts,
    });
    const log = { deliveryId: d.id, eventId: d.eventId, eventType: d.eventType, attempt: d.attempts };
    if ('drop' in req) {
      await deliveries.failed(d.id, this.id, { error: req.drop });
      this.log.warn({ ...log, reason: req.drop }, 'webhook delivery dropped');
      this.emit('settled', { delivery: d, outcome: 'dead', error: req.drop });
      return;
    }
    const res = await this.deps.sender.send(req, signal);
    if (signal.aborted) {
      await deliveries.release(d.id, this.id);
      this.emit('settled', { delivery: d, outcome: 'released' });
      return;
    }
    const now = clock.now();
    const verdict =
      res.status !== undefined
        ? this.deps.formats.judge(d, res.status, res.snippet)
        : res.refused && res.refused !== 'callback_url_unresolvable'
          ? 'reject'
          : 'retry';
    if (verdict === 'delivered') {
      await deliveries.delivered(d.id, this.id, new Date(now), res.status as number);
      this.log.debug({ ...log, status: res.status }, 'webhook delivered');
      this.emit('settled', { delivery: d, outcome: 'delivered', status: res.status as number });
      return;
    }
    const error = res.error ?? `answered ${res.status}${res.snippet ? `: ${res.snippet.slice(0, 200)}` : ''}`;
    const next =
      verdict === 'retry'
        ? afterFailure({
            attempts: d.attempts,
            now,
            deadline: d.deadline.getTime(),
            backoff: policy.backoff,
            ...(this.deps.random ? { random: this.deps.random } : {}),
          })
        : { dead: true as const };
    await deliveries.failed(d.id, this.id, {
      error,
      ...(res.status !== undefined ? { status: res.status } : {}),
      ...('retryAt' in next ? { retryAt: new Date(next.retryAt) } : {}),
    });
    if ('dead' in next) this.log.warn({ ...log, status: res.status, error }, 'webhook delivery dead');
    else
      this.log.info(
        { ...log, status: res.status, error, retryAt: new Date(next.retryAt) },
        'webhook delivery failed, will retry',
      );
    this.emit('settled', {
      delivery: d,
      outcome: 'dead' in next ? 'dead' : 'retry',
      error,
      ...(res.status !== undefined ? { status: res.status } : {}),
    });
  }
}
