import { Schema, type Connection, type Model } from 'mongoose';

/** One txcode of one channel and day: claimed (pending), then its first answer (done). */
export interface RequestDoc {
  chid: string;
  day: string;
  txcode: string;
  name: string;
  state: 'pending' | 'done';
  status?: number;
  body?: Record<string, unknown>;
  robotId?: string;
  msgid?: number;
  sendId?: string;
  createdAt: Date;
}

/** Kept a little longer than the txcode's day plus any sane txtime window; then MongoDB drops it. */
const KEEP_SECONDS = 3 * 86_400;

const requestSchema = new Schema<RequestDoc>(
  {
    chid: { type: String, required: true },
    day: { type: String, required: true },
    txcode: { type: String, required: true },
    name: { type: String, required: true },
    state: { type: String, enum: ['pending', 'done'], required: true },
    status: Number,
    body: Schema.Types.Mixed,
    robotId: String,
    msgid: Number,
    sendId: String,
    createdAt: { type: Date, required: true },
  },
  // minimize: false keeps the answer's empty resHead.
  { collection: 'seed003_requests', minimize: false, versionKey: false },
);
// The replay guard: one record per channel, day and txcode, whatever the number of processes.
requestSchema.index({ chid: 1, day: 1, txcode: 1 }, { unique: true });
requestSchema.index({ createdAt: 1 }, { expireAfterSeconds: KEEP_SECONDS });
// msgStatus: a channel's msgid back to the send it queued.
requestSchema.index({ chid: 1, msgid: 1 });
// sendResult: a settled send back to the request that queued it.
requestSchema.index({ sendId: 1 }, { partialFilterExpression: { sendId: { $type: 'string' } } });

/** The seed 003 request records (collection seed003_requests). */
export function requestModel(conn: Connection): Model<RequestDoc> {
  return (conn.models.Seed003Request as Model<RequestDoc>) ?? conn.model<RequestDoc>('Seed003Request', requestSchema);
}
