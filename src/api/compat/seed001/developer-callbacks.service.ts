import { LRUCache } from 'lru-cache';
import type { RobotService } from '../../../bot/robot.service';
import type { Db, Model } from '../../../db/types';
import { developerCallbackModel, type DeveloperCallbackDoc } from './developer-callback.model';

/** One developer's callback: where their robots' group messages are POSTed, and the token sent with them. */
export interface DeveloperCallback {
  owner: string;
  url: string;
  /** The `token` field of every callback to this developer (derived from the webhook master key; never stored). */
  token: string;
  updatedAt: Date;
}

/** Where one robot's messages are called back: its owner's callback, else the configured default. */
export interface CallbackTarget {
  url: string;
  /** Set for an owner's own callback (its deliveries are listed to that owner); absent for the default. */
  owner?: string;
}

export interface DeveloperCallbackDeps {
  robots: Pick<RobotService, 'get'>;
  /** The global callback (SEED001_CALLBACK_URL) for owners without their own. */
  defaultUrl?: string | undefined;
  /** The token of an owner's callbacks. */
  tokenFor(owner: string): string;
  /** How long this process reuses a looked-up URL (default 5 s; a change made here is seen at once). */
  cacheMs?: number;
}

/**
 * Seed 001 developer callbacks, one per developer. A developer is an owner of qunbot robots (the
 * owner of the API key used as the seed's `token`), so the callback URL is stored per owner and set
 * through the native API (the seed has no request carrying it). Messages of robots whose owner has
 * none go to the configured default, if any.
 */
export class DeveloperCallbacks {
  private readonly Callback: Model<DeveloperCallbackDoc>;
  private readonly urls: LRUCache<string, { url: string | null }>;
  private readonly owners = new LRUCache<string, { owner: string | null }>({ max: 10_000, ttl: 60_000 });

  constructor(
    conn: Db,
    private readonly deps: DeveloperCallbackDeps,
  ) {
    this.Callback = developerCallbackModel(conn);
    this.urls = new LRUCache({ max: 10_000, ttl: deps.cacheMs ?? 5_000 });
  }

  /** The owner's callback, or null when they have none. */
  async get(owner: string): Promise<DeveloperCallback | null> {
    const doc = await this.Callback.findOne({ owner }).lean();
    return doc && this.view(doc);
  }

  /** Sets (or replaces) the owner's callback URL; the caller has checked the URL. */
  async set(owner: string, url: string): Promise<DeveloperCallback> {
    const doc = await this.Callback.findOneAndUpdate(
      { owner },
      { $set: { url } },
      { upsert: true, returnDocument: 'after', runValidators: true },
    ).lean();
    this.urls.set(owner, { url });
    return this.view(doc!);
  }

  /** Removes the owner's callback (their robots fall back to the default); false when there was none. */
  async remove(owner: string): Promise<boolean> {
    const r = await this.Callback.deleteOne({ owner });
    this.urls.set(owner, { url: null });
    return r.deletedCount > 0;
  }

  /** Where a message of the robot is called back, or null (no callback of its owner and no default). */
  async targetFor(robotId: string): Promise<CallbackTarget | null> {
    const owner = await this.ownerOf(robotId);
    const url = owner === null ? null : await this.urlOf(owner);
    if (owner !== null && url) return { url, owner };
    return this.deps.defaultUrl ? { url: this.deps.defaultUrl } : null;
  }

  private async ownerOf(robotId: string): Promise<string | null> {
    const hit = this.owners.get(robotId);
    if (hit) return hit.owner;
    const owner = (await this.deps.robots.get(robotId))?.owner ?? null;
    this.owners.set(robotId, { owner });
    return owner;
  }

  private async urlOf(owner: string): Promise<string | null> {
    const hit = this.urls.get(owner);
    if (hit) return hit.url;
    const url = (await this.Callback.findOne({ owner }, { url: 1 }).lean())?.url ?? null;
    this.urls.set(owner, { url });
    return url;
  }

  private view(doc: DeveloperCallbackDoc): DeveloperCallback {
    return { owner: doc.owner, url: doc.url, token: this.deps.tokenFor(doc.owner), updatedAt: doc.updatedAt };
  }
}
