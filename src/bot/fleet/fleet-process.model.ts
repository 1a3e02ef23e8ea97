import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** A qunbot process of the fleet: seen alive until `expiresAt`, with its load and whether it drains. */
const fleetProcessSchema = new Schema(
  {
    /** The process id (`host:pid:boot`). */
    _id: { type: String, required: true },
    label: { type: String, required: true },
    host: { type: String, required: true },
    pid: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    /** Alive until then unless it reports again (it reports every third of a lease). */
    expiresAt: { type: Date, required: true },
    /** Robots it holds, as of its last report. */
    hosted: { type: Number, default: 0 },
    /** Set by an operator: the process hands its robots to the others and takes no new ones. */
    draining: { type: Boolean, default: false },
    /** Removed a day after the process was last seen. */
    seenAt: { type: Date, required: true, expires: 86_400 },
  },
  { versionKey: false },
);
fleetProcessSchema.index({ label: 1 });

export type FleetProcessDoc = InferSchemaType<typeof fleetProcessSchema>;

export function fleetProcessModel(conn: Connection): Model<FleetProcessDoc> {
  return (
    (conn.models.FleetProcess as Model<FleetProcessDoc>) ??
    conn.model<FleetProcessDoc>('FleetProcess', fleetProcessSchema)
  );
}
