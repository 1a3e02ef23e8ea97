import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** A group owner's group message (seed 002 群发 task): its id as the owner's client names it, and the broadcast that sends it. */
const ownerTaskSchema = new Schema(
  {
    tenant: { type: String, required: true },
    taskId: { type: String, required: true },
    userId: { type: String, required: true },
    /** Absent only while the task is being made (a crash there is repaired by the next PUT). */
    broadcastId: Schema.Types.ObjectId,
    /** When it is to go out (the broadcast's once time). */
    sendAt: { type: Date, required: true },
    recalledAt: Date,
  },
  { timestamps: true, collection: 'seed002_tasks' },
);
// Task ids are each owner's own: one owner cannot take an id another's client will use.
ownerTaskSchema.index({ tenant: 1, userId: 1, taskId: 1 }, { unique: true });
ownerTaskSchema.index({ userId: 1, sendAt: 1 });

export type OwnerTaskDoc = InferSchemaType<typeof ownerTaskSchema> & { _id: import('mongoose').Types.ObjectId };

export function ownerTaskModel(conn: Connection): Model<OwnerTaskDoc> {
  return (
    (conn.models.Seed002OwnerTask as Model<OwnerTaskDoc>) ??
    conn.model<OwnerTaskDoc>('Seed002OwnerTask', ownerTaskSchema)
  );
}
