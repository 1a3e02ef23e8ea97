import { EventEmitter } from 'node:events';
import type { Db } from '../../db/types';
import { isRecordId } from '../../bot/core/ids';
import type { ContextLine } from './mention-rules';
import { mentionModel, mentionNotifyModel, type MentionDoc } from './mention.model';

/** A captured @-mention of the robot with the messages around it. */
export interface Mention {
  id: string;
  owner: string;
  robotId: string;
  roomId: string;
  roomTopic?: string;
  conversationId: string;
  messageId: string;
  talkerId: string;
  talkerName?: string;
  text: string;
  at: Date;
  read: boolean;
  before: ContextLine[];
  after: ContextLine[];
  afterComplete: boolean;
}

/** A capture as the plugin stores it (its trailing context comes later). */
export type NewMention = Omit<Mention, 'id' | 'read' | 'after' | 'afterComplete'>;

/** The trailing context window of a capture: open until `until` or `wanted` messages came. */
export interface AfterWindow {
  until: Date;
  wanted: number;
}

/** A trailing context window still open in the database (to resume after a restart). */
export interface OpenAfterWindow {
  mentionId: string;
  roomId: string;
  until: Date;
  /** Messages it still takes. */
  remaining: number;
}

function toMention(d: MentionDoc): Mention {
  const lines = (xs: unknown) =>
    ((xs as ContextLine[]) ?? []).map((l) => ({
      messageId: l.messageId,
      talkerId: l.talkerId,
      talkerName: l.talkerName,
      text: l.text,
      at: l.at,
    }));
  return {
    id: d._id.toString(),
    owner: d.owner,
    robotId: d.robotId,
    roomId: d.roomId,
    ...(d.roomTopic ? { roomTopic: d.roomTopic } : {}),
    conversationId: d.conversationId,
    messageId: d.messageId,
    talkerId: d.talkerId,
    ...(d.talkerName ? { talkerName: d.talkerName } : {}),
    text: d.text,
    at: d.at,
    read: d.read ?? false,
    before: lines(d.before),
    after: lines(d.after),
    afterComplete: d.afterComplete ?? false,
  };
}

/**
 * Captured @-mentions of robots (seed 002 @消息): stored with the messages before them, the
 * trailing context appended when its window closes. Emits `stored` for every capture (the
 * console's live inbox) and `captured` for owners whose notify switch is on (the webhook outbox
 * delivers it).
 */
export class MentionService extends EventEmitter<{ captured: [Mention]; stored: [Mention] }> {
  private readonly Mention;
  private readonly Notify;
  constructor(conn: Db) {
    super();
    this.Mention = mentionModel(conn);
    this.Notify = mentionNotifyModel(conn);
  }

  /**
   * Stores a capture (idempotent per robot and message id) and returns it. With `window`, its
   * trailing context window is stored with it (a window that takes no message is closed at once).
   */
  async capture(m: NewMention, window?: AfterWindow): Promise<Mention> {
    const open = window ? { afterUntil: window.until, afterWanted: window.wanted } : {};
    const doc = await this.Mention.findOneAndUpdate(
      { robotId: m.robotId, messageId: m.messageId },
      { $setOnInsert: { ...m, ...open, read: false, after: [], afterComplete: window?.wanted === 0 } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    const mention = toMention(doc as MentionDoc);
    this.emit('stored', mention);
    if (await this.notifyEnabled(m.owner)) this.emit('captured', mention);
    return mention;
  }

  /**
   * Appends one message to an open window as it comes (so it survives a crash); `complete`: it
   * was the last the window takes. Nothing happens once the window is closed.
   */
  async appendAfter(id: string, line: ContextLine, complete: boolean): Promise<void> {
    await this.Mention.updateOne(
      { _id: id, afterComplete: false },
      { $push: { after: line }, ...(complete ? { $set: { afterComplete: true } } : {}) },
    );
  }

  /** Closes the windows whose time is over (or that have none: stored before windows were); their lines stay. */
  async closeExpiredWindows(now: Date): Promise<number> {
    const r = await this.Mention.updateMany(
      { afterComplete: false, $or: [{ afterUntil: { $lte: now } }, { afterUntil: { $exists: false } }] },
      { $set: { afterComplete: true } },
    );
    return r.modifiedCount;
  }

  /** The windows still open at `now`, with what each still takes. */
  async openWindows(now: Date): Promise<OpenAfterWindow[]> {
    const docs = await this.Mention.find(
      { afterComplete: false, afterUntil: { $gt: now } },
      { roomId: 1, afterUntil: 1, afterWanted: 1, after: 1 },
    ).lean();
    return docs.map((d) => ({
      mentionId: d._id.toString(),
      roomId: d.roomId,
      until: d.afterUntil as Date,
      remaining: Math.max(0, (d.afterWanted ?? 0) - (d.after?.length ?? 0)),
    }));
  }

  /** Appends the trailing context in one write and closes the window. */
  async completeAfter(id: string, after: ContextLine[]): Promise<void> {
    await this.Mention.updateOne(
      { _id: id, afterComplete: false },
      { $push: { after: { $each: after } }, $set: { afterComplete: true } },
    );
  }

  /** One page of `owner`'s captures, newest first, with the total count (skip/limit). */
  async list(
    owner: string,
    opts: { unreadOnly?: boolean; skip?: number; limit?: number } = {},
  ): Promise<{ items: Mention[]; total: number }> {
    const filter = { owner, ...(opts.unreadOnly ? { read: false } : {}) };
    const [docs, total] = await Promise.all([
      this.Mention.find(filter)
        .sort({ at: -1, _id: -1 })
        .skip(opts.skip ?? 0)
        .limit(opts.limit ?? 20)
        .lean(),
      this.Mention.countDocuments(filter),
    ]);
    return { items: docs.map(toMention), total };
  }

  /** One page of `owner`'s captures in the given rooms since each one's time, newest first, with the total count. */
  async listInRooms(
    owner: string,
    rooms: readonly { roomId: string; since: Date }[],
    opts: { skip: number; limit: number },
  ): Promise<{ items: Mention[]; total: number }> {
    if (rooms.length === 0) return { items: [], total: 0 };
    const filter = { owner, $or: rooms.map((r) => ({ roomId: r.roomId, at: { $gte: r.since } })) };
    const [docs, total] = await Promise.all([
      this.Mention.find(filter).sort({ at: -1, _id: -1 }).skip(opts.skip).limit(opts.limit).lean(),
      this.Mention.countDocuments(filter),
    ]);
    return { items: docs.map(toMention), total };
  }

  /**
   * One page of captures, newest first (by id: captures are stored as they happen). The cursor
   * is the last id of the previous page; no owner: every owner's.
   */
  async page(
    filter: {
      owner?: string | undefined;
      unread?: boolean | undefined;
      robotId?: string | undefined;
      roomId?: string | undefined;
    },
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: Mention[]; nextCursor?: string }> {
    const f: Record<string, unknown> = {};
    if (filter.owner !== undefined) f.owner = filter.owner;
    if (filter.unread !== undefined) f.read = !filter.unread;
    if (filter.robotId !== undefined) f.robotId = filter.robotId;
    if (filter.roomId !== undefined) f.roomId = filter.roomId;
    if (page.cursor !== undefined && isRecordId(page.cursor)) f._id = { $lt: page.cursor };
    const docs = await this.Mention.find(f)
      .sort({ _id: -1 })
      .limit(page.limit + 1)
      .lean();
    const more = docs.length > page.limit;
    const items = (more ? docs.slice(0, page.limit) : docs).map(toMention);
    return more ? { items, nextCursor: items[items.length - 1].id } : { items };
  }

  /** A capture by id whoever owns it (the API checks the owner), or null. */
  async byId(id: string): Promise<Mention | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Mention.findById(id).lean();
    return d ? toMention(d) : null;
  }

  /** The capture when it is `owner`'s, else null. */
  async get(owner: string, id: string): Promise<Mention | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Mention.findOne({ _id: id, owner }).lean();
    return d ? toMention(d) : null;
  }

  /** Marks the capture read (or unread) when it is `owner`'s; false when it is not. */
  async markRead(owner: string, id: string, read = true): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const r = await this.Mention.updateOne({ _id: id, owner }, { $set: { read } });
    return r.matchedCount === 1;
  }

  /** Whether `owner` wants captures announced (seed 002 alt_switch; off unless set). */
  async notifyEnabled(owner: string): Promise<boolean> {
    const d = await this.Notify.findOne({ owner }).lean();
    return d?.mentionNotify ?? false;
  }

  /** Turns `owner`'s capture announcements on or off. */
  async setNotify(owner: string, on: boolean): Promise<void> {
    await this.Notify.updateOne({ owner }, { $set: { mentionNotify: on } }, { upsert: true });
  }

  /**
   * Where a reply to a captured mention goes (seed 002 reply: group, member, text): the robot,
   * the room record (whose current puppet id the caller sends to) and the member to @-mention.
   */
  async replyTarget(
    owner: string,
    id: string,
  ): Promise<{ robotId: string; roomId: string; mentionIds: string[] } | null> {
    const m = await this.get(owner, id);
    return m ? { robotId: m.robotId, roomId: m.roomId, mentionIds: [m.talkerId] } : null;
  }
}
