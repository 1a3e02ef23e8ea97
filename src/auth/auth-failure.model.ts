import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/**
 * Failed-authentication counters, in the shape rate-limiter-flexible's Mongo store reads and
 * writes (`key`, `points`, `expire`). One document per client address or per credential prefix
 * (hashed), shared by every qunbot process on the database; MongoDB's TTL monitor removes a
 * document once it expired.
 */
const authFailureSchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    points: { type: Number, required: true },
    expire: { type: Date, default: null },
  },
  { collection: 'auth_failures', versionKey: false },
);
authFailureSchema.index({ expire: 1 }, { expireAfterSeconds: 0 });

export type AuthFailureDoc = InferSchemaType<typeof authFailureSchema>;

/** The failed-authentication counters on this connection. */
export function authFailureModel(conn: Connection): Model<AuthFailureDoc> {
  return (
    (conn.models.AuthFailure as Model<AuthFailureDoc>) ?? conn.model<AuthFailureDoc>('AuthFailure', authFailureSchema)
  );
}
