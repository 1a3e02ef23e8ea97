import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const windowSchema = new Schema({ start: String, end: String }, { _id: false });

const ruleSchema = new Schema(
  {
    owner: { type: String, required: true },
    keywords: { type: [String], required: true },
    /** Rooms (record ids) the rule applies to; empty: every room of the owner. */
    roomIds: { type: [String], default: [] },
    windows: { type: [windowSchema], default: [] },
    points: { type: Number, default: 1 },
    streakBonus: { type: Number, default: 0 },
    maxStreakBonusDays: { type: Number, default: 0 },
    replies: {
      first: {
        type: String,
        default: '{name} 签到成功，获得 {points} 积分，已连续签到 {streak} 天，累计 {total} 积分',
      },
      repeat: { type: String, default: '{name} 今天已经签到过了，累计 {total} 积分' },
      outside: { type: String, default: '{name} 现在不在签到时间（{windows}）' },
    },
    enabled: { type: Boolean, default: true },
  },
  { timestamps: true },
);
ruleSchema.index({ owner: 1 });

const recordSchema = new Schema(
  {
    owner: { type: String, required: true },
    robotId: { type: String, required: true },
    roomId: { type: String, required: true },
    memberId: { type: String, required: true },
    memberName: String,
    /** Local calendar day (YYYY-MM-DD) in the configured time zone. */
    day: { type: String, required: true },
    at: { type: Date, required: true },
    points: { type: Number, required: true },
    streak: { type: Number, required: true },
    ruleId: String,
  },
  { timestamps: true },
);
// One sign-in per member per room per day.
recordSchema.index({ roomId: 1, memberId: 1, day: 1 }, { unique: true });
recordSchema.index({ roomId: 1, day: -1 });

/** A sign-in rule document. */
export type SignInRuleDoc = InferSchemaType<typeof ruleSchema> & { _id: import('mongoose').Types.ObjectId };
/** A sign-in record document (unique per room, member and day). */
export type SignInRecordDoc = InferSchemaType<typeof recordSchema> & { _id: import('mongoose').Types.ObjectId };

/** The sign-in rules collection on this connection. */
export function signInRuleModel(conn: Connection): Model<SignInRuleDoc> {
  return (conn.models.SignInRule as Model<SignInRuleDoc>) ?? conn.model<SignInRuleDoc>('SignInRule', ruleSchema);
}

/** The sign-in records collection on this connection. */
export function signInRecordModel(conn: Connection): Model<SignInRecordDoc> {
  return (
    (conn.models.SignInRecord as Model<SignInRecordDoc>) ?? conn.model<SignInRecordDoc>('SignInRecord', recordSchema)
  );
}
