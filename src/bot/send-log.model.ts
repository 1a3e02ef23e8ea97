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
  },
  { timestamps: true },
);
sendLogSchema.index({ robotId: 1, status: 1, createdAt: 1 });

export type SendLogDoc = InferSchemaType<typeof sendLogSchema> & { _id: import('mongoose').Types.ObjectId; createdAt: Date };

export function sendLogModel(conn: Connection): Model<SendLogDoc> {
  return (conn.models.SendLog as Model<SendLogDoc>) ?? conn.model<SendLogDoc>('SendLog', sendLogSchema);
}
