import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const line = new Schema(
  { messageId: String, talkerId: String, talkerName: String, text: String, at: Date },
  { _id: false },
);

const mentionSchema = new Schema(
  {
    owner: { type: String, required: true },
    robotId: { type: String, required: true },
    roomId: { type: String, required: true },
    roomTopic: String,
    /** The puppet's room id at capture time (replies go there). */
    conversationId: { type: String, required: true },
    messageId: { type: String, required: true },
    talkerId: { type: String, required: true },
    talkerName: String,
    text: { type: String, required: true },
    at: { type: Date, required: true },
    read: { type: Boolean, default: false },
    before: { type: [line], default: [] },
    after: { type: [line], default: [] },
    /** True once the trailing context window closed. */
    afterComplete: { type: Boolean, default: false },
    /** When the trailing context window closes (stored so that a restart resumes or closes it). */
    afterUntil: Date,
    /** How many messages the trailing context window takes in all. */
    afterWanted: Number,
  },
  { timestamps: true },
);
mentionSchema.index({ robotId: 1, messageId: 1 }, { unique: true });
mentionSchema.index({ owner: 1, read: 1, at: -1 });
mentionSchema.index({ afterComplete: 1, afterUntil: 1 });

const notifySchema = new Schema(
  { owner: { type: String, required: true, unique: true }, mentionNotify: { type: Boolean, default: false } },
  { timestamps: true },
);

/** A captured mention document. */
export type MentionDoc = InferSchemaType<typeof mentionSchema> & { _id: import('mongoose').Types.ObjectId };
/** An owner's announcement switch document. */
export type MentionNotifyDoc = InferSchemaType<typeof notifySchema>;

/** The captured mentions collection on this connection. */
export function mentionModel(conn: Connection): Model<MentionDoc> {
  return (conn.models.Mention as Model<MentionDoc>) ?? conn.model<MentionDoc>('Mention', mentionSchema);
}

/** Seed 002 alt_switch: whether an owner is notified of mentions. */
export function mentionNotifyModel(conn: Connection): Model<MentionNotifyDoc> {
  return (
    (conn.models.MentionNotify as Model<MentionNotifyDoc>) ??
    conn.model<MentionNotifyDoc>('MentionNotify', notifySchema)
  );
}
