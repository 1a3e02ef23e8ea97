import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const roomSchema = new Schema(
  {
    robotId: { type: Schema.Types.ObjectId, required: true },
    /** The puppet's id for the room; changes at re-login on web protocols (see room-identity.ts). */
    puppetId: { type: String, required: true },
    topic: { type: String, default: '' },
    ownerWxId: String,
    ownerName: String,
    memberCount: { type: Number, default: 0 },
    /** False once the robot is no longer in the room. */
    present: { type: Boolean, default: true },
    /** Seed 001: the topic ends with the robot's agent code. */
    bound: { type: Boolean, default: false },
    /** Seed 000 production group, seed 002 launch switch and star level, robot nickname in the room. */
    production: { type: Boolean, default: false },
    launch: { type: Boolean, default: false },
    starLevel: Number,
    robotNickname: String,
    /** Per-room plugin switches: plugin name -> enabled. Absent means the configured default. */
    plugins: { type: Map, of: Boolean, default: {} },
    syncedAt: Date,
  },
  { timestamps: true },
);
roomSchema.index({ robotId: 1, puppetId: 1 }, { unique: true });
roomSchema.index({ robotId: 1, present: 1, topic: 1 });

export type RoomDoc = InferSchemaType<typeof roomSchema> & { _id: import('mongoose').Types.ObjectId };

export function roomModel(conn: Connection): Model<RoomDoc> {
  return (conn.models.Room as Model<RoomDoc>) ?? conn.model<RoomDoc>('Room', roomSchema);
}
