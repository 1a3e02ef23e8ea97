import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * One room's counters for one day (seed 002 group statistics): small documents updated by the
 * statistics recorder from the event stream, never by scanning messages. Dropped by MongoDB at
 * `expiresAt` (the configured retention after the day).
 */
const roomDaySchema = new Schema(
  {
    roomId: { type: Schema.Types.ObjectId, required: true },
    robotId: { type: Schema.Types.ObjectId, required: true },
    /** `YYYY-MM-DD` in the configured time zone. */
    day: { type: String, required: true },
    messages: { type: Number, default: 0 },
    sent: { type: Number, default: 0 },
    joins: { type: Number, default: 0 },
    exits: { type: Number, default: 0 },
    /** WeChat ids of the members who spoke that day (distinct speakers = its length). */
    speakers: { type: [String], default: [] },
    /** The member count last seen that day. */
    members: Number,
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true },
);
roomDaySchema.index({ roomId: 1, day: 1 }, { unique: true });
roomDaySchema.index({ day: 1, robotId: 1 });
roomDaySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type RoomDayDoc = InferSchemaType<typeof roomDaySchema>;

/** The room-day statistics collection on this connection. */
export function roomDayModel(conn: Connection): Model<RoomDayDoc> {
  return (conn.models.RoomDay as Model<RoomDayDoc>) ?? conn.model<RoomDayDoc>('RoomDay', roomDaySchema);
}
