/**
 * Remembers ids for `ttlMs`, at most `max` of them (oldest forgotten first). `seen(id)` is true
 * when the id was already recorded and still remembered; otherwise it records it.
 */
export class DedupeCache {
  private readonly ids = new Map<string, number>();
  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  seen(id: string): boolean {
    const t = this.now();
    const at = this.ids.get(id);
    if (at !== undefined && t - at < this.ttlMs) return true;
    if (at !== undefined) this.ids.delete(id);
    this.ids.set(id, t);
    this.evict(t);
    return false;
  }

  get size(): number {
    return this.ids.size;
  }

  private evict(t: number): void {
    // Map keeps insertion order, so the oldest entries come first.
    for (const [id, at] of this.ids) {
      if (this.ids.size <= this.max && t - at < this.ttlMs) break;
      this.ids.delete(id);
    }
  }
}
