import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

/** Seed 002 service status (校验/设置当前服务状态): 1 normal, 2 under maintenance until a shown time. */
const appStatusSchema = new Schema(
  {
    tenant: { type: String, required: true, unique: true },
    status: { type: Number, required: true },
    upGradeEndTime: String,
  },
  { timestamps: true, collection: 'seed002_appstatus' },
);

export type AppStatusDoc = InferSchemaType<typeof appStatusSchema>;

export function appStatusModel(conn: Connection): Model<AppStatusDoc> {
  return (
    (conn.models.Seed002AppStatus as Model<AppStatusDoc>) ??
    conn.model<AppStatusDoc>('Seed002AppStatus', appStatusSchema)
  );
}
