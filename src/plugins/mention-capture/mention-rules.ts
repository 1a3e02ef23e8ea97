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

/**
 * Whether a message mentions the robot: the puppet's own flag (false on some puppets), or
 * `@<name>` in the text for the robot's WeChat name or its nickname in the room.
 */
export function isRobotMentioned(input: { mentionSelf: boolean; text: string; names: readonly (string | undefined)[] }): boolean {
  if (input.mentionSelf) return true;
  return mentionsAny(input.text, input.names.filter((n): n is string => Boolean(n)));
}
