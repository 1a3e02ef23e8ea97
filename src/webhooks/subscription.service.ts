import type { Db } from '../db/types';
import { findPage, type Page, type PageRequest } from '../db/pagination';
import { isRecordId } from '../bot/core/ids';
import type { EventType } from './events';
import { subscriptionModel, type SubscriptionDoc } from './subscription.model';
import { updateByIdThenRead } from '../db/ops';

/** A webhook subscription: where events of which types go, for which owner (none: every owner). */
export interface Subscription {
  id: string;
  owner?: string;
  url: string;
  events: EventType[];
  active: boolean;
  description?: string;
  secretVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A new subscription (active unless said otherwise). */
export type NewSubscription = Pick<Subscription, 'url' | 'events'> &
  Partial<Pick<Subscription, 'owner' | 'active' | 'description'>>;
/** A change of a subscription. */
export type SubscriptionPatch = Partial<Pick<Subscription, 'url' | 'events' | 'active' | 'description'>>;

function toView(d: SubscriptionDoc): Subscription {
  return {
    id: d._id.toString(),
    url: d.url,
    events: [...d.events] as EventType[],
    active: d.active,
    secretVersion: d.secretVersion,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    ...(d.owner ? { owner: d.owner } : {}),
    ...(d.description ? { description: d.description } : {}),
  };
}

/** Webhook subscriptions: who receives which event types at which URL. */
export class SubscriptionService {
  private readonly Sub;
  /** Bumped by every change made through this instance (lets callers cache lookups safely). */
  version = 0;
  constructor(conn: Db) {
    this.Sub = subscriptionModel(conn);
  }

  /** Stores a new subscription (event types deduplicated). */
  async create(s: NewSubscription): Promise<Subscription> {
    this.version++;
    const doc = await this.Sub.create({ ...s, events: [...new Set(s.events)], active: s.active ?? true });
    return toView(doc.toObject() as SubscriptionDoc);
  }

  /** The subscription, or null. */
  async get(id: string): Promise<Subscription | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Sub.findById(id).lean();
    return d ? toView(d as SubscriptionDoc) : null;
  }

  /** Owner undefined: every subscription (admin view). */
  page(filter: { owner?: string }, page: PageRequest): Promise<Page<Subscription>> {
    return findPage(this.Sub, filter.owner !== undefined ? { owner: filter.owner } : {}, page, (d) =>
      toView(d as SubscriptionDoc),
    );
  }

  /** Changes the subscription; null when it does not exist. */
  async update(id: string, patch: SubscriptionPatch): Promise<Subscription | null> {
    if (!isRecordId(id)) return null;
    const set = { ...patch, ...(patch.events ? { events: [...new Set(patch.events)] } : {}) };
    this.version++;
    const d = await updateByIdThenRead(this.Sub, { _id: id }, { $set: set });
    return d ? toView(d as SubscriptionDoc) : null;
  }

  /** Moves the subscription to its next secret (secrets are derived, never stored); null when it does not exist. */
  async rotate(id: string): Promise<Subscription | null> {
    if (!isRecordId(id)) return null;
    const d = await updateByIdThenRead(this.Sub, { _id: id }, { $inc: { secretVersion: 1 } });
    return d ? toView(d as SubscriptionDoc) : null;
  }

  /** Deletes the subscription; false when there was none. */
  async delete(id: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    this.version++;
    return (await this.Sub.deleteOne({ _id: id })).deletedCount === 1;
  }

  /** The active subscriptions an event of `owner` goes to: the owner's and the owner-less ones. */
  async targets(type: EventType, owner: string | undefined): Promise<Subscription[]> {
    const owners = owner !== undefined ? [{ owner }, { owner: { $exists: false } }] : [{ owner: { $exists: false } }];
    const docs = await this.Sub.find({ active: true, events: type, $or: owners }).lean();
    return docs.map((d) => toView(d as SubscriptionDoc));
  }

  /** True when any active subscription lists the type (cheap gate for per-message events). */
  async anyFor(type: EventType): Promise<boolean> {
    return (await this.Sub.exists({ active: true, events: type })) !== null;
  }
}
