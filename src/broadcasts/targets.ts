import type { Connection } from 'mongoose';
import { isRecordId } from '../bot/core/ids';
import { robotModel } from '../bot/robot.model';
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
  async resolve(owner: string, targets: Targets, limit: number): Promise<{ rooms: TargetRoom[]; missing: string[] }> {
    const robotIds = await this.robotIds(owner);
    const filter: Record<string, unknown> = { robotId: { $in: robotIds } };
    if (targets.mode === 'rooms') filter._id = { $in: targets.roomIds.filter(isRecordId).map((id) => id.toLowerCase()) };
    else {
      filter.present = true;
      if (targets.mode === 'flag') filter[targets.flag] = true;
    }
    const docs = await this.Room.find(filter, { robotId: 1, puppetId: 1, topic: 1, present: 1 }).sort({ _id: 1 }).limit(limit).lean();
    const rooms = docs.map((d) => ({ roomId: d._id.toString(), robotId: d.robotId.toString(), puppetId: d.puppetId, topic: d.topic ?? '', present: d.present !== false }));
    const seen = new Set(rooms.map((r) => r.roomId));
    const missing = targets.mode === 'rooms' ? targets.roomIds.filter((id) => !seen.has(id.toLowerCase())) : [];
    return { rooms, missing };
  }
}
