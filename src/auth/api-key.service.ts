import { createHash, randomBytes } from 'node:crypto';
import type { Db, Model } from '../db/types';
import { isRecordId } from '../bot/core/ids';
import { apiKeyModel, type ApiKeyDoc } from './api-key.model';
import { isDuplicateKey } from '../db/errors';
import { updateByIdThenRead } from '../db/ops';
import type { Principal } from '../http/principal';

/** An API key as listed: name, owner, prefix and dates; never the key. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  owner?: string;
  admin: boolean;
  revoked: boolean;
  createdAt: Date;
  lastUsedAt?: Date;
}

const KEY_PREFIX = 'qb_';
const CACHE_MS = 30_000;

/** The SHA-256 of an API key, as stored (keys are random and long, so a fast hash is enough). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random key: `qb_` and 43 base64url characters (256 bits). */
export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

function toView(d: ApiKeyDoc): ApiKeyView {
  return {
    id: d._id.toString(),
    name: d.name,
    prefix: d.prefix,
    admin: !d.owner,
    revoked: !!d.revokedAt,
    createdAt: d.createdAt,
    ...(d.owner ? { owner: d.owner } : {}),
    ...(d.lastUsedAt ? { lastUsedAt: d.lastUsedAt } : {}),
  };
}

/**
 * API keys: random, shown once at creation, stored only as a SHA-256 hash. Verification is
 * cached for a few seconds per process (a revoke in this process takes effect at once; in
 * another process within CACHE_MS).
 */
export class ApiKeyService {
  private readonly model: Model<ApiKeyDoc>;
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(
    conn: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.model = apiKeyModel(conn);
  }

  /** Creates a key; the returned `key` is the only time it exists in clear. */
  async create(input: { name: string; owner?: string }): Promise<ApiKeyView & { key: string }> {
    const key = generateKey();
    const doc = await this.model.create({
      name: input.name,
      hash: hashKey(key),
      prefix: key.slice(0, 10),
      ...(input.owner ? { owner: input.owner } : {}),
    });
    return { ...toView(doc.toObject()), key };
  }

  /**
   * First start: makes sure an admin key exists. With `fromEnv` that key is registered (hashed)
   * and nothing is returned; otherwise, if no bootstrap key exists yet, one is made and returned
   * (once: a second process racing here finds the unique index taken and returns nothing).
   */
  async bootstrap(fromEnv?: string): Promise<string | undefined> {
    if (fromEnv) {
      await this.model.updateOne(
        { hash: hashKey(fromEnv) },
        {
          $setOnInsert: { name: 'admin (QUNBOT_ADMIN_KEY)', prefix: fromEnv.slice(0, 10) },
          $unset: { revokedAt: 1, owner: 1 },
        },
        { upsert: true },
      );
      return undefined;
    }
    if (await this.model.exists({ bootstrap: true })) return undefined;
    const key = generateKey();
    try {
      await this.model.create({
        name: 'admin (first start)',
        hash: hashKey(key),
        prefix: key.slice(0, 10),
        bootstrap: true,
      });
      return key;
    } catch (err) {
      if (isDuplicateKey(err)) return undefined;
      throw err;
    }
  }

  /** The principal for a presented key, or null when unknown or revoked. */
  async verify(key: string): Promise<Principal | null> {
    if (typeof key !== 'string' || key.length < 10 || key.length > 200) return null;
    const hash = hashKey(key);
    const hit = this.cache.get(hash);
    const now = this.now();
    if (hit && hit.until > now) return hit.principal;
    const doc = await this.model
      .findOneAndUpdate(
        { hash, revokedAt: { $exists: false } },
        { $set: { lastUsedAt: new Date(now) } },
        { returnDocument: 'after' },
      )
      .lean<ApiKeyDoc>();
    const principal: Principal | null = doc
      ? { keyId: doc._id.toString(), admin: !doc.owner, ...(doc.owner ? { owner: doc.owner } : {}) }
      : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    return principal;
  }

  /** The API keys (of one owner, when given), oldest first; never the key itself. */
  async list(filter: { owner?: string } = {}): Promise<ApiKeyView[]> {
    const docs = await this.model
      .find(filter.owner ? { owner: filter.owner } : {})
      .sort({ _id: 1 })
      .lean<ApiKeyDoc[]>();
    return docs.map(toView);
  }

  /** The API key record, or null; never the key itself. */
  async get(id: string): Promise<ApiKeyView | null> {
    if (!isRecordId(id)) return null;
    const d = await this.model.findById(id).lean<ApiKeyDoc>();
    return d ? toView(d) : null;
  }

  /** Revokes a key; true when it existed and was active. */
  async revoke(id: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const d = await updateByIdThenRead(
      this.model,
      { _id: id, revokedAt: { $exists: false } },
      { $set: { revokedAt: new Date(this.now()) } },
    );
    if (d) this.cache.delete(d.hash);
    return !!d;
  }
}
