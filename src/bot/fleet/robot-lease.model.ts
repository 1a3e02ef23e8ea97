import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * Which process runs a robot: one document per robot (its id), taken and renewed with
 * single-document atomic updates. `epoch` grows with every take: writes made under an older
 * epoch are refused (fencing).
 */
const robotLeaseSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    /** The holding process's id (`host:pid:boot`), or null when released. */
    holder: { type: String, default: null },
    /** The holder's process label (for pins and for operators). */
    label: String,
    epoch: { type: Number, required: true, default: 0 },
    /** After this instant (the holder's clock) another process may take the robot. */
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true },
);
robotLeaseSchema.index({ holder: 1 });

export type RobotLeaseDoc = InferSchemaType<typeof robotLeaseSchema>;

export function robotLeaseModel(conn: Connection): Model<RobotLeaseDoc> {
  return (conn.models.RobotLease as Model<RobotLeaseDoc>) ?? conn.model<RobotLeaseDoc>('RobotLease', robotLeaseSchema);
}
