import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** A room that belongs to a group owner: they invited the robot into it (or an operator said so). */
const ownedGroupSchema = new Schema(
  {
    roomId: { type: Schema.Types.ObjectId, required: true, unique: true },
    robotId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: String, required: true },
    /** When the group became the owner's (the invitation, or the operator's assignment). */
    since: { type: Date, required: true },
    /** Cancelled groups (seed 002 注销) stay listed as cancelled; the robot left them. */
    cancelledAt: Date,
    cancelReason: Number,
  },
  { timestamps: true },
);
ownedGroupSchema.index({ userId: 1, cancelledAt: 1, _id: 1 });
ownedGroupSchema.index({ robotId: 1, cancelledAt: 1 });

export type OwnedGroupDoc = InferSchemaType<typeof ownedGroupSchema> & { _id: import('mongoose').Types.ObjectId };

export function ownedGroupModel(conn: Connection): Model<OwnedGroupDoc> {
  return (conn.models.OwnedGroup as Model<OwnedGroupDoc>) ?? conn.model<OwnedGroupDoc>('OwnedGroup', ownedGroupSchema);
}
