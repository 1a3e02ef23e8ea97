import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const refusal = new Schema({ groupId: String, reason: String }, { _id: false });

/**
 * A delivery system's task (seed 002 群投放): received once per (owner, taskId), delivered by a
 * broadcast to the listed groups whose launch switch was on; the others are refused with a reason.
 */
const launchTaskSchema = new Schema(
  {
    owner: { type: String, required: true },
    taskId: { type: String, required: true },
    /** The rooms it goes to (switch on when it arrived). */
    roomIds: { type: [Schema.Types.ObjectId], default: [] },
    refused: { type: [refusal], default: [] },
    /** What each room gets, in order (OutboundContent objects). */
    materials: { type: [Schema.Types.Mixed], required: true },
    /** The seed's items as received (for its history detail). */
    items: { type: [Schema.Types.Mixed], required: true },
    /** The broadcast that delivers it (absent while being created, or when no group took it). */
    broadcastId: Schema.Types.ObjectId,
    /** Who sent it (the API key id). */
    source: String,
    receivedAt: { type: Date, required: true },
  },
  { timestamps: false },
);
launchTaskSchema.index({ owner: 1, taskId: 1 }, { unique: true });
launchTaskSchema.index({ roomIds: 1, receivedAt: -1 });

export type LaunchTaskDoc = InferSchemaType<typeof launchTaskSchema> & { _id: import('mongoose').Types.ObjectId };

export function launchTaskModel(conn: Connection): Model<LaunchTaskDoc> {
  return (conn.models.LaunchTask as Model<LaunchTaskDoc>) ?? conn.model<LaunchTaskDoc>('LaunchTask', launchTaskSchema);
}
