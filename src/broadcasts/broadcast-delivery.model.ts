import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * One run to one room. `queued`: its sends (ids fixed in `sendIds` when the delivery is made)
 * are, or are about to be, in the send log, whose statuses tell the rest; `skipped`: no send is
 * made (see `reason`).
 */
const deliverySchema = new Schema(
  {
    taskId: { type: Schema.Types.ObjectId, required: true },
    runId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    roomId: { type: Schema.Types.ObjectId, required: true },
    /** Absent when a listed room no longer exists. */
    robotId: Schema.Types.ObjectId,
    /** The puppet's id of the room when the run was dispatched. */
    conversationId: String,
    topic: String,
    state: { type: String, enum: ['queued', 'skipped'], required: true },
    reason: { type: String, enum: ['robot_not_running', 'room_not_found'] },
    /** The send-log records of the materials, in order. */
    sendIds: { type: [Schema.Types.ObjectId], default: undefined },
  },
  { timestamps: true },
);
// The rule that no room ever receives the same run twice.
deliverySchema.index({ taskId: 1, seq: 1, roomId: 1 }, { unique: true });
deliverySchema.index({ runId: 1, state: 1 });

export type BroadcastDeliveryDoc = InferSchemaType<typeof deliverySchema> & { _id: import('mongoose').Types.ObjectId };

export function broadcastDeliveryModel(conn: Connection): Model<BroadcastDeliveryDoc> {
  return (
    (conn.models.BroadcastDelivery as Model<BroadcastDeliveryDoc>) ??
    conn.model<BroadcastDeliveryDoc>('BroadcastDelivery', deliverySchema)
  );
}
