import { fillTemplate } from '../shared/text';

/**
 * Names of the newcomers in a system message that announces a join, for puppets that do not
 * emit `room-join`. Covers WeChat's Chinese and English notices (invitation and QR code).
 */
export function parseJoinNotice(text: string): string[] {
  const t = text.trim();
  const patterns: RegExp[] = [
    /^"?(?:.+?)"?\s*邀请\s*"(.+)"\s*加入了群聊/,
    /^"(.+?)"\s*通过扫描\s*".+?"\s*分享的二维码加入群聊/,
    /^(?:.+?) invited (.+?) to the group chat/i,
    /^"?(.+?)"? joined the group chat via the QR code shared by/i,
  ];
  for (const re of patterns) {
    const m = re.exec(t);
    if (m)
      return m[1]
        .split(/[、,，]\s*|", "/)
        .map((n) => n.replace(/^"|"$/g, '').trim())
        .filter(Boolean);
  }
  return [];
}

/** What a welcome template's placeholders are filled with. */
export interface WelcomeValues {
  names: readonly string[];
  topic: string;
  count: number;
}

/** Fills {names} (joined with 、), {topic} and {count} (members now in the room). */
export function renderWelcome(template: string, v: WelcomeValues): string {
  return fillTemplate(template, { names: v.names.join('、'), topic: v.topic, count: v.count });
}

/** How joins are gathered into one welcome: the window after the first join and the cool-down per room. */
export interface BatchPolicy {
  /** Joins within this window after the first get one welcome. */
  windowMs: number;
  /** At least this long between two welcomes in one room. */
  cooldownMs: number;
}

interface Batch<T> {
  items: Map<string, T>;
  flushAt: number;
}

/**
 * Groups joins per room so one welcome names everyone who joined within the window, and no room
 * gets welcomes closer than the cool-down. Pure: time comes in as `now`.
 */
export class WelcomeBatcher<T> {
  private readonly batches = new Map<string, Batch<T>>();
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly policy: BatchPolicy) {}

  /**
   * Adds a newcomer (by a key such as contact id or name). Returns when the batch is due if this
   * add opened a new batch (the caller schedules the flush), else null. `windowMs` overrides the
   * policy's window for a batch this add opens (a room's own setting).
   */
  add(room: string, key: string, item: T, now: number, windowMs = this.policy.windowMs): number | null {
    const open = this.batches.get(room);
    if (open) {
      if (!open.items.has(key)) open.items.set(key, item);
      return null;
    }
    const last = this.lastSent.get(room);
    const flushAt = Math.max(now + windowMs, last === undefined ? 0 : last + this.policy.cooldownMs);
    this.batches.set(room, { items: new Map([[key, item]]), flushAt });
    return flushAt;
  }

  /** Takes the room's batch (if due at `now`) and records the send time. */
  take(room: string, now: number): T[] {
    const b = this.batches.get(room);
    if (!b || b.flushAt > now) return [];
    this.batches.delete(room);
    this.lastSent.set(room, now);
    return [...b.items.values()];
  }

  /** Every open batch, e.g. to flush at shutdown. */
  rooms(): string[] {
    return [...this.batches.keys()];
  }
}
