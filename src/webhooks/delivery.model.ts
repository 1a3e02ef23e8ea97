import { Schema, type Connection, type InferSchemaType, type Model, type Types } from 'mongoose';

export const DELIVERY_STATUSES = ['queued', 'delivering', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const deliverySchema = new Schema(
  {
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    /** The registered format that renders it (formats.ts). */
    format: { type: String, required: true },
    /** The subscription id for native webhooks, else the name of the plain callback. */
    target: { type: String, required: true },
    /** Who may see it: the subscription's owner (absent: admins only). */
    owner: String,
    /** The robot the event is about, when there is one. */
    robotId: String,
    /** Plain callbacks keep their URL; native ones read the subscription's at each attempt. */
    url: String,
    /** What its format sends or builds the request from (secrets are added at send time, never stored). */
    body: String,
    status: { type: String, required: true, enum: DELIVERY_STATUSES },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    deadline: { type: Date, required: true },
    leaseOwner: String,
    leaseUntil: Date,
    lastStatus: Number,
    lastError: String,
    lastAttemptAt: Date,
    deliveredAt: Date,
  },
  { timestamps: true },
);
// One delivery per event and target: publishing the same event id twice adds nothing.
deliverySchema.index({ eventId: 1, target: 1 }, { unique: true });
// The poller: due queued deliveries, and delivering ones whose lease ran out (a crashed worker).
deliverySchema.index({ status: 1, nextAttemptAt: 1 });
deliverySchema.index({ status: 1, leaseUntil: 1 });
deliverySchema.index({ owner: 1, status: 1 });

export type DeliveryDoc = InferSchemaType<typeof deliverySchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};

export function deliveryModel(conn: Connection): Model<DeliveryDoc> {
  return (
    (conn.models.WebhookDelivery as Model<DeliveryDoc>) ?? conn.model<DeliveryDoc>('WebhookDelivery', deliverySchema)
  );
}
