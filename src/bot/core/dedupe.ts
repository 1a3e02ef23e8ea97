/**
 * Remembers ids for `ttlMs`, at most about `max` of them (oldest forgotten first). `seen(id)` is
 * true when the id was already recorded and still remembered; otherwise it records it.
 *
 * Two generations of Maps instead of deleting entries one by one: a Map that loses entries at
 * its front leaves holes that later operations pay for, and this runs for every message.
 */
export class DedupeCache {
  private current = new Map<string, number>();
  private previous = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  seen(id: string): boolean {
    const t = this.now();
    const at = this.current.get(id) ?? this.previous.get(id);
    if (at !== undefined && t - at < this.ttlMs) return true;
    if (this.current.size >= Math.max(1, Math.ceil(this.max / 2))) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(id, t);
    return false;
  }

  /** Ids remembered now (between max/2 and max once warm). */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
