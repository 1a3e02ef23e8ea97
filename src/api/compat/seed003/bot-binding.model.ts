import { Schema, type Connection, type Model } from 'mongoose';

/** One botcode of one channel, bound to a robot. */
export interface BindingDoc {
  chid: string;
  botcode: string;
  robotId: string;
  /** The WeChat account the botcode stands for: the first one its robot logged in as. */
  wxId?: string;
  createdAt: Date;
}

const bindingSchema = new Schema<BindingDoc>(
  {
    chid: { type: String, required: true },
    botcode: { type: String, required: true },
    robotId: { type: String, required: true, index: true },
    wxId: String,
    createdAt: { type: Date, required: true },
  },
  { collection: 'seed003_bots', versionKey: false },
);
// One robot per botcode and channel, even when two logins race.
bindingSchema.index({ chid: 1, botcode: 1 }, { unique: true });
// One botcode per WeChat account and channel (the seed: 跟微信号一一对应).
bindingSchema.index({ chid: 1, wxId: 1 }, { unique: true, partialFilterExpression: { wxId: { $type: 'string' } } });

/** The seed 003 botcode bindings (collection seed003_bots). */
export function bindingModel(conn: Connection): Model<BindingDoc> {
  return (conn.models.Seed003Binding as Model<BindingDoc>) ?? conn.model<BindingDoc>('Seed003Binding', bindingSchema);
}
