import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const welcomeSettingSchema = new Schema(
  {
    /** Room record id: seed 002 has one welcome_msg per group. */
    roomId: { type: String, required: true, unique: true },
    text: { type: String, required: true },
    enabled: { type: Boolean, default: true },
    /** @-mention the newcomers (puppets that support it notify them). */
    mention: { type: Boolean, default: true },
    /** Batching window in seconds for this room; null: the plugin's configured window. */
    windowSec: { type: Number, default: null },
  },
  { timestamps: true },
);

/** A room's welcome setting document. */
export type WelcomeSettingDoc = InferSchemaType<typeof welcomeSettingSchema>;

/** The welcome settings collection on this connection. */
export function welcomeSettingModel(conn: Connection): Model<WelcomeSettingDoc> {
  return (
    (conn.models.WelcomeSetting as Model<WelcomeSettingDoc>) ??
    conn.model<WelcomeSettingDoc>('WelcomeSetting', welcomeSettingSchema)
  );
}
