import { mentionsAny } from '../shared/text';

/** One message kept as context around a mention. */
export interface ContextLine {
  messageId: string;
  talkerId: string;
  talkerName: string;
  text: string;
  at: Date;
}

/**
 * The slots of a fixed circular buffer of `size`: where the next item goes (overwriting the
 * oldest once full) and the order to read them back, oldest first. Rings built on it neither
 * shift an array nor allocate on the message path once full.
 */
class RingSlots {
  /** Items held so far (up to size). */
  count = 0;
  /** Slot of the oldest item once full (the next one to overwrite). */
  private head = 0;
  constructor(readonly size: number) {}

  /** The slot for a new item; -1 when the ring holds nothing (size 0). */
  take(): number {
    if (this.count < this.size) return this.count++;
    if (this.size === 0) return -1;
    const slot = this.head;
    this.head = slot + 1 === this.size ? 0 : slot + 1;
    return slot;
  }

  /** The slots in use, oldest first. */
  order(): number[] {
    return Array.from({ length: this.count }, (_, i) => (this.head + i) % this.count);
  }
}

/** The last `size` items of one room, oldest first, kept as they come (references, no copies). */
export class RoomRing<T = ContextLine> {
  private readonly slots: RingSlots;
  private readonly items: T[] = [];
  constructor(size: number) {
    this.slots = new RingSlots(size);
  }

  push(item: T): void {
    const slot = this.slots.take();
    if (slot >= 0) this.items[slot] = item;
  }

  snapshot(): T[] {
    return this.slots.order().map((slot) => this.items[slot]);
  }
}

/** A message as RecentMessages gives it back. */
export interface RecentMessage<Talker> {
  messageId: string;
  talker: Talker;
  text: string;
  at: Date;
}

/**
 * The last `size` messages of one room, oldest first, kept as columns (ids, talkers, texts,
 * times) sharing one set of slots. Thousands of rooms keep ten messages each, long enough for
 * every young-generation garbage collection to copy what they hold: so pushing allocates nothing
 * and keeps only what the message already had (its id and text strings, the pooled talker and
 * the time as a plain number), not the event with the Wechaty message and its payload.
 */
export class RecentMessages<Talker> {
  private readonly slots: RingSlots;
  private readonly ids: string[] = [];
  private readonly talkers: Talker[] = [];
  private readonly texts: string[] = [];
  private readonly times: number[] = [];

  constructor(size: number) {
    this.slots = new RingSlots(size);
  }

  push(messageId: string, talker: Talker, text: string, at: Date): void {
    const slot = this.slots.take();
    if (slot < 0) return;
    this.ids[slot] = messageId;
    this.talkers[slot] = talker;
    this.texts[slot] = text;
    this.times[slot] = at.getTime();
  }

  snapshot(): RecentMessage<Talker>[] {
    return this.slots.order().map((slot) => ({
      messageId: this.ids[slot],
      talker: this.talkers[slot],
      text: this.texts[slot],
      at: new Date(this.times[slot]),
    }));
  }
}

/**
 * Whether a message mentions the robot: the puppet's own flag (false on some puppets), or
 * `@<name>` in the text for the robot's WeChat name or its nickname in the room.
 */
export function isRobotMentioned(input: {
  mentionSelf: boolean;
  text: string;
  names: readonly (string | undefined)[];
}): boolean {
  if (input.mentionSelf) return true;
  return mentionsAny(
    input.text,
    input.names.filter((n): n is string => Boolean(n)),
  );
}
