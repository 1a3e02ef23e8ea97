import type { Connection, Types } from 'mongoose';
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

export interface SendRecord {
  id: string;
  robotId: string;
  conversationId: string;
  content: OutboundContent;
  mentionIds: string[];
  status: SendStatus;
  puppetMessageId?: string;
  error?: string;
}

function toRecord(d: SendLogDoc & { _id: Types.ObjectId }): SendRecord {
  return {
    id: d._id.toString(),
    robotId: d.robotId.toString(),
    conversationId: d.conversationId,
    content: d.content as OutboundContent,
    mentionIds: d.mentionIds ?? [],
    status: d.status,
    ...(d.puppetMessageId ? { puppetMessageId: d.puppetMessageId } : {}),
    ...(d.error ? { error: d.error } : {}),
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
