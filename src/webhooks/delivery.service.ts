import { isRecordId } from '../bot/core/ids';
import { findPage, type Page, type PageRequest } from '../db/pagination';
import type { Db } from '../db/types';
import { deliveryModel, type DeliveryDoc, type DeliveryStatus } from './delivery.model';

/** One callback to one target: what, where, its attempts and its status. */
export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  /** The name of the registered format that renders it (formats.ts). */
  format: string;
  target: string;
  owner?: string;
  robotId?: string;
  url?: string;
  body?: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  deadline: Date;
  lastStatus?: number;
  lastError?: string;
  lastAttemptAt?: Date;
  deliveredAt?: Date;
  createdAt: Date;
}

/** A delivery as queued. */
export type NewDelivery = Pick<Delivery, 'eventId' | 'eventType' | 'format' | 'target'> &
  Partial<Pick<Delivery, 'owner' | 'robotId' | 'url' | 'body'>>;

function toView(d: DeliveryDoc): Delivery {
  const opt = <K extends string, V>(k: K, v: V | null | undefined) =>
    v === undefined || v === null ? {} : ({ [k]: v } as Record<K, V>);
  return {
    id: d._id.toString(),
    eventId: d.eventId,
    eventType: d.eventType,
    format: d.format,
    target: d.target,
    status: d.status as DeliveryStatus,
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt,
    deadline: d.deadline,
    createdAt: d.createdAt,
    ...opt('owner', d.owner),
    ...opt('robotId', d.robotId),
    ...opt('url', d.url),
    ...opt('body', d.body),
    ...opt('lastStatus', d.lastStatus),
    ...opt('lastError', d.lastError),
    ...opt('lastAttemptAt', d.lastAttemptAt),
    ...opt('deliveredAt', d.deliveredAt),
  };
}

/**
 * The persisted outbox. Every state change is one atomic single-document write guarded by the
 * current status and lease, so several worker processes can share one database safely.
 */
export class DeliveryService {
  private readonly D;
  constructor(conn: Db) {
    this.D = deliveryModel(conn);
  }

  /** Stores deliveries (queued, due now); an existing (event, target) pair is left as it is. */
  /** How many deliveries are in each status (the metrics' backlog). */
  async countByStatus(): Promise<Map<string, number>> {
    const rows = await this.D.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]);
    return new Map(rows.map((r) => [r._id, r.n]));
  }

  async enqueue(items: NewDelivery[], now: Date, maxAgeMs: number): Promise<number> {
    if (items.length === 0) return 0;
    const deadline = new Date(now.getTime() + maxAgeMs);
    const ops = items.map((i) => ({
      updateOne: {
        filter: { eventId: i.eventId, target: i.target },
        update: { $setOnInsert: { ...i, status: 'queued', attempts: 0, nextAttemptAt: now, deadline } },
        upsert: true,
      },
    }));
    const r = await this.D.bulkWrite(ops as Parameters<typeof this.D.bulkWrite>[0], { ordered: false });
    return r.upsertedCount;
  }

  /**
   * Claims one due delivery for `worker` until `leaseUntil`: a queued one whose time has come, or
   * a delivering one whose lease ran out (its worker died). Each is one findOneAndUpdate, so two
   * workers never get the same attempt. The attempt counter moves with the claim. Two queries
   * rather than one `$or`: SecantusDB (the embedded and test server) scans the whole collection
   * for the `$or` (400 ms at 20,000 deliveries, on every poll), while each branch uses its index.
   */
  async claim(worker: string, now: Date, leaseMs: number): Promise<Delivery | null> {
    const update = {
      $set: {
        status: 'delivering',
        leaseOwner: worker,
        leaseUntil: new Date(now.getTime() + leaseMs),
        lastAttemptAt: now,
      },
      $inc: { attempts: 1 },
    };
    const due = await this.D.findOneAndUpdate(
      { status: 'queued', nextAttemptAt: { $lte: now }, deadline: { $gt: now } },
      update,
      { sort: { nextAttemptAt: 1 }, returnDocument: 'after' },
    ).lean();
    const d =
      due ??
      (await this.D.findOneAndUpdate(
        { status: 'delivering', leaseUntil: { $lte: now }, deadline: { $gt: now } },
        update,
        { sort: { leaseUntil: 1 }, returnDocument: 'after' },
      ).lean());
    return d ? toView(d as DeliveryDoc) : null;
  }

  /** Records success, if `worker` still holds the lease. */
  async delivered(id: string, worker: string, now: Date, status: number): Promise<boolean> {
    const r = await this.D.updateOne(
      { _id: id, status: 'delivering', leaseOwner: worker },
      {
        $set: { status: 'delivered', deliveredAt: now, lastStatus: status },
        $unset: { leaseOwner: 1, leaseUntil: 1, lastError: 1 },
      },
    );
    return r.modifiedCount === 1;
  }

  /** Records a failed attempt: queued again at `retryAt`, or dead. */
  async failed(
    id: string,
    worker: string,
    outcome: { retryAt?: Date; status?: number; error: string },
  ): Promise<boolean> {
    const set = {
      status: outcome.retryAt ? 'queued' : 'dead',
      lastError: outcome.error.slice(0, 500),
      ...(outcome.retryAt ? { nextAttemptAt: outcome.retryAt } : {}),
      ...(outcome.status !== undefined ? { lastStatus: outcome.status } : {}),
    };
    const r = await this.D.updateOne(
      { _id: id, status: 'delivering', leaseOwner: worker },
      { $set: set, $unset: { leaseOwner: 1, leaseUntil: 1 } },
    );
    return r.modifiedCount === 1;
  }

  /** Gives a claimed delivery back without counting the attempt (a worker stopping before it sent). */
  async release(id: string, worker: string): Promise<void> {
    await this.D.updateOne(
      { _id: id, status: 'delivering', leaseOwner: worker },
      { $set: { status: 'queued' }, $inc: { attempts: -1 }, $unset: { leaseOwner: 1, leaseUntil: 1 } },
    );
  }

  /** Marks every delivery past its deadline (and not being sent) dead; returns how many. */
  async expire(now: Date): Promise<number> {
    // Two updates rather than one `$or` (see claim).
    const dead = { $set: { status: 'dead', lastError: 'deadline passed' }, $unset: { leaseOwner: 1, leaseUntil: 1 } };
    const queued = await this.D.updateMany({ status: 'queued', deadline: { $lte: now } }, dead);
    const abandoned = await this.D.updateMany(
      { status: 'delivering', leaseUntil: { $lte: now }, deadline: { $lte: now } },
      dead,
    );
    return queued.modifiedCount + abandoned.modifiedCount;
  }

  /**
   * A dead delivery queued again from now, with a fresh deadline and attempt count; answered as
   * it was just after this change (one findOneAndUpdate: a worker may claim it at once, and an
   * update-then-read would report the worker's state instead). Operators retry rarely, so the
   * slower findAndModify on the test server does not matter here.
   */
  async retry(id: string, now: Date, maxAgeMs: number): Promise<Delivery | null> {
    if (!isRecordId(id)) return null;
    const d = await this.D.findOneAndUpdate(
      { _id: id, status: 'dead' },
      {
        $set: { status: 'queued', attempts: 0, nextAttemptAt: now, deadline: new Date(now.getTime() + maxAgeMs) },
        $unset: { lastError: 1 },
      },
      { returnDocument: 'after' },
    ).lean();
    return d ? toView(d as DeliveryDoc) : null;
  }

  /** The delivery, or null. */
  async get(id: string): Promise<Delivery | null> {
    if (!isRecordId(id)) return null;
    const d = await this.D.findById(id).lean();
    return d ? toView(d as DeliveryDoc) : null;
  }

  /** `owner` undefined: every owner's (admin view). */
  page(
    filter: { owner?: string; status?: DeliveryStatus; target?: string; eventId?: string },
    page: PageRequest,
  ): Promise<Page<Delivery>> {
    const q: Record<string, unknown> = {};
    for (const k of ['owner', 'status', 'target', 'eventId'] as const) if (filter[k] !== undefined) q[k] = filter[k];
    return findPage(this.D, q, page, (d) => toView(d as DeliveryDoc));
  }

  /** Soonest time a queued delivery falls due (lets the worker sleep exactly that long). */
  async nextDue(): Promise<Date | null> {
    const d = await this.D.findOne({ status: 'queued' }).sort({ nextAttemptAt: 1 }).select({ nextAttemptAt: 1 }).lean();
    return d ? (d.nextAttemptAt as Date) : null;
  }
}
