import { Schema, type Connection, type Model } from 'mongoose';

/** One botcode of one channel, bound to a robot. */
export interface BindingDoc {
  chid: string;
  botcode: string;
  robotId: string;
  createdAt: Date;
}

const bindingSchema = new Schema<BindingDoc>(
  {
    chid: { type: String, required: true },
    botcode: { type: String, required: true },
    robotId: { type: String, required: true, index: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'seed003_bots', versionKey: false },
);
// One robot per botcode and channel, even when two logins race.
bindingSchema.index({ chid: 1, botcode: 1 }, { unique: true });

/** The seed 003 botcode bindings (collection seed003_bots). */
export function bindingModel(conn: Connection): Model<BindingDoc> {
  return (conn.models.Seed003Binding as Model<BindingDoc>) ?? conn.model<BindingDoc>('Seed003Binding', bindingSchema);
}
