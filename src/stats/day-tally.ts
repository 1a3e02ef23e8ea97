/** The counters of one room on one day, as they grow between two writes. */
export interface RoomDayUpdate {
  roomId: string;
  robotId: string;
  /** `YYYY-MM-DD` in the configured time zone. */
  day: string;
  /** Messages received in the room (members', not the robot's own). */
  messages: number;
  /** Messages the robot sent into the room. */
  sent: number;
  joins: number;
  exits: number;
  /** Members who spoke (their WeChat ids): a set, so the day's count is of distinct speakers. */
  speakers: string[];
  /** The member count last seen, when an event told it. */
  members?: number;
}

/** An update while it grows: the speakers as a set. */
type Entry = Omit<RoomDayUpdate, 'speakers'> & { speakers: Set<string> };

/**
 * Counts what happens in rooms per room and day, in memory, until `drain()` hands the counts
 * over to be written (one write per room and day, however many messages). Pure: the caller
 * names the day. `restore()` puts back counts a write could not store, so nothing is lost.
 */
export class DayTally {
  private entries = new Map<string, Entry>();

  /** How many room-days wait to be written. */
  get size(): number {
    return this.entries.size;
  }

  message(roomId: string, robotId: string, day: string, speakerId: string): void {
    const e = this.entry(roomId, robotId, day);
    e.messages++;
    e.speakers.add(speakerId);
  }

  sent(roomId: string, robotId: string, day: string): void {
    this.entry(roomId, robotId, day).sent++;
  }

  joined(roomId: string, robotId: string, day: string, people: number, members?: number): void {
    const e = this.entry(roomId, robotId, day);
    e.joins += people;
    if (members !== undefined) e.members = members;
  }

  left(roomId: string, robotId: string, day: string, people: number, members?: number): void {
    const e = this.entry(roomId, robotId, day);
    e.exits += people;
    if (members !== undefined) e.members = members;
  }

  /** Everything counted since the last drain, and a fresh start. */
  drain(): RoomDayUpdate[] {
    const out = [...this.entries.values()].map(({ speakers, members, ...rest }) => ({
      ...rest,
      speakers: [...speakers],
      ...(members !== undefined ? { members } : {}),
    }));
    this.entries = new Map();
    return out;
  }

  /** Puts back updates a write failed to store; counts made since are added to them. */
  restore(updates: readonly RoomDayUpdate[]): void {
    for (const u of updates) {
      const e = this.entry(u.roomId, u.robotId, u.day);
      e.messages += u.messages;
      e.sent += u.sent;
      e.joins += u.joins;
      e.exits += u.exits;
      for (const s of u.speakers) e.speakers.add(s);
      if (e.members === undefined && u.members !== undefined) e.members = u.members;
    }
  }

  private entry(roomId: string, robotId: string, day: string): Entry {
    const key = `${roomId}\u0000${day}`;
    let e = this.entries.get(key);
    if (!e) {
      e = { roomId, robotId, day, messages: 0, sent: 0, joins: 0, exits: 0, speakers: new Set() };
      this.entries.set(key, e);
    }
    return e;
  }
}
