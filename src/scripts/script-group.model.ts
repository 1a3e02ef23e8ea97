import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A group of ready-made replies (seed 004 话术分组), one owner's. */
export interface ScriptGroupDoc {
  _id: Types.ObjectId;
  owner: string;
  name: string;
  description?: string;
  /** The operator who made it (username), when an operator did. */
  createdBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

const scriptGroupSchema = new Schema<ScriptGroupDoc>(
  {
    owner: { type: String, required: true },
    name: { type: String, required: true },
    description: String,
    createdBy: String,
  },
  { collection: 'script_groups', timestamps: true, versionKey: false },
);
scriptGroupSchema.index({ owner: 1, name: 1 }, { unique: true });

/** The reply-script groups collection on this connection. */
export function scriptGroupModel(conn: Connection): Model<ScriptGroupDoc> {
  return (
    (conn.models.ScriptGroup as Model<ScriptGroupDoc>) ?? conn.model<ScriptGroupDoc>('ScriptGroup', scriptGroupSchema)
  );
}
