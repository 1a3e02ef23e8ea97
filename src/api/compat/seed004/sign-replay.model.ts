import { Schema, type Connection, type Model } from 'mongoose';

/** One signed request seen: `_id` is `<user_id>:<timestamp>:<rand_str>`; kept past the timestamp window. */
export interface SignatureDoc {
  _id: string;
  expiresAt: Date;
}

const signatureSchema = new Schema<SignatureDoc>(
  { _id: String, expiresAt: { type: Date, required: true } },
  { collection: 'seed004_signatures', versionKey: false },
);
signatureSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** The seed 004 signatures seen (collection seed004_signatures). */
export function signatureModel(conn: Connection): Model<SignatureDoc> {
  return (
    (conn.models.Seed004Signature as Model<SignatureDoc>) ??
    conn.model<SignatureDoc>('Seed004Signature', signatureSchema)
  );
}
