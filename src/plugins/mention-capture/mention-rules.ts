import { mentionsAny } from '../shared/text';

/** One message kept as context around a mention. */
export interface ContextLine {
  messageId: string;
  talkerId: string;
  talkerName: string;
  text: string;
  at: Date;
}

/** The last `size` messages of one room, oldest first. */
export class RoomRing {
  private readonly lines: ContextLine[] = [];
  constructor(private readonly size: number) {}

  push(line: ContextLine): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }

  snapshot(): ContextLine[] {
    return [...this.lines];
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
