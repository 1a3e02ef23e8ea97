import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

const apiKeySchema = new Schema(
  {
    name: { type: String, required: true },
    /** SHA-256 of the key (keys are 256-bit random, so a fast hash is the right one). */
    hash: { type: String, required: true, unique: true },
    /** The first characters of the key, to tell keys apart in lists (not enough to use it). */
    prefix: { type: String, required: true },
    /** The owner whose robots the key may see; absent: every owner (an admin key). */
    owner: String,
    /** The key made at first start (at most one: a unique sparse index). */
    bootstrap: { type: Boolean },
    revokedAt: Date,
    lastUsedAt: Date,
  },
  { timestamps: true },
);
apiKeySchema.index({ bootstrap: 1 }, { unique: true, sparse: true });

/** An API key document (its hash, never the key). */
export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema> & {
  _id: import('mongoose').Types.ObjectId;
  createdAt: Date;
};

/** The API keys collection on this connection. */
export function apiKeyModel(conn: Connection): Model<ApiKeyDoc> {
  return (conn.models.ApiKey as Model<ApiKeyDoc>) ?? conn.model<ApiKeyDoc>('ApiKey', apiKeySchema);
}
