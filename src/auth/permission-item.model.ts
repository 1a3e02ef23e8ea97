import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * One item of the permission tree as seed 004 manages it (权限条目): numbered, named, with its key
 * (`url_path`) and parent. The built-in items are qunbot's permission tree; others are a seed
 * client's own (roles may hold them; qunbot's checks ignore them).
 */
export interface PermissionItemDoc {
  _id: Types.ObjectId;
  number: number;
  name: string;
  key: string;
  parent?: number;
  builtIn: boolean;
  createdAt: Date;
}

const permissionItemSchema = new Schema<PermissionItemDoc>(
  {
    number: { type: Number, required: true, unique: true },
    name: { type: String, required: true },
    key: { type: String, required: true, unique: true },
    parent: Number,
    builtIn: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'permission_items', versionKey: false },
);

/** The permission items collection on this connection. */
export function permissionItemModel(conn: Connection): Model<PermissionItemDoc> {
  return (
    (conn.models.PermissionItem as Model<PermissionItemDoc>) ??
    conn.model<PermissionItemDoc>('PermissionItem', permissionItemSchema)
  );
}
