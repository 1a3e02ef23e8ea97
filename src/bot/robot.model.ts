import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const PUPPET_KINDS = ['service', 'wechat4u', 'mock'] as const;
export const ROBOT_STATUSES = [
  'created',
  'starting',
  'waiting_for_scan',
  'logged_in',
  'logged_out',
  'offline',
  'error',
  'stopped',
] as const;

const puppetSchema = new Schema(
  {
    kind: { type: String, enum: PUPPET_KINDS, required: true },
    /** puppet-service token: a credential for the upstream service, needed in clear to connect; never returned or logged. */
    token: { type: String, select: false },
    endpoint: String,
    tlsDisable: Boolean,
  },
  { _id: false },
);

const robotSchema = new Schema(
  {
    name: { type: String, required: true },
    owner: { type: String, required: true, index: true },
    /** Seed 001 agent_id: rooms whose name ends with it are bound to this robot. */
    agentCode: String,
    callbackUrl: String,
    puppet: { type: puppetSchema, required: true },
    /** Whether the robot should run; the manager starts these at boot. */
    desired: { type: String, enum: ['running', 'stopped'], default: 'stopped' },
    status: { type: String, enum: ROBOT_STATUSES, default: 'created' },
    statusReason: String,
    retryAt: Date,
    statusAt: Date,
    wxId: String,
    wxName: String,
    /** Optional extra identity from the seed APIs (e.g. seed 001 `username`, seed 000 `md_username`). */
    username: String,
    /** Group owners may be assigned this robot (seed 002 distribution; false: 不可分配). */
    assignable: { type: Boolean, default: true },
    /** Runs only in a qunbot process with this label (QUNBOT_PROCESS_LABEL); unset: any process. */
    pin: String,
    qr: { payload: String, dataUrl: String, expiresAt: Date },
    loggedInAt: Date,
  },
  { timestamps: true },
);

export type RobotDoc = InferSchemaType<typeof robotSchema> & { _id: import('mongoose').Types.ObjectId };

export function robotModel(conn: Connection): Model<RobotDoc> {
  return (conn.models.Robot as Model<RobotDoc>) ?? conn.model<RobotDoc>('Robot', robotSchema);
}
