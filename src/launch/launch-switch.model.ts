import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** One change of a room's launch switch (seed 002 rcv_task_flag): history; the room holds the current value. */
const launchSwitchSchema = new Schema(
  {
    roomId: { type: Schema.Types.ObjectId, required: true },
    on: { type: Boolean, required: true },
    /** Who switched: a group owner, an operator, an API key. */
    by: String,
    at: { type: Date, required: true },
  },
  { timestamps: false },
);
launchSwitchSchema.index({ roomId: 1, at: -1 });

export type LaunchSwitchDoc = InferSchemaType<typeof launchSwitchSchema>;

export function launchSwitchModel(conn: Connection): Model<LaunchSwitchDoc> {
  return (
    (conn.models.LaunchSwitch as Model<LaunchSwitchDoc>) ??
    conn.model<LaunchSwitchDoc>('LaunchSwitch', launchSwitchSchema)
  );
}
