import type { RoomService } from '../bot/room.service';
import { toObjectId } from '../db/object-id';
import type { Db } from '../db/types';
import { starRatingModel } from './star-rating.model';

/** The rater's states (seed 002 `state`). */
export const STAR_STATES = [0, 1, 2, 3, 4, 5, 6, 10] as const;

export interface StarRating {
  roomId: string;
  star: number;
  state: number;
  source?: string;
  at: Date;
}

/**
 * Star ratings of groups: each rating is kept (history) and the room's `starLevel` is the latest,
 * which broadcasts may filter on (`minStar`). The caller checks that the rooms are the rater's.
 */
export class StarRatingService {
  private readonly Rating;

  constructor(
    conn: Db,
    private readonly deps: { rooms: Pick<RoomService, 'update'>; now: () => number },
  ) {
    this.Rating = starRatingModel(conn);
  }

  /** Records the ratings (one write for the history) and sets each room's star level. */
  async rate(items: readonly Omit<StarRating, 'at'>[]): Promise<StarRating[]> {
    const at = new Date(this.deps.now());
    const rows = items.map((i) => ({ ...i, at }));
    await this.Rating.insertMany(rows.map((r) => ({ ...r, roomId: toObjectId(r.roomId) })));
    // The last rating of a room in the batch wins.
    const latest = new Map(rows.map((r) => [r.roomId, r.star]));
    for (const [roomId, star] of latest) await this.deps.rooms.update(roomId, { starLevel: star });
    return rows;
  }

  /** A room's ratings, newest first (at most `limit`). */
  async history(roomId: string, limit = 100): Promise<StarRating[]> {
    const docs = await this.Rating.find({ roomId: toObjectId(roomId) })
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .lean();
    return docs.map((d) => ({
      roomId: d.roomId.toString(),
      star: d.star,
      state: d.state,
      at: d.at,
      ...(d.source ? { source: d.source } : {}),
    }));
  }
}
