import { Schema, type Connection, type Model } from 'mongoose';

/** One developer's callback URL (seed 001 "通知开发者"): one per owner. */
export interface DeveloperCallbackDoc {
  owner: string;
  url: string;
  createdAt: Date;
  updatedAt: Date;
}

const developerCallbackSchema = new Schema<DeveloperCallbackDoc>(
  {
    owner: { type: String, required: true, unique: true },
    url: { type: String, required: true },
  },
  { collection: 'seed001_callbacks', versionKey: false, timestamps: true },
);

/** The seed 001 developer callbacks (collection seed001_callbacks). */
export function developerCallbackModel(conn: Connection): Model<DeveloperCallbackDoc> {
  return (
    (conn.models.Seed001DeveloperCallback as Model<DeveloperCallbackDoc>) ??
    conn.model<DeveloperCallbackDoc>('Seed001DeveloperCallback', developerCallbackSchema)
  );
}
