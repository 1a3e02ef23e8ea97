import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** An operator account (seed 004 用户): a person who signs in to run robots and rooms. */
export interface OperatorDoc {
  _id: Types.ObjectId;
  /** 1, 2, 3... in creation order: the seed 004 `user_id`. */
  number: number;
  /** Sign-in name, stored lower-case (unique). */
  username: string;
  displayName: string;
  /** Job title (seed 004 职位). */
  position?: string;
  roleId: Types.ObjectId;
  /** The owner whose robots and rooms the operator manages; absent: every owner. */
  owner?: string;
  enabled: boolean;
  /** Argon2id PHC string; never returned, never logged. */
  passwordHash: string;
  /** Set by a generated or reset password: the next sign-in must change it (seed is_reset_password). */
  mustChangePassword: boolean;
  /** The operator made at first start (at most one). */
  bootstrap?: boolean;
  lastLoginAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const operatorSchema = new Schema<OperatorDoc>(
  {
    number: { type: Number, required: true, unique: true },
    username: { type: String, required: true, unique: true },
    displayName: { type: String, required: true },
    position: String,
    roleId: { type: Schema.Types.ObjectId, required: true, index: true },
    owner: String,
    enabled: { type: Boolean, required: true },
    passwordHash: { type: String, required: true },
    mustChangePassword: { type: Boolean, required: true },
    bootstrap: Boolean,
    lastLoginAt: Date,
  },
  { collection: 'operators', timestamps: true, versionKey: false },
);
operatorSchema.index({ bootstrap: 1 }, { unique: true, partialFilterExpression: { bootstrap: true } });

/** The operators collection on this connection. */
export function operatorModel(conn: Connection): Model<OperatorDoc> {
  return (conn.models.Operator as Model<OperatorDoc>) ?? conn.model<OperatorDoc>('Operator', operatorSchema);
}
