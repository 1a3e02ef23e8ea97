import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

const subscriptionSchema = new Schema(
  {
    /** Whose events it receives; absent: an admin subscription (every owner's). */
    owner: String,
    url: { type: String, required: true },
    events: { type: [String], required: true },
    active: { type: Boolean, required: true, default: true },
    description: String,
    /** Bumped by a secret rotation; the secret is derived from the id and this (never stored). */
    secretVersion: { type: Number, required: true, default: 1 },
  },
  { timestamps: true },
);
// Fan-out at publish: the active subscriptions of an owner (or owner-less) listing a type.
subscriptionSchema.index({ active: 1, events: 1, owner: 1 });

export type SubscriptionDoc = InferSchemaType<typeof subscriptionSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};

export function subscriptionModel(conn: Connection): Model<SubscriptionDoc> {
  return (
    (conn.models.WebhookSubscription as Model<SubscriptionDoc>) ??
    conn.model<SubscriptionDoc>('WebhookSubscription', subscriptionSchema)
  );
}
