import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const TASK_STATES = ['active', 'paused', 'finished', 'recalled'] as const;
export const TARGET_MODES = ['rooms', 'flag', 'all'] as const;
export const TARGET_FLAGS = ['production', 'launch', 'bound'] as const;

const taskSchema = new Schema(
  {
    owner: { type: String, required: true },
    name: { type: String, required: true },
    /** What each room receives, in order: OutboundContent objects (text, image, link, miniprogram). */
    materials: { type: [Schema.Types.Mixed], required: true },
    /** Which rooms: listed room ids, rooms with a flag on, or every room of the owner. */
    targets: {
      mode: { type: String, enum: TARGET_MODES, required: true },
      roomIds: { type: [Schema.Types.ObjectId], default: undefined },
      flag: { type: String, enum: TARGET_FLAGS },
      /** flag and all modes: only rooms rated at least this many stars (seed 002 群星级). */
      minStar: Number,
    },
    schedule: {
      kind: { type: String, enum: ['now', 'once', 'cron'], required: true },
      at: Date,
      expression: String,
      timeZone: String,
    },
    endAt: Date,
    maxRuns: Number,
    state: { type: String, enum: TASK_STATES, default: 'active' },
    /** When the next run is due; null once there is none. The ticker's only query is on this. */
    nextRunAt: { type: Date, default: null },
    /** Runs recorded so far (executed and missed); the next run's number is seq + 1. */
    seq: { type: Number, default: 0 },
    /** Runs executed (maxRuns counts these). */
    executed: { type: Number, default: 0 },
    /** Who asked for it: `api`, `seed000:<platform>`, ... */
    source: String,
  },
  { timestamps: true },
);
taskSchema.index({ state: 1, nextRunAt: 1 });
taskSchema.index({ owner: 1, _id: 1 });

export type BroadcastTaskDoc = InferSchemaType<typeof taskSchema> & {
  _id: import('mongoose').Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};

export function broadcastTaskModel(conn: Connection): Model<BroadcastTaskDoc> {
  return (
    (conn.models.BroadcastTask as Model<BroadcastTaskDoc>) ?? conn.model<BroadcastTaskDoc>('BroadcastTask', taskSchema)
  );
}
