/** Remembers when each key last fired; `take` says whether it may fire now, and marks it if so. */
export class Cooldowns {
  private readonly last = new Map<string, number>();
  constructor(private readonly max = 100_000) {}

  take(key: string, now: number, cooldownMs: number): boolean {
    const at = this.last.get(key);
    if (at !== undefined && now - at < cooldownMs) return false;
    this.last.delete(key);
    this.last.set(key, now);
    if (this.last.size > this.max) this.last.delete(this.last.keys().next().value as string);
    return true;
  }
}
