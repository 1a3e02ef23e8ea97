import { EventEmitter } from 'node:events';
import type { Logger } from '../logger';
import type { Clock } from './core/clock';
import { Pacer, type PacingPolicy } from './core/pacer';
import type { OutboundContent } from './content';
import type { NewSend, SendLogService, SendRecord } from './send-log.service';

/** What a conversation is, when the caller knows it (a send with a room record goes to a room). */
export type ConversationKind = 'room' | 'contact';

/** How one send ended at the puppet. */
export type SendOutcome = { status: 'sent'; messageId?: string } | { status: 'room_not_found' };

/** What actually talks to WeChat (a robot's Wechaty). */
export interface Sender {
  /** `kind` absent: the sender asks its puppet whether `conversationId` is a room. */
  send(
    conversationId: string,
    content: OutboundContent,
    mentionIds: string[],
    kind?: ConversationKind,
  ): Promise<SendOutcome>;
}

/** Thrown by a Sender that cannot send right now (not logged in): the send waits, nothing is lost. */
export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

/** Back-pressure: the robot's queue is full; the caller should retry later. */
export class OutboxFullError extends Error {
  override name = 'OutboxFullError';
  readonly code = 'outbox_full';
  constructor(
    readonly robotId: string,
    readonly limit: number,
  ) {
    super(`the outbox of robot ${robotId} is full (${limit} sends waiting); try again later`);
  }
}

export interface OutboxPolicy extends PacingPolicy {
  /** Most sends that may wait in one robot's queue. */
  maxQueue: number;
}

const DB_RETRY_MS = 3000;
const FENCE_RETRY_MS = 1000;
const STOP_WAIT_MS = 15_000;

interface Pending {
  id: string;
  conversationId: string;
  /** 'room' when the send names a room record; otherwise unknown here. */
  kind: ConversationKind | undefined;
  content: OutboundContent;
  mentionIds: string[];
}

/** The robot's lease (several processes): sends are claimed under its epoch, and only while it is held. */
export interface OutboxFence {
  readonly epoch: number;
  held(): boolean;
}

export interface OutboxDeps {
  robotId: string;
  sender: Sender;
  /** Absent: the outbox sends whenever the robot can (one process, or tests). */
  fence?: OutboxFence;
  sendLog: SendLogService;
  clock: Clock;
  policy: OutboxPolicy;
  log: Logger;
  random?: () => number;
}

/**
 * One robot's outbox: every send is logged (queued) before it goes, then paced by a token bucket
 * per robot and a minimum gap per conversation, jittered, and its outcome recorded. Emits
 * `settled` with the final SendRecord, and `waiting` (send id) when it pauses because the robot
 * cannot send; `resume()` goes on.
 */
export class RobotOutbox extends EventEmitter<{ settled: [SendRecord]; waiting: [string] }> {
  private readonly queue: Pending[] = [];
  private readonly pacer: Pacer;
  private readonly waiters = new Map<string, (r: SendRecord) => void>();
  private paused = true;
  private stopped = false;
  /** Places taken by sends still being logged (enqueueAll). */
  private reserved = 0;
  private wake: (() => void) | undefined;
  private sleeping: AbortController | undefined;
  private loop: Promise<void> | undefined;
  /** The send being delivered, and the last ones delivered: adopting them again is a no-op. */
  private inFlight: string | undefined;
  private readonly recent = new Set<string>();

  constructor(private readonly deps: OutboxDeps) {
    super();
    this.pacer = new Pacer(deps.policy);
  }

  get size(): number {
    return this.queue.length;
  }

  /** Logs the send as queued and schedules it. `settled` resolves with the outcome. */
  async enqueue(send: Omit<NewSend, 'robotId'>): Promise<{ record: SendRecord; settled: Promise<SendRecord> }> {
    return (await this.enqueueAll([send]))[0] as { record: SendRecord; settled: Promise<SendRecord> };
  }

  /**
   * Queues several sends that belong together (a text and its image): all, one after another,
   * or none (outbox_full when they do not all fit), so a caller that retries never repeats half.
   */
  async enqueueAll(
    sends: readonly Omit<NewSend, 'robotId'>[],
  ): Promise<{ record: SendRecord; settled: Promise<SendRecord> }[]> {
    if (this.stopped) throw new NotReadyError('the outbox is stopped');
    if (this.deps.fence && !this.deps.fence.held()) throw new NotReadyError('the robot lease is no longer held here');
    // Places being logged count too: callers that arrive together cannot overfill the queue.
    if (this.queue.length + this.reserved + sends.length > this.deps.policy.maxQueue)
      throw new OutboxFullError(this.deps.robotId, this.deps.policy.maxQueue);
    this.reserved += sends.length;
    let records: SendRecord[];
    try {
      records = await this.deps.sendLog.createAll(sends.map((send) => ({ ...send, robotId: this.deps.robotId })));
    } finally {
      this.reserved -= sends.length;
    }
    return records.map((record) => {
      const settled = new Promise<SendRecord>((resolve) => this.waiters.set(record.id, resolve));
      this.push(record);
      return { record, settled };
    });
  }

  /**
   * Takes sends already in the send log (e.g. a broadcast's, made idempotently by key) into the
   * queue. Persisted work is not refused for being many: `maxQueue` limits callers that wait.
   */
  adopt(records: readonly SendRecord[]): number {
    if (this.stopped) return 0;
    const known = new Set([...this.queue.map((p) => p.id), ...this.recent, ...(this.inFlight ? [this.inFlight] : [])]);
    let added = 0;
    for (const r of records) {
      if (r.status !== 'queued' || known.has(r.id)) continue;
      known.add(r.id);
      this.push(r);
      added++;
    }
    return added;
  }

  /**
   * Reloads sends left queued by a previous run (crash or restart); sends left `sending` under
   * an older lease epoch than `epoch` become `unknown`.
   */
  async recover(epoch?: number): Promise<{ requeued: number; unknown: number }> {
    const { queued, unknown } = await this.deps.sendLog.recover(this.deps.robotId, epoch);
    const known = new Set(this.queue.map((p) => p.id));
    for (const r of queued) if (!known.has(r.id)) this.push(r);
    if (unknown > 0)
      this.deps.log.warn({ unknown }, 'sends interrupted by a crash are marked unknown and not repeated');
    return { requeued: queued.length, unknown };
  }

  start(): void {
    this.loop ??= this.run();
  }

  resume(): void {
    this.paused = false;
    this.poke();
  }

  pause(): void {
    this.paused = true;
  }

  /**
   * Stops after the send in flight (waiting for it at most STOP_WAIT_MS: a puppet that never
   * answers does not hold up the caller); queued sends stay queued in the database.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeping?.abort();
    this.poke();
    const timer = new AbortController();
    await Promise.race([this.loop, this.deps.clock.sleep(STOP_WAIT_MS, timer.signal).catch(() => undefined)]);
    timer.abort();
  }

  private push(r: Pick<SendRecord, 'id' | 'conversationId' | 'roomId' | 'content' | 'mentionIds'>): void {
    this.queue.push({
      id: r.id,
      conversationId: r.conversationId,
      kind: r.roomId ? 'room' : undefined,
      content: r.content,
      mentionIds: r.mentionIds,
    });
    // A send waiting out one room's gap must not hold back a new send to a room that is ready:
    // cut the wait short so the loop picks again.
    this.sleeping?.abort();
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** The queued send whose conversation is ready first (FIFO within a conversation). */
  private pick(now: number): { index: number; wait: number } {
    let best = { index: 0, wait: Infinity };
    const seen = new Set<string>();
    for (let i = 0; i < this.queue.length && seen.size < 64; i++) {
      const c = this.queue[i].conversationId;
      if (seen.has(c)) continue;
      seen.add(c);
      const wait = this.pacer.readyIn(c, now);
      if (wait < best.wait) best = { index: i, wait };
      if (wait === 0) break;
    }
    return best;
  }

  private async run(): Promise<void> {
    const { clock } = this.deps;
    const random = this.deps.random ?? Math.random;
    while (!this.stopped) {
      if (this.paused || this.queue.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const { index, wait } = this.pick(clock.now());
      const delay = wait + Math.round(this.deps.policy.jitterMs * random());
      if (delay > 0) {
        this.sleeping = new AbortController();
        try {
          await clock.sleep(delay, this.sleeping.signal);
        } catch {
          continue;
        } finally {
          this.sleeping = undefined;
        }
        if (this.paused || this.stopped) continue;
        if (this.pacer.readyIn(this.queue[index].conversationId, clock.now()) > 0) continue;
      }
      const [item] = this.queue.splice(index, 1);
      this.pacer.commit(item.conversationId, clock.now());
      await this.deliver(item);
    }
  }

  private async deliver(item: Pending): Promise<void> {
    this.inFlight = item.id;
    try {
      await this.deliverOnce(item);
    } finally {
      this.inFlight = undefined;
      this.recent.add(item.id);
      if (this.recent.size > 256) this.recent.delete(this.recent.values().next().value as string);
    }
  }

  private async deliverOnce(item: Pending): Promise<void> {
    const { sendLog, sender, log, fence } = this.deps;
    const epoch = fence?.epoch ?? 0;
    // Fencing: a process whose lease ran out sends nothing more for the robot, even if it was
    // paused between these lines (checked again right before the puppet is called).
    if (fence && !fence.held()) return this.fenced(item);
    try {
      const claimed = await sendLog.claim(item.id, epoch);
      if (!claimed) {
        const current = await sendLog.get(item.id);
        if (current && current.status !== 'queued') this.settle(current);
        return;
      }
      let written: Awaited<ReturnType<SendLogService['finish']>>;
      try {
        if (fence && !fence.held()) throw new NotReadyError('the robot lease is no longer held here');
        const out = await sender.send(item.conversationId, item.content, item.mentionIds, item.kind);
        if (out.status === 'sent')
          written = await sendLog.finish(
            item.id,
            'sent',
            out.messageId ? { puppetMessageId: out.messageId } : {},
            epoch,
          );
        else written = await sendLog.finish(item.id, 'room_not_found', {}, epoch);
      } catch (err) {
        if (err instanceof NotReadyError) {
          await sendLog.requeue(item.id, epoch);
          this.queue.unshift(item);
          this.paused = true;
          this.emit('waiting', item.id);
          return;
        }
        log.warn({ err, sendId: item.id }, 'send failed');
        written = await sendLog.finish(item.id, 'failed', { error: (err as Error).message.slice(0, 500) }, epoch);
      }
      // The outcome as written, without reading it back; read only if someone else changed it meanwhile.
      const done = written ? { ...claimed, ...written } : await sendLog.get(item.id);
      if (done) this.settle(done);
    } catch (err) {
      // The database failed around the send: keep the item for the next attempt instead of losing it.
      log.error({ err, sendId: item.id }, 'send log unavailable; retrying in a few seconds');
      this.queue.unshift(item);
      await this.deps.clock.sleep(DB_RETRY_MS).catch(() => undefined);
    }
  }

  /**
   * The lease is not trusted now: the send waits (in the database too, for the robot's next
   * holder if the lease is lost, when this outbox is stopped) and is tried again after a while,
   * in case a late renewal restores the lease.
   */
  private async fenced(item: Pending): Promise<void> {
    this.queue.unshift(item);
    this.deps.log.warn({ sendId: item.id }, 'robot lease not held: sending waits');
    await this.deps.clock.sleep(FENCE_RETRY_MS).catch(() => undefined);
  }

  private settle(r: SendRecord): void {
    this.waiters.get(r.id)?.(r);
    this.waiters.delete(r.id);
    this.emit('settled', r);
  }
}
