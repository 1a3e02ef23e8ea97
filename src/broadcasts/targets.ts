import type { Connection } from 'mongoose';
import { isRecordId } from '../bot/core/ids';
import { robotModel } from '../bot/robot.model';
import { groupBy } from '../lib/group-by';
import { roomModel } from '../bot/room.model';
import type { Targets } from './types';

/** A room a run goes to, as read at dispatch time. */
export interface TargetRoom {
  roomId: string;
  robotId: string;
  puppetId: string;
  topic: string;
  present: boolean;
}

export interface Resolved {
  rooms: TargetRoom[];
  /** Listed ids that are not (or no longer) rooms of the owner. */
  missing: string[];
}

/** Reads the rooms a broadcast targets, always limited to its owner's robots. */
export class TargetResolver {
  private readonly Robot;
  private readonly Room;

  constructor(conn: Connection) {
    this.Robot = robotModel(conn);
    this.Room = roomModel(conn);
  }

  private async robotIds(owner: string): Promise<string[]> {
    const robots = await this.Robot.find({ owner }, { _id: 1 }).lean();
    return robots.map((r) => r._id.toString());
  }

  /** Listed ids that are not rooms of the owner's robots (the API refuses those). */
  async foreignRooms(owner: string, roomIds: readonly string[]): Promise<string[]> {
    const valid = roomIds.filter(isRecordId).map((id) => id.toLowerCase());
    const robotIds = await this.robotIds(owner);
    const found = await this.Room.find({ _id: { $in: valid }, robotId: { $in: robotIds } }, { _id: 1 }).lean();
    const known = new Set(found.map((r) => r._id.toString()));
    return roomIds.filter((id) => !known.has(id.toLowerCase()));
  }

  /**
   * The rooms of a run, at most `limit`. Listed rooms are returned even when gone (the run
   * reports them as not found); flag and all modes take the rooms the robot is in now.
   */
  async resolve(owner: string, targets: Targets, limit: number): Promise<Resolved> {
    return (await this.resolveMany([{ owner, targets }], limit))[0];
  }

  /**
   * `resolve` for many runs at once (a page of due broadcasts): one read of the owners' robots,
   * one of all listed rooms, and one per distinct owner and flag for the other modes.
   */
  async resolveMany(items: readonly { owner: string; targets: Targets }[], limit: number): Promise<Resolved[]> {
    const robots = await this.Robot.find(
      { owner: { $in: [...new Set(items.map((i) => i.owner))] } },
      { _id: 1, owner: 1 },
    ).lean();
    const robotsOf = new Map(
      [...groupBy(robots, (r) => r.owner)].map(([owner, rs]) => [owner, rs.map((r) => r._id.toString())]),
    );
    const listedIds = [
      ...new Set(
        items.flatMap((i) =>
          i.targets.mode === 'rooms' ? i.targets.roomIds.filter(isRecordId).map((id) => id.toLowerCase()) : [],
        ),
      ),
    ];
    const listed = new Map(
      (listedIds.length ? await this.Room.find({ _id: { $in: listedIds } }, ROOM_FIELDS).lean() : []).map((d) => [
        d._id.toString(),
        toTarget(d),
      ]),
    );
    const shared = new Map<string, Promise<TargetRoom[]>>();
    const roomsOf = (owner: string, targets: Exclude<Targets, { mode: 'rooms' }>): Promise<TargetRoom[]> => {
      const key = `${owner}\n${targets.mode === 'flag' ? targets.flag : ''}`;
      let rooms = shared.get(key);
      if (!rooms) {
        const filter: Record<string, unknown> = {
          robotId: { $in: robotsOf.get(owner) ?? [] },
          present: true,
          ...(targets.mode === 'flag' ? { [targets.flag]: true } : {}),
        };
        rooms = this.Room.find(filter, ROOM_FIELDS)
          .sort({ _id: 1 })
          .limit(limit)
          .lean()
          .then((docs) => docs.map(toTarget));
        shared.set(key, rooms);
      }
      return rooms;
    };
    return Promise.all(
      items.map(async ({ owner, targets }) => {
        if (targets.mode !== 'rooms') return { rooms: await roomsOf(owner, targets), missing: [] };
        const mine = new Set(robotsOf.get(owner));
        const ids = [...new Set(targets.roomIds.filter(isRecordId).map((id) => id.toLowerCase()))].sort();
        const rooms = ids
          .map((id) => listed.get(id))
          .filter((r): r is TargetRoom => r !== undefined && mine.has(r.robotId))
          .slice(0, limit);
        const seen = new Set(rooms.map((r) => r.roomId));
        return { rooms, missing: targets.roomIds.filter((id) => !seen.has(id.toLowerCase())) };
      }),
    );
  }
}

const ROOM_FIELDS = { robotId: 1, puppetId: 1, topic: 1, present: 1 };

function toTarget(d: {
  _id: { toString(): string };
  robotId: { toString(): string };
  puppetId: string;
  topic?: string | null;
  present?: boolean | null;
}): TargetRoom {
  return {
    roomId: d._id.toString(),
    robotId: d.robotId.toString(),
    puppetId: d.puppetId,
    topic: d.topic ?? '',
    present: d.present !== false,
  };
}
