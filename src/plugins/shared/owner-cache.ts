/**
 * Something derived from an owner's rules (compiled matchers, enabled rules), loaded once and
 * shared by concurrent callers, dropped when the owner's rules change (the service's `changed`
 * event) or when loading failed. `peek` answers synchronously once loaded, so the message path
 * does not pay an await for every message.
 */
export class PerOwner<T> {
  private readonly loaded = new Map<string, T>();
  private readonly loading = new Map<string, Promise<T>>();

  constructor(
    private readonly load: (owner: string) => Promise<T>,
    changes: { on(event: 'changed', listener: (owner: string) => void): unknown },
  ) {
    changes.on('changed', (owner) => {
      this.loaded.delete(owner);
      this.loading.delete(owner);
    });
  }

  peek(owner: string): T | undefined {
    return this.loaded.get(owner);
  }

  get(owner: string): Promise<T> {
    const hit = this.loaded.get(owner);
    if (hit !== undefined) return Promise.resolve(hit);
    let p = this.loading.get(owner);
    if (!p) {
      const started = this.load(owner);
      p = started.then(
        (value) => {
          // Keep it only if no change arrived while loading.
          if (this.loading.get(owner) === started) this.loaded.set(owner, value);
          this.loading.delete(owner);
          return value;
        },
        (err: unknown) => {
          this.loading.delete(owner);
          throw err;
        },
      );
      this.loading.set(owner, started);
    }
    return p;
  }
}
