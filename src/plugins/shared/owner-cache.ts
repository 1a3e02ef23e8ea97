/**
 * Something derived from an owner's rules (compiled matchers, enabled rules), loaded once and
 * shared by concurrent callers, dropped when the owner's rules change (the service's `changed`
 * event) or when loading failed.
 */
export function perOwner<T>(
  load: (owner: string) => Promise<T>,
  changes: { on(event: 'changed', listener: (owner: string) => void): unknown },
): (owner: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  changes.on('changed', (owner) => cache.delete(owner));
  return (owner) => {
    let p = cache.get(owner);
    if (!p) {
      p = load(owner);
      p.catch(() => cache.delete(owner));
      cache.set(owner, p);
    }
    return p;
  };
}
