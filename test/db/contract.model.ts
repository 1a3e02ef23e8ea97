import { Schema, type Connection } from 'mongoose';

/** Small models shaped like the ones qunbot relies on, for the persistence contract suite. */
export function contractModels(conn: Connection) {
  const account = new Schema({
    name: { type: String, required: true, unique: true },
    secretHash: { type: String, select: false },
    points: { type: Number, default: 0 },
  });
  const signIn = new Schema({ room: String, member: String, day: String });
  signIn.index({ room: 1, member: 1, day: 1 }, { unique: true });
  const job = new Schema({
    key: { type: String, unique: true },
    status: String,
    owner: String,
    attempts: { type: Number, default: 0 },
  });
  const logEntry = new Schema({ at: Date, text: String });
  logEntry.index({ at: 1 }, { expireAfterSeconds: 3600 });
  const sale = new Schema({ room: String, amount: Number });
  return {
    Account: conn.model('Account', account),
    SignIn: conn.model('SignIn', signIn),
    Job: conn.model('Job', job),
    LogEntry: conn.model('LogEntry', logEntry),
    Sale: conn.model('Sale', sale),
  };
}
