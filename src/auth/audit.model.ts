import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** One operator action that changes something (or tried to): who, what, when, from where, result. */
export interface AuditDoc {
  _id: Types.ObjectId;
  at: Date;
  /** The operator (id and username), or the username a sign-in named. */
  operatorId?: string;
  username?: string;
  /** The owner scope the operator acted in (absent: every owner). */
  owner?: string;
  /** Method and route, e.g. `PATCH /api/v1/robots/:id`. */
  action: string;
  /** The `:id` of the route, when it has one. */
  targetId?: string;
  status: number;
  result: 'ok' | 'refused' | 'failed';
  /** The error code of a refusal or failure. */
  code?: string;
  address?: string;
  requestId?: string;
  /** When MongoDB drops the entry (TTL index): `at` plus the configured keep time. */
  expiresAt: Date;
}

const auditSchema = new Schema<AuditDoc>(
  {
    at: { type: Date, required: true },
    operatorId: String,
    username: String,
    owner: String,
    action: { type: String, required: true },
    targetId: String,
    status: { type: Number, required: true },
    result: { type: String, enum: ['ok', 'refused', 'failed'], required: true },
    code: String,
    address: String,
    requestId: String,
    expiresAt: { type: Date, required: true },
  },
  { collection: 'audit_log', versionKey: false },
);
auditSchema.index({ operatorId: 1, _id: -1 });
auditSchema.index({ owner: 1, _id: -1 });
auditSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** The audit log (collection audit_log); each entry is dropped by MongoDB at its `expiresAt`. */
export function auditModel(conn: Connection): Model<AuditDoc> {
  return (conn.models.AuditEntry as Model<AuditDoc>) ?? conn.model<AuditDoc>('AuditEntry', auditSchema);
}
