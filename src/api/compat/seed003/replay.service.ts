import { isDuplicateKey } from '../../../db/errors';
import type { Db, Model } from '../../../db/types';
import { answer, RtCode, type Answer } from './envelope';
import { requestModel, type RequestDoc } from './replay.model';

/** Where a txcode is unique: per channel and calendar day (the txtime's). */
export interface Slot {
  chid: string;
  day: string;
  txcode: string;
}

/** What is kept beside the first answer, for people tracing a request (not answered). */
export interface ReplayMeta {
  robotId?: string;
  msgid?: number;
  sendId?: string;
}

/** The first answer to a txcode, plus what it did. */
export interface Outcome {
  answer: Answer;
  meta?: ReplayMeta;
}

const inProgress = () =>
  answer(
    RtCode.txcodeInProgress,
    '处理中 (the first request with this txcode is still being processed; ask again shortly)',
    {},
    409,
  );

const reused = (name: string) =>
  answer(RtCode.txcodeReused, `流水号重复 (txcode already used today by this channel for ${name})`, {}, 409);

/**
 * Makes each (channel, day, txcode) act at most once: the first request claims the slot (a unique
 * insert) before it acts and stores its answer; a later request with the same txcode gets that
 * answer without acting. A duplicate arriving while the first is still running waits for it when
 * both are in this process; from another process it is told to retry (2006) rather than act.
 * A first request that fails unexpectedly gives its slot back, so the client may retry it.
 */
export class ReplayStore {
  private readonly Request: Model<RequestDoc>;
  private ready: Promise<unknown> | undefined;
  private readonly inflight = new Map<string, { name: string; done: Promise<Answer> }>();

  constructor(
    conn: Db,
    private readonly now: () => number,
  ) {
    this.Request = requestModel(conn);
  }

  /** The unique index must exist before the first claim, or two first requests could both act. */
  private init(): Promise<unknown> {
    this.ready ??= this.Request.init().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** What a channel's msgid did, from the record of the request that got it (kept 3 days); null if none. */
  async byMsgid(chid: string, msgid: number): Promise<{ sendId?: string } | null> {
    const doc = await this.Request.findOne({ chid, msgid, state: 'done' }, { sendId: 1 }).lean();
    return doc ? (doc.sendId ? { sendId: doc.sendId } : {}) : null;
  }

  /** The channel and msgid of the request that queued the send, when it was answered sendStatus "0"; else null. */
  async answeredQueued(sendId: string): Promise<{ chid: string; msgid: number } | null> {
    const doc = await this.Request.findOne(
      { sendId, state: 'done', 'body.sendStatus': '0' },
      { chid: 1, msgid: 1 },
    ).lean();
    return doc && typeof doc.msgid === 'number' ? { chid: doc.chid, msgid: doc.msgid } : null;
  }

  /** Runs `act` once for the slot; answers the stored first answer to every repeat. */
  async run(slot: Slot, name: string, act: () => Promise<Outcome>): Promise<{ answer: Answer; replayed: boolean }> {
    const key = `${slot.chid}\n${slot.day}\n${slot.txcode}`;
    const running = this.inflight.get(key);
    if (running)
      return running.name === name
        ? { answer: await running.done, replayed: true }
        : { answer: reused(running.name), replayed: false };

    let settle!: { resolve(a: Answer): void; reject(e: unknown): void };
    const done = new Promise<Answer>((resolve, reject) => (settle = { resolve, reject }));
    // Nobody may be waiting: a failure must not become an unhandled rejection.
    done.catch(() => undefined);
    this.inflight.set(key, { name, done });
    try {
      const result = await this.claimAndAct(slot, name, act);
      settle.resolve(result.answer);
      return result;
    } catch (err) {
      settle.reject(err);
      throw err;
    } finally {
      this.inflight.delete(key);
    }
  }

  private async claimAndAct(
    slot: Slot,
    name: string,
    act: () => Promise<Outcome>,
  ): Promise<{ answer: Answer; replayed: boolean }> {
    await this.init();
    let id: unknown;
    // A claim that vanishes between our failed insert and the read was given back (its request
    // failed): claim again. Twice is plenty; a third loss is reported as in progress.
    for (let attempt = 0; id === undefined; attempt++) {
      try {
        id = (await this.Request.create({ ...slot, name, state: 'pending', createdAt: new Date(this.now()) }))._id;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const earlier = await this.earlier(slot, name);
        if (earlier || attempt >= 2) return earlier ?? { answer: inProgress(), replayed: false };
      }
    }
    let outcome: Outcome;
    try {
      outcome = await act();
    } catch (err) {
      await this.Request.deleteOne({ _id: id, state: 'pending' }).catch(() => undefined);
      throw err;
    }
    const { status, body } = outcome.answer;
    await this.Request.updateOne({ _id: id }, { $set: { state: 'done', status, body, ...outcome.meta } });
    return { answer: outcome.answer, replayed: false };
  }

  /** The answer for a slot someone else claimed first; null when the claim is gone. */
  private async earlier(slot: Slot, name: string): Promise<{ answer: Answer; replayed: boolean } | null> {
    const doc = await this.Request.findOne(slot).lean();
    if (!doc) return null;
    if (doc.name !== name) return { answer: reused(doc.name), replayed: false };
    if (doc.state !== 'done' || !doc.body) return { answer: inProgress(), replayed: false };
    return { answer: { status: doc.status ?? 200, body: doc.body }, replayed: true };
  }

  /** Test and operator helper: how many txcodes a channel has used. */
  count(chid: string): Promise<number> {
    return this.Request.countDocuments({ chid });
  }
}
