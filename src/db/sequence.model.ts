import { Schema, type Connection, type Model } from 'mongoose';

/** One named counter (`_id` is its name): the last number it gave. */
export interface SequenceDoc {
  _id: string;
  seq: number;
}

const sequenceSchema = new Schema<SequenceDoc>(
  { _id: String, seq: { type: Number, required: true } },
  { collection: 'sequences', versionKey: false },
);

/** The named counters (collection sequences). */
export function sequenceModel(conn: Connection): Model<SequenceDoc> {
  return (conn.models.Sequence as Model<SequenceDoc>) ?? conn.model<SequenceDoc>('Sequence', sequenceSchema);
}
