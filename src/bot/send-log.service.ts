import type { Db, Types } from '../db/types';
import { insertAbsent } from '../db/ops';
import type { OutboundContent } from './content';
import { sendLogModel, type SendLogDoc } from './send-log.model';
import { updateByIdThenRead } from '../db/ops';

/** Where a send is: queued, sending, sent, failed, room_not_found, unknown or cancelled. */
export type SendStatus = SendLogDoc['status'];

/** A send as the outbox logs it before trying it. */
export interface NewSend {
  robotId: string;
  conversationId: string;
  roomId?: string;
  content: OutboundContent;
  mentionIds?: string[];
  source?: string;
}

/** What a send's status read says. */
export interface SendStatusOnly {
  id: string;
  batchId: string;
  status: SendStatus;
  recalled: boolean;
}

/** A send whose id and idempotency `key` the caller chose, grouped by `batchId`. */
export interface PreparedSend extends NewSend {
  id: string;
  key: string;
  batchId: string;
}

/** A send as logged: what, where, from which source, and its outcome. */
export interface SendRecord {
  id: string;
  robotId: string;
  conversationId: string;
  roomId?: string;
  content: OutboundContent;
  mentionIds: string[];
  status: SendStatus;
  /** Who asked for it (`api`, `seed003`, a plugin's name...). */
  source?: string;
  puppetMessageId?: string;
  error?: string;
  batchId?: string;
  sentAt?: Date;
  recalledAt?: Date;
  recallError?: string;
}

function toRecord(d: SendLogDoc & { _id: Types.ObjectId }): SendRecord {
  return {
    id: d._id.toString(),
    robotId: d.robotId.toString(),
    conversationId: d.conversationId,
    ...(d.roomId ? { roomId: d.roomId.toString() } : {}),
    content: d.content as OutboundContent,
    mentionIds: d.mentionIds ?? [],
    status: d.status,
    ...(d.source ? { source: d.source } : {}),
    ...(d.puppetMessageId ? { puppetMessageId: d.puppetMessageId } : {}),
    ...(d.error ? { error: d.error } : {}),
    ...(d.batchId ? { batchId: d.batchId.toString() } : {}),
    ...(d.sentAt ? { sentAt: d.sentAt } : {}),
    ...(d.recalledAt ? { recalledAt: d.recalledAt } : {}),
    ...(d.recallError ? { recallError: d.recallError } : {}),
  };
}

/** The persisted log of every send: queued before it goes, updated with the outcome. */
export class SendLogService {
  private readonly Log;
  constructor(conn: Db) {
    this.Log = sendLogModel(conn);
  }

  /** Logs a new send as `queued`. */
  async create(s: NewSend): Promise<SendRecord> {
    const doc = await this.Log.create({ ...s, status: 'queued' });
    return toRecord(doc.toObject());
  }

  /**
   * Logs sends that belong together as `queued`: all or none (every one validated before any is
   * written; what a failed write left is removed again).
   */
  async createAll(sends: readonly NewSend[]): Promise<SendRecord[]> {
    const docs = sends.map((s) => new this.Log({ ...s, status: 'queued' }));
    try {
      await this.Log.insertMany(docs, { ordered: true });
    } catch (err) {
      await this.Log.deleteMany({ _id: { $in: docs.map((d) => d._id) } }).catch(() => undefined);
      throw err;
    }
    return docs.map((d) => toRecord(d.toObject()));
  }

  /**
   * Stores sends whose ids and keys the caller fixed (e.g. in a broadcast delivery), skipping any
   * already stored, so a caller interrupted half way can simply call again. Returns the records
   * and whether some were already there (then their stored state, not these, is the truth).
   */
  async insertPrepared(sends: readonly PreparedSend[]): Promise<{ records: SendRecord[]; existed: boolean }> {
    if (sends.length === 0) return { records: [], existed: false };
    const docs = sends.map(({ id, ...s }) => ({ _id: id, ...s, status: 'queued' as const, attempts: 0 }));
    const existed = await insertAbsent(this.Log, docs);
    const records = docs.map((d, i) => ({
      id: sends[i].id,
      robotId: d.robotId,
      conversationId: d.conversationId,
      ...(d.roomId ? { roomId: d.roomId } : {}),
      content: d.content,
      mentionIds: d.mentionIds ?? [],
      status: 'queued' as const,
      batchId: d.batchId,
    }));
    return { records, existed };
  }

  /** The sends of some batches. */
  async listBatches(batchIds: readonly string[]): Promise<SendRecord[]> {
    const docs = await this.Log.find({ batchId: { $in: batchIds } })
      .sort({ _id: 1 })
      .lean();
    return docs.map(toRecord);
  }

  /** Only the statuses of the sends of some batches (cheaper to read than whole records). */
  async statusesOf(batchIds: readonly string[]): Promise<SendStatusOnly[]> {
    if (batchIds.length === 0) return [];
    const docs = await this.Log.find({ batchId: { $in: batchIds } }, { batchId: 1, status: 1, recalledAt: 1 }).lean();
    return docs.map((d) => ({
      id: d._id.toString(),
      batchId: String(d.batchId),
      status: d.status,
      recalled: d.recalledAt != null,
    }));
  }

  /** queued -> cancelled for every send of the batches; an outbox that picks one up skips it. */
  async cancelQueued(batchIds: readonly string[]): Promise<number> {
    const res = await this.Log.updateMany(
      { batchId: { $in: batchIds }, status: 'queued' },
      { $set: { status: 'cancelled' } },
    );
    return res.modifiedCount;
  }

  /** Records the outcome of recalling a sent message. */
  async markRecall(id: string, outcome: { ok: true; at: Date } | { ok: false; error: string }): Promise<void> {
    const set = outcome.ok ? { recalledAt: outcome.at } : { recallError: outcome.error };
    await this.Log.updateOne({ _id: id, status: 'sent' }, { $set: set });
  }

  /**
   * queued -> sending, atomically, under the robot's lease `epoch` (several processes: a send
   * fenced by a newer holder is refused); null when another worker took it, it was cancelled or
   * fenced.
   */
  async claim(id: string, epoch = 0): Promise<SendRecord | null> {
    const doc = await updateByIdThenRead(
      this.Log,
      { _id: id, status: 'queued', fence: { $not: { $gt: epoch } } },
      { $set: { status: 'sending', epoch }, $inc: { attempts: 1 } },
    );
    return doc ? toRecord(doc) : null;
  }

  /** Back to the queue (e.g. the robot logged out before the send), if still claimed under `epoch`. */
  async requeue(id: string, epoch = 0): Promise<void> {
    await this.Log.updateOne({ _id: id, status: 'sending', epoch }, { $set: { status: 'queued' } });
  }

  /**
   * sending -> the outcome, if still claimed under `epoch`; returns what was written (null when
   * the send was no longer this claim's, e.g. a new holder marked it unknown).
   */
  async finish(
    id: string,
    status: 'sent' | 'failed' | 'room_not_found',
    extra: { puppetMessageId?: string; error?: string } = {},
    epoch = 0,
  ): Promise<Pick<SendRecord, 'status' | 'puppetMessageId' | 'error' | 'sentAt'> | null> {
    const set = { status, ...extra, ...(status === 'sent' ? { sentAt: new Date() } : {}) };
    const res = await this.Log.updateOne({ _id: id, status: 'sending', epoch }, { $set: set });
    return res.modifiedCount === 1 ? set : null;
  }

  /**
   * A process took the robot over with lease `epoch`: the sends still queued may be claimed only
   * under that epoch or a newer one (the former holder, paused or cut off, can claim none).
   */
  async fence(robotId: string, epoch: number): Promise<void> {
    await this.Log.updateMany({ robotId, status: 'queued' }, { $max: { fence: epoch } });
  }

  /** Queued sends of a robot by id (another process logged them; this one sends them). */
  async queuedByIds(robotId: string, ids: readonly string[]): Promise<SendRecord[]> {
    const valid = ids.filter((id) => /^[0-9a-f]{24}$/i.test(id));
    if (valid.length === 0) return [];
    const docs = await this.Log.find({ _id: { $in: valid }, robotId, status: 'queued' })
      .sort({ _id: 1 })
      .lean();
    return docs.map(toRecord);
  }

  /** How many sends of the robot wait (its outbox's length, wherever it runs). */
  async countQueued(robotId: string): Promise<number> {
    return this.Log.countDocuments({ robotId, status: 'queued' });
  }

  /**
   * The record once it has an outcome (read every `pollMs`, a send of a robot in another process),
   * or as it is after `maxMs`.
   */
  async settledRecord(
    id: string,
    sleep: (ms: number) => Promise<void>,
    pollMs = 250,
    maxMs = 300_000,
  ): Promise<SendRecord> {
    for (let waited = 0; ; waited += pollMs) {
      const r = await this.get(id);
      if (!r || (r.status !== 'queued' && r.status !== 'sending') || waited >= maxMs) return r as SendRecord;
      await sleep(pollMs);
    }
  }

  /** The send record, or null. */
  async get(id: string): Promise<SendRecord | null> {
    const doc = await this.Log.findById(id).lean();
    return doc ? toRecord(doc) : null;
  }

  /**
   * After a crash: sends left `sending` may or may not have reached WeChat, so they are marked
   * `unknown` and not repeated; `queued` ones are returned, oldest first, to be sent.
   */
  async recover(robotId: string, epoch?: number): Promise<{ queued: SendRecord[]; unknown: number }> {
    // Several processes: only sends claimed under an older lease (a former holder's) are orphaned.
    const res = await this.Log.updateMany(
      { robotId, status: 'sending', ...(epoch === undefined ? {} : { epoch: { $not: { $gte: epoch } } }) },
      { $set: { status: 'unknown', error: 'interrupted: outcome unknown' } },
    );
    const queued = await this.Log.find({ robotId, status: 'queued' }).sort({ createdAt: 1, _id: 1 }).lean();
    return { queued: queued.map(toRecord), unknown: res.modifiedCount };
  }
}
