import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * A group owner: a WeChat user of a group-owner platform (seed 002 "user"), known by the
 * platform's `union_id`, who is assigned a robot and invites it into their groups.
 */
const groupOwnerSchema = new Schema(
  {
    /** The seed's `user_id` (a UUID made here). */
    userId: { type: String, required: true, unique: true },
    /** The platform's id of the user: unique per tenant (two platforms may know one WeChat user). */
    unionId: { type: String, required: true },
    /** The qunbot owner (tenant) whose robots serve this group owner. */
    tenant: { type: String, required: true },
    openId: String,
    appId: String,
    channel: String,
    sharingUserId: String,
    nickName: String,
    headUrl: String,
    /** The assigned robot, and the owner's WeChat contact id as that robot sees it (once known). */
    robotId: { type: Schema.Types.ObjectId, index: true },
    assignedAt: Date,
    wxId: String,
    blocked: { type: Boolean, default: false },
    /** Access tokens issued up to this moment are refused (signed out everywhere). */
    signedOutAt: Date,
    blockedAt: Date,
  },
  { timestamps: true },
);
groupOwnerSchema.index({ tenant: 1, _id: 1 });
groupOwnerSchema.index({ tenant: 1, unionId: 1 }, { unique: true });

export type GroupOwnerDoc = InferSchemaType<typeof groupOwnerSchema> & {
  _id: import('mongoose').Types.ObjectId;
  createdAt: Date;
};

export function groupOwnerModel(conn: Connection): Model<GroupOwnerDoc> {
  return (conn.models.GroupOwner as Model<GroupOwnerDoc>) ?? conn.model<GroupOwnerDoc>('GroupOwner', groupOwnerSchema);
}
