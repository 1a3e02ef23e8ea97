import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * `dispatching`: claimed, its deliveries are being made (under a lease); `sending`: every
 * delivery is in the outbox; `finished`: all settled, reported; `missed`: too late, not run.
 */
export const RUN_STATES = ['dispatching', 'sending', 'finished', 'missed'] as const;

const runSchema = new Schema(
  {
    taskId: { type: Schema.Types.ObjectId, required: true },
    owner: { type: String, required: true },
    /** 1, 2, 3, ... per task; (taskId, seq) is unique, so a run is claimed once. */
    seq: { type: Number, required: true },
    scheduledFor: { type: Date, required: true },
    plan: { type: String, enum: ['run', 'missed'], required: true },
    /** Occurrences passed over by this firing (qunbot was down). */
    missed: { type: Number, default: 0 },
    state: { type: String, enum: RUN_STATES, default: 'dispatching' },
    /** Which process works on it and until when; another may take over after `until`. */
    lease: { by: String, until: Date },
    startedAt: Date,
    finishedAt: Date,
    /** Counts per delivery status, written when the run finishes. */
    report: { type: Schema.Types.Mixed },
  },
  { timestamps: true },
);
runSchema.index({ taskId: 1, seq: 1 }, { unique: true });
runSchema.index({ state: 1, 'lease.until': 1 });

export type BroadcastRunDoc = InferSchemaType<typeof runSchema> & {
  _id: import('mongoose').Types.ObjectId;
  createdAt: Date;
};

export function broadcastRunModel(conn: Connection): Model<BroadcastRunDoc> {
  return (conn.models.BroadcastRun as Model<BroadcastRunDoc>) ?? conn.model<BroadcastRunDoc>('BroadcastRun', runSchema);
}
