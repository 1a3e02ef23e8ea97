import { isRecordId } from '../bot/core/ids';
import { RobotService } from '../bot/robot.service';
import { RoomService, type RoomAddress } from '../bot/room.service';
import type { Db } from '../db/types';
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

/**
 * Reads the rooms a broadcast targets, always limited to its owner's robots, through the robot
 * and room services (built over the database handle, reading only).
 */
export class TargetResolver {
  private readonly robots: RobotService;
  private readonly rooms: RoomService;

  constructor(db: Db) {
    this.robots = new RobotService(db);
    this.rooms = new RoomService(db);
  }

  /** Listed ids that are not rooms of the owner's robots (the API refuses those). */
  async foreignRooms(owner: string, roomIds: readonly string[]): Promise<string[]> {
    const valid = roomIds.filter(isRecordId).map((id) => id.toLowerCase());
    const robotIds = (await this.robots.idsByOwner([owner])).get(owner) ?? [];
    const known = new Set(await this.rooms.idsOfRobots(valid, robotIds));
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
    const robotsOf = await this.robots.idsByOwner(items.map((i) => i.owner));
    const listedIds = [
      ...new Set(
        items.flatMap((i) =>
          i.targets.mode === 'rooms' ? i.targets.roomIds.filter(isRecordId).map((id) => id.toLowerCase()) : [],
        ),
      ),
    ];
    const listed = new Map((await this.rooms.addresses(listedIds)).map((a) => [a.id, toTarget(a)]));
    const shared = new Map<string, Promise<TargetRoom[]>>();
    const roomsOf = (owner: string, targets: Exclude<Targets, { mode: 'rooms' }>): Promise<TargetRoom[]> => {
      const flag = targets.mode === 'flag' ? targets.flag : undefined;
      const key = `${owner}\n${flag ?? ''}\n${targets.minStar ?? ''}`;
      let rooms = shared.get(key);
      if (!rooms) {
        rooms = this.rooms
          .presentAddresses(robotsOf.get(owner) ?? [], { flag, minStar: targets.minStar }, limit)
          .then((addresses) => addresses.map(toTarget));
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

function toTarget(a: RoomAddress): TargetRoom {
  return { roomId: a.id, robotId: a.robotId, puppetId: a.puppetId, topic: a.topic, present: a.present };
}
