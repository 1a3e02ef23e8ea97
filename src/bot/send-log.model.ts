import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const SEND_STATUSES = ['queued', 'sending', 'sent', 'failed', 'room_not_found', 'unknown', 'cancelled'] as const;

const sendLogSchema = new Schema(
  {
    robotId: { type: Schema.Types.ObjectId, required: true },
    /** The puppet's id of the room or contact sent to. */
    conversationId: { type: String, required: true },
    roomId: Schema.Types.ObjectId,
    /** What is sent: { type: 'text' | 'image' | 'link' | 'miniprogram', ... }. */
    content: { type: Schema.Types.Mixed, required: true },
    mentionIds: { type: [String], default: undefined },
    /** Who asked for it, e.g. `plugin:keyword-reply`, `api`, `broadcast:<id>`. */
    source: String,
    status: { type: String, enum: SEND_STATUSES, default: 'queued' },
    attempts: { type: Number, default: 0 },
    puppetMessageId: String,
    error: String,
    sentAt: Date,
    /** Makes creation idempotent: a second create with the same key returns the first record. */
    key: String,
    /** Sends that belong together, e.g. the deliveries of one broadcast run. */
    batchId: Schema.Types.ObjectId,
    /** Set when the sent message was recalled in WeChat; `recallError` when that failed. */
    recalledAt: Date,
    recallError: String,
    /** The lease epoch of the robot under which the send was claimed (several processes). */
    epoch: Number,
    /** Only a holder of at least this epoch may claim the send (set when a process takes the robot over). */
    fence: Number,
  },
  { timestamps: true },
);
sendLogSchema.index({ robotId: 1, status: 1, createdAt: 1 });
// Sparse and plain rather than partial: SecantusDB (the test server) ignores partial indexes in queries.
sendLogSchema.index({ key: 1 }, { unique: true, sparse: true });
sendLogSchema.index({ batchId: 1, status: 1 });

export type SendLogDoc = InferSchemaType<typeof sendLogSchema> & {
  _id: import('mongoose').Types.ObjectId;
  createdAt: Date;
};

export function sendLogModel(conn: Connection): Model<SendLogDoc> {
  return (conn.models.SendLog as Model<SendLogDoc>) ?? conn.model<SendLogDoc>('SendLog', sendLogSchema);
}
