import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const keywordRuleSchema = new Schema(
  {
    owner: { type: String, required: true },
    keywords: { type: [String], required: true },
    mode: { type: String, enum: ['exact', 'contains', 'regex'], default: 'contains' },
    /** One or more OutboundContent objects, sent in order. */
    replies: { type: [Schema.Types.Mixed], required: true },
    /** Rooms (record ids) the rule applies to; empty: every room of the owner. */
    roomIds: { type: [String], default: [] },
    enabled: { type: Boolean, default: true },
    priority: { type: Number, default: 0 },
    cooldownSec: { type: Number, default: 0 },
    /** Who wrote the rule when it was not the owner's operators: a group owner (`group-owner:<user_id>`). */
    author: String,
    /** Seed 002 trigger_times: replies sent for this rule. */
    triggerTimes: { type: Number, default: 0 },
  },
  { timestamps: true },
);
keywordRuleSchema.index({ owner: 1, enabled: 1 });
keywordRuleSchema.index({ owner: 1, author: 1 }, { sparse: true });

/** A keyword rule document. */
export type KeywordRuleDoc = InferSchemaType<typeof keywordRuleSchema> & { _id: import('mongoose').Types.ObjectId };

/** The keyword rules collection on this connection. */
export function keywordRuleModel(conn: Connection): Model<KeywordRuleDoc> {
  return (
    (conn.models.KeywordRule as Model<KeywordRuleDoc>) ?? conn.model<KeywordRuleDoc>('KeywordRule', keywordRuleSchema)
  );
}
