import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** A listed sensitive word: of one owner, or global (`owner` null, an admin's). */
const sensitiveWordSchema = new Schema(
  {
    owner: { type: String, default: null },
    /** As written when listed. */
    word: { type: String, required: true },
    /** Folded for screening (one word per owner however it is spelled). */
    folded: { type: String, required: true },
  },
  { timestamps: true },
);
sensitiveWordSchema.index({ owner: 1, folded: 1 }, { unique: true });

export type SensitiveWordDoc = InferSchemaType<typeof sensitiveWordSchema>;

/** The sensitive words collection on this connection. */
export function sensitiveWordModel(conn: Connection): Model<SensitiveWordDoc> {
  return (
    (conn.models.SensitiveWord as Model<SensitiveWordDoc>) ??
    conn.model<SensitiveWordDoc>('SensitiveWord', sensitiveWordSchema)
  );
}
