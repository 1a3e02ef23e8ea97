/**
 * A Map keyed by a pair of strings (robot id, puppet room id) that keeps at most `max` entries,
 * dropping the first inserted when full (replacing a value keeps its place). `get` does two
 * lookups with the strings as they are: no composite key is built, so the message path neither
 * allocates nor hashes a new string.
 */
export class PairMap<V> {
  private readonly byFirst = new Map<string, Map<string, Slot<V>>>();
  /** Every slot in insertion order, for eviction. */
  private readonly order = new Set<Slot<V>>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.order.size;
  }

  get(first: string, second: string): V | undefined {
    return this.byFirst.get(first)?.get(second)?.value;
  }

  set(first: string, second: string, value: V): void {
    let inner = this.byFirst.get(first);
    if (!inner) {
      inner = new Map();
      this.byFirst.set(first, inner);
    }
    const slot = inner.get(second);
    if (slot) {
      slot.value = value;
      return;
    }
    const added = { first, second, value };
    inner.set(second, added);
    this.order.add(added);
    if (this.order.size > this.max) {
      const oldest = this.order.values().next().value as Slot<V>;
      this.delete(oldest.first, oldest.second);
    }
  }

  delete(first: string, second: string): void {
    const inner = this.byFirst.get(first);
    const slot = inner?.get(second);
    if (!inner || !slot) return;
    inner.delete(second);
    this.order.delete(slot);
    if (inner.size === 0) this.byFirst.delete(first);
  }

  /** Drops every pair whose first string is `first`. */
  deleteFirst(first: string): void {
    const inner = this.byFirst.get(first);
    if (!inner) return;
    for (const slot of inner.values()) this.order.delete(slot);
    this.byFirst.delete(first);
  }
}

interface Slot<V> {
  readonly first: string;
  readonly second: string;
  value: V;
}
