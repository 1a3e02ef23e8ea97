/**
 * The cause of an error message, without what changes from one occurrence to the next: words
 * holding a digit or an `@` (room, contact and message ids, ports, counts) become `<id>`, and
 * the text is cut at 200 characters. "no payload found for id cmx7n…@chatroom" and the same for
 * another room are one cause.
 */
export function errorCause(message: string): string {
  const firstLine = message.split('\n', 1)[0] ?? '';
  return firstLine
    .replace(/[^\s,;()"'[\]]*[\d@][^\s,;()"'[\]]*/g, '<id>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/**
 * Which occurrences of a cause deserve a warning: the first, then again only after `everyMs`
 * (others are logged at debug). Remembers at most `max` causes, forgetting the oldest.
 */
export class CauseThrottle {
  private readonly warnedAt = new Map<string, number>();

  constructor(
    private readonly everyMs = 60 * 60_000,
    private readonly max = 100,
  ) {}

  /** True when `cause` was not warned about within `everyMs` before `now` (and records it). */
  shouldWarn(cause: string, now: number): boolean {
    const last = this.warnedAt.get(cause);
    if (last !== undefined && now - last < this.everyMs) return false;
    this.warnedAt.delete(cause);
    this.warnedAt.set(cause, now);
    if (this.warnedAt.size > this.max) this.warnedAt.delete(this.warnedAt.keys().next().value as string);
    return true;
  }
}
