import type { Connection, Types } from 'mongoose';
import { isDuplicateKey } from '../db-errors';
import type { OutboundContent } from './content';
import { sendLogModel, type SendLogDoc } from './send-log.model';

export type SendStatus = SendLogDoc['status'];

export interface NewSend {
  robotId: string;
  conversationId: string;
  roomId?: string;
  content: OutboundContent;
  mentionIds?: string[];
  source?: string;
}

/** A send whose creation is idempotent by `key`, grouped by `batchId`. */
export interface KeyedSend extends NewSend {
  key: string;
  batchId: string;
}

export interface SendRecord {
  id: string;
  robotId: string;
  conversationId: string;
  roomId?: string;
  content: OutboundContent;
  mentionIds: string[];
  status: SendStatus;
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
  constructor(conn: Connection) {
    this.Log = sendLogModel(conn);
  }

  async create(s: NewSend): Promise<SendRecord> {
    const doc = await this.Log.create({ ...s, status: 'queued' });
    return toRecord(doc.toObject());
  }

  /**
   * Creates the sends that do not exist yet (by key) and returns all of them, aligned with the input, so
   * a caller interrupted half way can simply call again.
   */
  async createKeyed(sends: readonly KeyedSend[]): Promise<SendRecord[]> {
    if (sends.length === 0) return [];
    try {
      await this.Log.bulkWrite(
        sends.map(({ key, ...s }) => ({ updateOne: { filter: { key }, update: { $setOnInsert: { ...s, status: 'queued', attempts: 0 } }, upsert: true } })),
        { ordered: false },
      );
    } catch (err) {
      // Two callers upserting one key at once: one insert loses on the unique index; the record exists.
      if (!isDuplicateKey(err)) throw err;
    }
    const docs = await this.Log.find({ key: { $in: sends.map((s) => s.key) } }).lean();
    const byKey = new Map(docs.map((d) => [d.key, toRecord(d)]));
    return sends.map((s) => {
      const r = byKey.get(s.key);
      if (!r) throw new Error(`send ${s.key} was not stored`);
      return r;
    });
  }

  /** The sends of some batches. */
  async listBatches(batchIds: readonly string[]): Promise<SendRecord[]> {
    const docs = await this.Log.find({ batchId: { $in: batchIds } }).sort({ _id: 1 }).lean();
    return docs.map(toRecord);
  }

  /** How many sends of a batch may still go out. */
  countOpen(batchId: string): Promise<number> {
    return this.Log.countDocuments({ batchId, status: { $in: ['queued', 'sending'] } });
  }

  /** queued -> cancelled for every send of the batches; an outbox that picks one up skips it. */
  async cancelQueued(batchIds: readonly string[]): Promise<number> {
    const res = await this.Log.updateMany({ batchId: { $in: batchIds }, status: 'queued' }, { $set: { status: 'cancelled' } });
    return res.modifiedCount;
  }

  /** Records the outcome of recalling a sent message. */
  async markRecall(id: string, outcome: { ok: true; at: Date } | { ok: false; error: string }): Promise<void> {
    const set = outcome.ok ? { recalledAt: outcome.at } : { recallError: outcome.error };
    await this.Log.updateOne({ _id: id, status: 'sent' }, { $set: set });
  }

  /** queued -> sending, atomically; null when another worker took it or it was cancelled. */
  async claim(id: string): Promise<SendRecord | null> {
    const doc = await this.Log.findOneAndUpdate(
      { _id: id, status: 'queued' },
      { $set: { status: 'sending' }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean();
    return doc ? toRecord(doc) : null;
  }

  /** Back to the queue (e.g. the robot logged out before the send). */
  async requeue(id: string): Promise<void> {
    await this.Log.updateOne({ _id: id, status: 'sending' }, { $set: { status: 'queued' } });
  }

  async finish(id: string, status: 'sent' | 'failed' | 'room_not_found', extra: { puppetMessageId?: string; error?: string } = {}): Promise<void> {
    await this.Log.updateOne(
      { _id: id, status: 'sending' },
      { $set: { status, ...extra, ...(status === 'sent' ? { sentAt: new Date() } : {}) } },
    );
  }

  async get(id: string): Promise<SendRecord | null> {
    const doc = await this.Log.findById(id).lean();
    return doc ? toRecord(doc) : null;
  }

  /**
   * After a crash: sends left `sending` may or may not have reached WeChat, so they are marked
   * `unknown` and not repeated; `queued` ones are returned, oldest first, to be sent.
   */
  async recover(robotId: string): Promise<{ queued: SendRecord[]; unknown: number }> {
    const res = await this.Log.updateMany({ robotId, status: 'sending' }, { $set: { status: 'unknown', error: 'interrupted: outcome unknown' } });
    const queued = await this.Log.find({ robotId, status: 'queued' }).sort({ createdAt: 1, _id: 1 }).lean();
    return { queued: queued.map(toRecord), unknown: res.modifiedCount };
  }
}

