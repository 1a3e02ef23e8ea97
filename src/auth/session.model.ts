import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A signed-in operator's session: the SHA-256 of its token, never the token. */
export interface SessionDoc {
  _id: Types.ObjectId;
  tokenHash: string;
  operatorId: Types.ObjectId;
  createdAt: Date;
  lastSeenAt: Date;
  /** Absolute end; MongoDB drops the record after it (TTL index). */
  expiresAt: Date;
  revokedAt?: Date;
  /** Where the sign-in came from (client address, user agent), for the operator's session list. */
  address?: string;
  userAgent?: string;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    tokenHash: { type: String, required: true, unique: true },
    operatorId: { type: Schema.Types.ObjectId, required: true, index: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: Date,
    address: String,
    userAgent: String,
  },
  { collection: 'sessions', versionKey: false },
);
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** The sessions collection on this connection. */
export function sessionModel(conn: Connection): Model<SessionDoc> {
  return (conn.models.Session as Model<SessionDoc>) ?? conn.model<SessionDoc>('Session', sessionSchema);
}
