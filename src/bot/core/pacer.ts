export interface PacingPolicy {
  /** Sustained sends per second per robot (token refill rate). */
  ratePerSec: number;
  /** Sends allowed back to back before the rate applies. */
  burst: number;
  /** Minimum time between two sends to the same conversation. */
  roomGapMs: number;
  /** Up to this much random extra delay before each send. */
  jitterMs: number;
}

/**
 * Decides when the next send may go: a token bucket per robot, a minimum gap per conversation,
 * plus jitter. Pure: time and randomness come in as arguments.
 */
export class Pacer {
  private tokens: number;
  private updatedAt: number | undefined;
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly policy: PacingPolicy) {
    this.tokens = policy.burst;
  }

  private refill(now: number): void {
    if (this.updatedAt !== undefined) {
      this.tokens = Math.min(this.policy.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.policy.ratePerSec);
    }
    this.updatedAt = now;
  }

  /** Milliseconds until `conversation` may be sent to, without jitter (0 = now). */
  readyIn(conversation: string, now: number): number {
    this.refill(now);
    const robotWait = this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.policy.ratePerSec) * 1000;
    const last = this.lastSent.get(conversation);
    const roomWait = last === undefined ? 0 : Math.max(0, last + this.policy.roomGapMs - now);
    return Math.ceil(Math.max(robotWait, roomWait));
  }

  /** The wait before sending to `conversation`, jitter included. */
  delayFor(conversation: string, now: number, random: () => number = Math.random): number {
    return this.readyIn(conversation, now) + Math.round(this.policy.jitterMs * random());
  }

  /** Records a send at `now`: takes a token and starts the conversation's gap. */
  commit(conversation: string, now: number): void {
    this.refill(now);
    this.tokens = Math.max(0, this.tokens - 1);
    this.lastSent.set(conversation, now);
    if (this.lastSent.size > 10_000) {
      for (const [k, t] of this.lastSent) if (now - t > this.policy.roomGapMs) this.lastSent.delete(k);
    }
  }
}
