import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A role: a named set of permission keys (seed 004 角色). */
export interface RoleDoc {
  _id: Types.ObjectId;
  /** 1, 2, 3... in creation order: the seed 004 `role_id`. */
  number: number;
  name: string;
  description?: string;
  permissions: string[];
  /** The built-in administrator role: every permission, now and later; cannot be changed or deleted. */
  builtIn?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const roleSchema = new Schema<RoleDoc>(
  {
    number: { type: Number, required: true, unique: true },
    name: { type: String, required: true, unique: true },
    description: String,
    permissions: { type: [String], default: [] },
    builtIn: Boolean,
  },
  { collection: 'roles', timestamps: true, versionKey: false },
);
// At most one built-in role, even when two processes start together.
roleSchema.index({ builtIn: 1 }, { unique: true, partialFilterExpression: { builtIn: true } });

/** The roles collection on this connection. */
export function roleModel(conn: Connection): Model<RoleDoc> {
  return (conn.models.Role as Model<RoleDoc>) ?? conn.model<RoleDoc>('Role', roleSchema);
}
