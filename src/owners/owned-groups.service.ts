import { toObjectId } from '../db/object-id';
import { findNumberedPage, type NumberedPage, type NumberedPageRequest } from '../db/pagination';
import type { Db } from '../db/types';
import type { CancelReason } from './assignment-rules';
import { ownedGroupModel, type OwnedGroupDoc } from './owned-group.model';

/** A room's ownership by a group owner. */
export interface OwnedGroupView {
  roomId: string;
  robotId: string;
  userId: string;
  since: Date;
  cancelledAt?: Date;
  cancelReason?: CancelReason;
}

function toView(d: OwnedGroupDoc): OwnedGroupView {
  return {
    roomId: d.roomId.toString(),
    robotId: d.robotId.toString(),
    userId: d.userId,
    since: d.since,
    ...(d.cancelledAt ? { cancelledAt: d.cancelledAt } : {}),
    ...(d.cancelReason ? { cancelReason: d.cancelReason as CancelReason } : {}),
  };
}

/** Which rooms belong to which group owner, and their cancellation (seed 002 注销). */
export class OwnedGroupService {
  private readonly Group;

  constructor(
    conn: Db,
    private readonly now: () => number,
  ) {
    this.Group = ownedGroupModel(conn);
  }

  /**
   * The room becomes the owner's (an invitation): a room nobody owns, or one cancelled before,
   * is claimed; a room another owner holds stays theirs. Answers who owns it now.
   */
  async claim(input: { roomId: string; robotId: string; userId: string }): Promise<OwnedGroupView> {
    const since = new Date(this.now());
    const fields = { robotId: input.robotId, userId: input.userId, since };
    // A cancelled room is taken over by the new invitation.
    const reopened = await this.Group.findOneAndUpdate(
      { roomId: input.roomId, cancelledAt: { $exists: true } },
      { $set: fields, $unset: { cancelledAt: 1, cancelReason: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (reopened) return toView(reopened);
    const d = await this.Group.findOneAndUpdate(
      { roomId: input.roomId },
      { $setOnInsert: { roomId: input.roomId, ...fields } },
      { upsert: true, returnDocument: 'after' },
    )
      .lean()
      .catch(async (err: unknown) => {
        // Two claims raced: the other one's record holds.
        const held = await this.Group.findOne({ roomId: input.roomId }).lean();
        if (!held) throw err;
        return held;
      });
    return toView(d as OwnedGroupDoc);
  }

  async get(roomId: string): Promise<OwnedGroupView | null> {
    const d = await this.Group.findOne({ roomId }).lean();
    return d ? toView(d) : null;
  }

  /** The owner's groups (active, or cancelled ones too), page by page with the total. */
  ofOwner(
    userId: string,
    page: NumberedPageRequest,
    opts: { cancelled?: boolean } = {},
  ): Promise<NumberedPage<OwnedGroupView>> {
    const filter: Record<string, unknown> = { userId };
    if (opts.cancelled !== true) filter.cancelledAt = { $exists: false };
    return findNumberedPage(this.Group, filter, page, toView);
  }

  /** The owner's active groups in the order they became theirs (at most `cap`). */
  async activeOf(userId: string, cap = 10_000): Promise<OwnedGroupView[]> {
    const docs = await this.Group.find({ userId, cancelledAt: { $exists: false } })
      .sort({ _id: 1 })
      .limit(cap)
      .lean();
    return docs.map(toView);
  }

  /** Room ids of the owner's active groups among `roomIds` (all of them when absent). */
  async activeRoomIds(userId: string, roomIds?: readonly string[]): Promise<string[]> {
    const docs = await this.Group.find({
      userId,
      cancelledAt: { $exists: false },
      ...(roomIds ? { roomId: { $in: roomIds.map(toObjectId) } } : {}),
    })
      .select({ roomId: 1 })
      .sort({ _id: 1 })
      .lean();
    return docs.map((d) => d.roomId.toString());
  }

  /** Those of the room ids that are some owner's active groups. */
  async activeAmong(roomIds: readonly string[]): Promise<Set<string>> {
    const valid = roomIds.filter((id) => /^[0-9a-f]{24}$/i.test(id)).map((id) => toObjectId(id.toLowerCase()));
    const docs = await this.Group.find({ roomId: { $in: valid }, cancelledAt: { $exists: false } })
      .select({ roomId: 1 })
      .lean();
    return new Set(docs.map((d) => d.roomId.toString()));
  }

  /** How many active groups each robot serves. */
  async activeByRobot(robotIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.Group.aggregate<{ _id: unknown; n: number }>([
      { $match: { robotId: { $in: robotIds.map(toObjectId) }, cancelledAt: { $exists: false } } },
      { $group: { _id: '$robotId', n: { $sum: 1 } } },
    ]);
    return new Map(rows.map((r) => [String(r._id), r.n]));
  }

  /** Cancels an active group; null when it is not one (unknown, or cancelled already). */
  async cancel(roomId: string, reason: CancelReason): Promise<OwnedGroupView | null> {
    const d = await this.Group.findOneAndUpdate(
      { roomId, cancelledAt: { $exists: false } },
      { $set: { cancelledAt: new Date(this.now()), cancelReason: reason } },
      { returnDocument: 'after' },
    ).lean();
    return d ? toView(d) : null;
  }
}
