import { Schema, type Connection, type Model } from 'mongoose';

/** The last msgid of one channel (`_id` is the chid). */
export interface CounterDoc {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<CounterDoc>(
  { _id: String, seq: { type: Number, required: true } },
  { collection: 'seed003_counters', versionKey: false },
);

/** The seed 003 msgid counters (collection seed003_counters). */
export function counterModel(conn: Connection): Model<CounterDoc> {
  return (conn.models.Seed003Counter as Model<CounterDoc>) ?? conn.model<CounterDoc>('Seed003Counter', counterSchema);
}
