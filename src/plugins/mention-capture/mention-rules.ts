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
 * path stores references, no copies) and turned into context lines only for a capture.
 */
export class RoomRing<T = ContextLine> {
  private readonly items: T[] = [];
  constructor(private readonly size: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.size) this.items.shift();
  }

  snapshot(): T[] {
    return [...this.items];
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
