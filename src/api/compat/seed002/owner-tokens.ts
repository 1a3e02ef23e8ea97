import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

/** What a valid access token says. */
export interface TokenClaims {
  userId: string;
  /** Issued at, in milliseconds (tokens issued before an owner's sign-out are refused by the caller). */
  issuedAtMs: number;
}

const ISSUER = 'qunbot-seed002';

/**
 * Seed 002 access tokens (POST /auth): HS256 JWTs with the owner's `user_id`, signed with a key
 * derived from the webhook master key (the same in every process, never stored), valid `ttlSec`.
 * Revocation is the caller's: an owner signed out or blocked after `issuedAt`.
 */
export class OwnerTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSec: number,
    private readonly now: () => number,
  ) {
    this.key = createHash('sha256').update(secret).digest();
  }

  async issue(userId: string): Promise<string> {
    const nowMs = this.now();
    const iat = Math.floor(nowMs / 1000);
    // iat_ms: the moment to the millisecond, so a sign-out and a new token in one second are told apart.
    return new SignJWT({ user_id: userId, iat_ms: nowMs })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSec)
      .sign(this.key);
  }

  /** The claims of a valid token; null for a malformed, forged or expired one. */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      });
      if (typeof payload.user_id !== 'string' || typeof payload.iat_ms !== 'number') return null;
      return { userId: payload.user_id, issuedAtMs: payload.iat_ms };
    } catch (err) {
      if (err instanceof errors.JOSEError || err instanceof TypeError) return null;
      throw err;
    }
  }
}
