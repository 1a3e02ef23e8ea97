import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A group of ready-made replies (seed 004 话术分组), one owner's. */
export interface ScriptGroupDoc {
  _id: Types.ObjectId;
  /** 1, 2, 3...: the seed 004 id (absent on groups made before numbering: given when first listed). */
  number?: number;
  owner: string;
  name: string;
  description?: string;
  /** The person the group belongs to (seed 004 userProfile, 归属用户), free text. */
  assignee?: string;
  /** The operator who made it (username), when an operator did. */
  createdBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

const scriptGroupSchema = new Schema<ScriptGroupDoc>(
  {
    number: Number,
    owner: { type: String, required: true },
    name: { type: String, required: true },
    description: String,
    assignee: String,
    createdBy: String,
  },
  { collection: 'script_groups', timestamps: true, versionKey: false },
);
scriptGroupSchema.index({ owner: 1, name: 1 }, { unique: true });
scriptGroupSchema.index({ number: 1 }, { unique: true, sparse: true });

/** The reply-script groups collection on this connection. */
export function scriptGroupModel(conn: Connection): Model<ScriptGroupDoc> {
  return (
    (conn.models.ScriptGroup as Model<ScriptGroupDoc>) ?? conn.model<ScriptGroupDoc>('ScriptGroup', scriptGroupSchema)
  );
}
