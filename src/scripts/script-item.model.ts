import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** One ready-made reply (seed 004 话术): a text and optionally an image, in its group's order. */
export interface ScriptItemDoc {
  _id: Types.ObjectId;
  /** 1, 2, 3...: the seed 004 id (absent on items made before numbering: given when first listed). */
  number?: number;
  groupId: Types.ObjectId;
  owner: string;
  text: string;
  imageUrl?: string;
  /** Position in the group (ascending). */
  sort: number;
  /** How often it was sent (queued) into a room or as a reply. */
  sendCount: number;
  createdAt: Date;
  updatedAt: Date;
}

const scriptItemSchema = new Schema<ScriptItemDoc>(
  {
    number: Number,
    groupId: { type: Schema.Types.ObjectId, required: true },
    owner: { type: String, required: true },
    text: { type: String, required: true },
    imageUrl: String,
    sort: { type: Number, required: true },
    sendCount: { type: Number, required: true, default: 0 },
  },
  { collection: 'script_items', timestamps: true, versionKey: false },
);
scriptItemSchema.index({ groupId: 1, sort: 1, _id: 1 });
scriptItemSchema.index({ number: 1 }, { unique: true, sparse: true });

/** The reply-script items collection on this connection. */
export function scriptItemModel(conn: Connection): Model<ScriptItemDoc> {
  return (conn.models.ScriptItem as Model<ScriptItemDoc>) ?? conn.model<ScriptItemDoc>('ScriptItem', scriptItemSchema);
}
