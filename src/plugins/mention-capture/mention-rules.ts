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
 * The last `size` items of one room, oldest first. Items are kept as they come (the message
 * path stores references, no copies) and turned into context lines only for a capture. A fixed
 * circular buffer: pushing overwrites the oldest slot, so the message path neither shifts an
 * array nor allocates once the ring is full.
 */
export class RoomRing<T = ContextLine> {
  private readonly items: T[] = [];
  /** Slot of the oldest item once the ring is full (the next one to overwrite). */
  private head = 0;
  constructor(private readonly size: number) {}

  push(item: T): void {
    if (this.size === 0) return;
    if (this.items.length < this.size) {
      this.items.push(item);
      return;
    }
    this.items[this.head] = item;
    this.head = this.head + 1 === this.size ? 0 : this.head + 1;
  }

  snapshot(): T[] {
    return this.head === 0 ? this.items.slice() : [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
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
 * times) in circular buffers. Thousands of rooms keep ten messages each, long enough for every
 * young-generation garbage collection to copy what they hold: so pushing allocates nothing and
 * keeps only what the message already had (its id and text strings, the pooled talker and the
 * time as a plain number), not the event with the Wechaty message and its payload.
 */
export class RecentMessages<Talker> {
  private readonly ids: RoomRing<string>;
  private readonly talkers: RoomRing<Talker>;
  private readonly texts: RoomRing<string>;
  private readonly times: RoomRing<number>;

  constructor(size: number) {
    this.ids = new RoomRing(size);
    this.talkers = new RoomRing(size);
    this.texts = new RoomRing(size);
    this.times = new RoomRing(size);
  }

  push(messageId: string, talker: Talker, text: string, at: Date): void {
    this.ids.push(messageId);
    this.talkers.push(talker);
    this.texts.push(text);
    this.times.push(at.getTime());
  }

  snapshot(): RecentMessage<Talker>[] {
    const talkers = this.talkers.snapshot();
    const texts = this.texts.snapshot();
    const times = this.times.snapshot();
    return this.ids.snapshot().map((messageId, i) => ({ messageId, talker: talkers[i], text: texts[i], at: new Date(times[i]) }));
  }
}

/**
 * Whether a message mentions the robot: the puppet's own flag (false on some puppets), or
 * `@<name>` in the text for the robot's WeChat name or its nickname in the room.
 */
export function isRobotMentioned(input: { mentionSelf: boolean; text: string; names: readonly (string | undefined)[] }): boolean {
  if (input.mentionSelf) return true;
  return mentionsAny(input.text, input.names.filter((n): n is string => Boolean(n)));
}
