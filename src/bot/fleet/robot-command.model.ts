import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const ROBOT_COMMANDS = [
  'start',
  'stop',
  'logout',
  'sync',
  'recall',
  'profile',
  'quit-room',
  'refresh',
  'pickup',
] as const;

/**
 * A call about a robot that another process hosts: addressed to that process, which runs it and
 * writes the result or error; the caller reads it and removes the document.
 */
const robotCommandSchema = new Schema(
  {
    robotId: { type: Schema.Types.ObjectId, required: true },
    /** The process that holds the robot's lease. */
    to: { type: String, required: true },
    kind: { type: String, enum: ROBOT_COMMANDS, required: true },
    args: Schema.Types.Mixed,
    state: { type: String, enum: ['pending', 'running', 'done', 'failed'], default: 'pending' },
    result: Schema.Types.Mixed,
    /** A failed command's error: its name (e.g. RobotNotFoundError), code and message. */
    error: { name: String, code: String, message: String, status: Number },
    /** Unanswered commands are removed after an hour. */
    createdAt: { type: Date, default: () => new Date(), expires: 3600 },
  },
  { versionKey: false },
);
robotCommandSchema.index({ to: 1, state: 1 });

export type RobotCommandDoc = InferSchemaType<typeof robotCommandSchema> & {
  _id: import('mongoose').Types.ObjectId;
};
export type RobotCommandKind = (typeof ROBOT_COMMANDS)[number];

export function robotCommandModel(conn: Connection): Model<RobotCommandDoc> {
  return (
    (conn.models.RobotCommand as Model<RobotCommandDoc>) ??
    conn.model<RobotCommandDoc>('RobotCommand', robotCommandSchema)
  );
}
