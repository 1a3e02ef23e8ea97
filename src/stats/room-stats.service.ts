import type { Db } from '../db/types';
import { failedBulkIndexes } from '../db/errors';
import { toObjectId } from '../db/object-id';
import type { RoomDayUpdate } from './day-tally';
import { roomDayModel, type RoomDayDoc } from './room-day.model';

const DAY_MS = 86_400_000;

/** One room's day as the API shows it. */
export interface RoomDayView {
  day: string;
  /** The member count last seen that day; null when no event told it. */
  members: number | null;
  joins: number;
  exits: number;
  /** Distinct members who spoke. */
  speakers: number;
  messages: number;
  sent: number;
}

/** Sums over many rooms' day. */
export interface DayTotals {
  day: string;
  /** Rooms with anything counted that day. */
  rooms: number;
  messages: number;
  sent: number;
  joins: number;
  exits: number;
}

function dayView(d: RoomDayDoc): RoomDayView {
  return {
    day: d.day,
    members: d.members ?? null,
    joins: d.joins ?? 0,
    exits: d.exits ?? 0,
    speakers: d.speakers?.length ?? 0,
    messages: d.messages ?? 0,
    sent: d.sent ?? 0,
  };
}

/** Rooms' daily counters (seed 002 group statistics), written in batches by the recorder. */
export class RoomStatsService {
  private readonly Day;
  constructor(
    conn: Db,
    private readonly retentionDays: number,
  ) {
    this.Day = roomDayModel(conn);
  }

  /**
   * Adds counted updates to their room-days (created on first use), in one round trip. Resolves
   * with the updates that were not stored (a race on a new room-day's unique index, say) so the
   * caller keeps them; rejects when it cannot tell what was stored.
   */
  async apply(updates: readonly RoomDayUpdate[]): Promise<RoomDayUpdate[]> {
    if (updates.length === 0) return [];
    const ops = updates.map((u) => ({
      updateOne: {
        filter: { roomId: toObjectId(u.roomId), day: u.day },
        update: {
          $inc: { messages: u.messages, sent: u.sent, joins: u.joins, exits: u.exits },
          ...(u.speakers.length > 0 ? { $addToSet: { speakers: { $each: u.speakers } } } : {}),
          $set: { robotId: toObjectId(u.robotId), ...(u.members !== undefined ? { members: u.members } : {}) },
          $setOnInsert: { expiresAt: new Date(Date.parse(`${u.day}T00:00:00Z`) + (this.retentionDays + 1) * DAY_MS) },
        },
        upsert: true,
      },
    }));
    try {
      await this.Day.bulkWrite(ops as Parameters<typeof this.Day.bulkWrite>[0], { ordered: false });
      return [];
    } catch (err) {
      const failed = failedBulkIndexes(err);
      if (!failed) throw err;
      return failed.map((i) => updates[i]).filter((u): u is RoomDayUpdate => u !== undefined);
    }
  }

  /** The room's days from `from` to `to` (inclusive, `YYYY-MM-DD`), oldest first; days without events are absent. */
  async days(roomId: string, from: string, to: string): Promise<RoomDayView[]> {
    const docs = await this.Day.find({ roomId: toObjectId(roomId), day: { $gte: from, $lte: to } })
      .sort({ day: 1 })
      .lean();
    return docs.map(dayView);
  }

  /** One day of each of the rooms, by room id (rooms without events that day are absent). */
  async dayOf(roomIds: readonly string[], day: string): Promise<Map<string, RoomDayView>> {
    const docs = await this.Day.find({ roomId: { $in: roomIds.map(toObjectId) }, day }).lean();
    return new Map(docs.map((d) => [d.roomId.toString(), dayView(d)]));
  }

  /** The sums of one day over the given robots' rooms (undefined: every robot). */
  async totals(day: string, robotIds?: readonly string[]): Promise<DayTotals> {
    const docs = await this.Day.find(
      { day, ...(robotIds ? { robotId: { $in: robotIds.map(toObjectId) } } : {}) },
      { messages: 1, sent: 1, joins: 1, exits: 1 },
    ).lean();
    const sum = (f: (d: (typeof docs)[number]) => number | null | undefined) =>
      docs.reduce((n, d) => n + (f(d) ?? 0), 0);
    return {
      day,
      rooms: docs.length,
      messages: sum((d) => d.messages),
      sent: sum((d) => d.sent),
      joins: sum((d) => d.joins),
      exits: sum((d) => d.exits),
    };
  }
}
