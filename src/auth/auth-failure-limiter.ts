import { createHash } from 'node:crypto';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db, Model } from '../db/types';
import type { Logger } from '../logger';
import { CauseThrottle } from '../lib/error-causes';
import { authFailureModel, type AuthFailureDoc } from './auth-failure.model';

/** How many failed authentications are allowed before a client is refused for a while. */
export interface AuthFailurePolicy {
  /** Failures from one client address within `windowSec`; the last of them starts a block, so the next attempt is refused. */
  perAddress: number;
  /** Failures with one credential prefix within `windowSec`, from any address (then as above). */
  perCredential: number;
  windowSec: number;
  /** How long an address or a credential prefix is refused once over its limit. */
  blockSec: number;
}

/** The door a credential was presented at (the native API or a seed dialect); part of the log. */
export type AuthDoor = 'native' | 'operator' | 'seed000' | 'seed001' | 'seed002' | 'seed003' | 'seed004';

/** What one authentication attempt presents. */
export interface AuthAttempt {
  door: AuthDoor;
  /** The client's address as the socket (or a trusted proxy) gives it. */
  address: string;
  /** The presented credential (API key, platform key, token, channel id); undefined: none sent. */
  credential: string | undefined;
}

/** A client over its failure limit: refuse it (429) and tell it when to come back. */
export class TooManyAuthFailures extends Error {
  override name = 'TooManyAuthFailures';
  constructor(
    /** Seconds until the block ends (the Retry-After header). */
    readonly retryAfterSec: number,
    readonly scope: 'address' | 'credential',
  ) {
    super(`too many failed authentications from this ${scope === 'address' ? 'address' : 'credential'}`);
  }
}

/**
 * How long a counter read is reused in this process. Every authenticated request checks its
 * address's counter before its key is verified; reusing a read keeps a database round-trip off
 * almost every request, at the cost of another process's new block being seen up to this late.
 * This process's own failures update the reused value at once.
 */
const READ_REUSE_MS = 1000;
/** Counter reads kept for reuse at most (the oldest dropped first). */
const READ_REUSE_MAX = 10_000;

/** A counter as last seen: failures counted and when its window or block ends. */
interface SeenCounter {
  consumed: number;
  endsAt: number;
  seenAt: number;
}

/** Characters of a credential that name its counter (hashed before it is stored). */
const PREFIX_LENGTH = 12;

/** The stored key of a credential's counter: a hash of the door and the credential's prefix, never the prefix itself. */
export function credentialKey(door: AuthDoor, credential: string): string {
  return createHash('sha256')
    .update(`${door}\n${credential.slice(0, PREFIX_LENGTH)}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * Failed-authentication limiter shared by the native API and the seed dialects: counts wrong
 * credentials per client address and per credential prefix in MongoDB (rate-limiter-flexible's
 * Mongo store, so every process on the database sees the same counts), and refuses a client
 * over its limit before its credential is even checked. A missing credential is not counted
 * (it cannot guess anything). When the database cannot be reached the limiter lets requests
 * through: authentication itself still decides. Failures are logged at a bounded rate: the first
 * of a window per address, and each block.
 */
export class AuthFailureLimiter {
  private readonly Failure: Model<AuthFailureDoc>;
  private readonly byAddress: RateLimiterMongo;
  private readonly byCredential: RateLimiterMongo;
  private readonly logged = new CauseThrottle(60_000, 1000);
  private ready: Promise<unknown> | undefined;
  private readonly seen = new Map<string, SeenCounter>();

  constructor(
    db: Db,
    private readonly policy: AuthFailurePolicy,
    private readonly log: Logger,
  ) {
    this.Failure = authFailureModel(db);
    const common = {
      storeClient: db,
      tableName: this.Failure.collection.collectionName,
      // The model creates the indexes (unique key, TTL on expire); the library's own would race it.
      disableIndexesCreation: true,
      duration: policy.windowSec,
      blockDuration: policy.blockSec,
    };
    // The library blocks once a count goes over `points`: one less than the failures allowed, so
    // that the last allowed failure starts the block and the next attempt is refused.
    this.byAddress = new RateLimiterMongo({ ...common, keyPrefix: 'addr', points: policy.perAddress - 1 });
    this.byCredential = new RateLimiterMongo({ ...common, keyPrefix: 'cred', points: policy.perCredential - 1 });
  }

  /**
   * Runs `verify` for an attempt: refuses it first (TooManyAuthFailures) when its address or
   * credential prefix is over the limit; counts it when a credential was sent and `verify`
   * found it wrong (null).
   */
  async guard<T>(attempt: AuthAttempt, verify: () => Promise<T | null> | T | null): Promise<T | null> {
    await this.check(attempt);
    const result = await verify();
    if (result === null && attempt.credential) await this.failed(attempt);
    return result;
  }

  /** Throws TooManyAuthFailures when the attempt's address or credential prefix is blocked. */
  async check(attempt: AuthAttempt): Promise<void> {
    await this.init();
    const [address, credential] = await Promise.all([
      this.read(this.byAddress, attempt.address),
      attempt.credential ? this.read(this.byCredential, credentialKey(attempt.door, attempt.credential)) : null,
    ]);
    const now = Date.now();
    if (address.consumed >= this.policy.perAddress && address.endsAt > now)
      throw new TooManyAuthFailures(secondsUntil(address.endsAt, now), 'address');
    if (credential && credential.consumed >= this.policy.perCredential && credential.endsAt > now)
      throw new TooManyAuthFailures(secondsUntil(credential.endsAt, now), 'credential');
  }

  private readonly failureListeners: ((door: AuthDoor) => void)[] = [];

  /** Calls `fn` with the door of every failed attempt (the metrics count them). */
  onFailure(fn: (door: AuthDoor) => void): void {
    this.failureListeners.push(fn);
  }

  /** Counts one failed attempt for its address and its credential prefix. */
  async failed(attempt: AuthAttempt): Promise<void> {
    for (const fn of this.failureListeners) fn(attempt.door);
    await this.init();
    const counts = [this.count(this.byAddress, attempt.address, attempt, 'address')];
    if (attempt.credential)
      counts.push(
        this.count(this.byCredential, credentialKey(attempt.door, attempt.credential), attempt, 'credential'),
      );
    await Promise.all(counts);
  }

  private async count(
    limiter: RateLimiterMongo,
    key: string,
    attempt: AuthAttempt,
    scope: 'address' | 'credential',
  ): Promise<void> {
    try {
      const res = await limiter.consume(key);
      this.remember(limiter, key, res);
      if (scope === 'address' && this.logged.shouldWarn(`failed ${attempt.address}`, Date.now()))
        this.log.info(
          { door: attempt.door, address: attempt.address, failures: res.consumedPoints },
          'authentication failed (further failures from this address are counted, not logged, for a minute)',
        );
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        this.storeError(err);
        return;
      }
      this.remember(limiter, key, err);
      // Rejected: over the limit. The first rejection is the one that set the block.
      if (this.logged.shouldWarn(`blocked ${scope} ${key}`, Date.now()))
        this.log.warn(
          {
            door: attempt.door,
            ...(scope === 'address' ? { address: attempt.address } : {}),
            blockSec: retryAfter(err),
          },
          `too many failed authentications: ${scope === 'address' ? 'address' : 'credential prefix'} refused for a while`,
        );
    }
  }

  /** The counter, as read within READ_REUSE_MS (here or by this process's own counting), else from the database. */
  private async read(limiter: RateLimiterMongo, key: string): Promise<SeenCounter> {
    const known = this.seen.get(`${limiter.keyPrefix}:${key}`);
    if (known && Date.now() - known.seenAt < READ_REUSE_MS) return known;
    try {
      return this.remember(limiter, key, await limiter.get(key));
    } catch (err) {
      this.storeError(err);
      return { consumed: 0, endsAt: 0, seenAt: 0 };
    }
  }

  /** Keeps a counter as just seen (none: no failures counted). */
  private remember(limiter: RateLimiterMongo, key: string, res: RateLimiterRes | null): SeenCounter {
    const now = Date.now();
    const seen = res
      ? { consumed: res.consumedPoints, endsAt: now + res.msBeforeNext, seenAt: now }
      : { consumed: 0, endsAt: 0, seenAt: now };
    const id = `${limiter.keyPrefix}:${key}`;
    this.seen.delete(id);
    this.seen.set(id, seen);
    if (this.seen.size > READ_REUSE_MAX) this.seen.delete(this.seen.keys().next().value as string);
    return seen;
  }

  private storeError(err: unknown): void {
    if (this.logged.shouldWarn('store error', Date.now()))
      this.log.warn({ err }, 'failed-authentication counters unavailable; requests are not limited meanwhile');
  }

  /** The unique index must exist before the first count, or two first failures could make two documents. */
  private init(): Promise<unknown> {
    this.ready ??= this.Failure.init().catch((err: unknown) => {
      this.ready = undefined;
      this.storeError(err);
    });
    return this.ready;
  }
}

/** Whole seconds until the counter's block or window ends (at least 1). */
function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

function secondsUntil(endsAt: number, now: number): number {
  return Math.max(1, Math.ceil((endsAt - now) / 1000));
}
