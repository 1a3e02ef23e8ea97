/**
 * Remembers ids for `ttlMs`, at most about `max` of them (oldest forgotten first). `seen(id)` is
 * true when the id was already recorded and still remembered; otherwise it records it.
 *
 * Two generations of Maps instead of deleting entries one by one: a Map that loses entries at
 * its front leaves holes that later operations pay for, and this runs for every message. Each
 * generation stores times as milliseconds since it began: small integers live inside the Map,
 * where epoch milliseconds (beyond 2^31) would each be a separate heap number for the garbage
 * collector to copy.
 */
export class DedupeCache {
  private current: Generation = { since: 0, at: new Map() };
  private previous: Generation = { since: 0, at: new Map() };

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.current.since = this.previous.since = now();
  }

  /** `t` is the time now, for a caller that already read the clock. */
  seen(id: string, t: number = this.now()): boolean {
    const at = recorded(this.current, id) ?? recorded(this.previous, id);
    if (at !== undefined && t - at < this.ttlMs) return true;
    if (this.current.at.size >= Math.max(1, Math.ceil(this.max / 2))) {
      this.previous = this.current;
      this.current = { since: t, at: new Map() };
    }
    this.current.at.set(id, t - this.current.since);
    return false;
  }

  /** Ids remembered now (between max/2 and max once warm). */
  get size(): number {
    return this.current.at.size + this.previous.at.size;
  }
}

interface Generation {
  /** When the generation began; its Map holds times relative to this. */
  since: number;
  at: Map<string, number>;
}

function recorded(g: Generation, id: string): number | undefined {
  const offset = g.at.get(id);
  return offset === undefined ? undefined : g.since + offset;
}
