import { createHash, randomBytes } from 'node:crypto';
import { isRecordId } from '../bot/core/ids';
import { newObjectId } from '../db/object-id';
import type { Db, Model } from '../db/types';
import { sessionModel, type SessionDoc } from './session.model';

/** How long sessions live: from sign-in, and since their last use. */
export interface SessionPolicy {
  ttlMs: number;
  idleMs: number;
}

/** A session as its operator sees it in their list: never the token. */
export interface SessionView {
  id: string;
  operatorId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  address?: string;
  userAgent?: string;
}

const TOKEN_PREFIX = 'qs_';
/** lastSeenAt is written at most this often per session (every request would be a write). */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** True for strings shaped like a session token (so API keys are not looked up here). */
export const isSessionToken = (token: string): boolean => token.startsWith(TOKEN_PREFIX) && token.length < 100;

/**
 * The CSRF token of a session: derived from the session token (which the page cannot read: it is
 * in an HttpOnly cookie), so nothing more is stored and another site cannot compute it.
 */
export const csrfTokenOf = (token: string): string =>
  createHash('sha256').update(`csrf\n${token}`, 'utf8').digest('base64url').slice(0, 32);

function toView(d: SessionDoc): SessionView {
  return {
    id: d._id.toString(),
    operatorId: d.operatorId.toString(),
    createdAt: d.createdAt,
    lastSeenAt: d.lastSeenAt,
    expiresAt: d.expiresAt,
    ...(d.address ? { address: d.address } : {}),
    ...(d.userAgent ? { userAgent: d.userAgent } : {}),
  };
}

/**
 * Operator sessions: a random token (`qs_` + 256 bits) given once at sign-in and stored as its
 * SHA-256; valid until its absolute end (`ttlMs`) and while used within `idleMs`; revocable.
 */
export class SessionService {
  private readonly Session: Model<SessionDoc>;

  constructor(
    conn: Db,
    private readonly policy: SessionPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.Session = sessionModel(conn);
  }

  /**
   * Opens a session. `tokenOf` derives the token from the session id instead of a random one (seed
   * 004 signs requests with md5(timestamp + token), so qunbot must be able to compute the token
   * again; deriving it with a secret key means it is still never stored).
   */
  async create(
    operatorId: string,
    meta: { address?: string; userAgent?: string },
    tokenOf?: (sessionId: string) => string,
  ): Promise<{ token: string; session: SessionView }> {
    const _id = newObjectId();
    const token = tokenOf ? tokenOf(_id.toString()) : TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const at = new Date(this.now());
    const d = await this.Session.create({
      _id,
      tokenHash: sha256(token),
      operatorId,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(at.getTime() + this.policy.ttlMs),
      ...(meta.address ? { address: meta.address } : {}),
      ...(meta.userAgent ? { userAgent: meta.userAgent.slice(0, 200) } : {}),
    });
    return { token, session: toView(d.toObject()) };
  }

  /** The live session of a token (not revoked, not past its end, used within the idle time), else null. */
  async verify(token: string): Promise<SessionView | null> {
    if (!isSessionToken(token)) return null;
    const now = this.now();
    const d = await this.Session.findOne({ tokenHash: sha256(token), revokedAt: { $exists: false } }).lean();
    if (!d || d.expiresAt.getTime() <= now || now - d.lastSeenAt.getTime() > this.policy.idleMs) return null;
    if (now - d.lastSeenAt.getTime() > TOUCH_EVERY_MS)
      await this.Session.updateOne({ _id: d._id }, { $set: { lastSeenAt: new Date(now) } });
    return toView(d);
  }

  /**
   * The live session with this id (no token check: the caller has proved the token another way),
   * else null. `touch` false: only looks (a long-lived stream checking its session is no use).
   */
  async live(id: string, touch = true): Promise<SessionView | null> {
    if (!isRecordId(id)) return null;
    const now = this.now();
    const d = await this.Session.findOne({ _id: id, revokedAt: { $exists: false } }).lean();
    if (!d || d.expiresAt.getTime() <= now || now - d.lastSeenAt.getTime() > this.policy.idleMs) return null;
    if (touch && now - d.lastSeenAt.getTime() > TOUCH_EVERY_MS)
      await this.Session.updateOne({ _id: d._id }, { $set: { lastSeenAt: new Date(now) } });
    return toView(d);
  }

  /** The operator's live sessions, newest first. */
  async list(operatorId: string): Promise<SessionView[]> {
    const now = new Date(this.now());
    const docs = await this.Session.find({ operatorId, revokedAt: { $exists: false }, expiresAt: { $gt: now } })
      .sort({ _id: -1 })
      .limit(100)
      .lean();
    return docs.filter((d) => now.getTime() - d.lastSeenAt.getTime() <= this.policy.idleMs).map(toView);
  }

  /** Revokes one session of the operator; false when there is no such live session. */
  async revoke(id: string, operatorId: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const r = await this.Session.updateOne(
      { _id: id, operatorId, revokedAt: { $exists: false } },
      { $set: { revokedAt: new Date(this.now()) } },
    );
    return r.modifiedCount > 0;
  }

  /**
   * Revokes every session of the operator (disabled, deleted, password reset), or every one but
   * `keep` (the operator changed their own password in that session); how many.
   */
  async revokeAll(operatorId: string, keep?: string): Promise<number> {
    const r = await this.Session.updateMany(
      { operatorId, revokedAt: { $exists: false }, ...(keep && isRecordId(keep) ? { _id: { $ne: keep } } : {}) },
      { $set: { revokedAt: new Date(this.now()) } },
    );
    return r.modifiedCount;
  }
}
