import { isRecordId } from '../bot/core/ids';
import { isDuplicateKey } from '../db/errors';
import { Sequences } from '../db/sequences';
import type { Db, Model } from '../db/types';
import { conflict, notFound } from '../http/errors';
import { scriptGroupModel, type ScriptGroupDoc } from './script-group.model';
import { scriptItemModel, type ScriptItemDoc } from './script-item.model';

/** A script group as listed, with how many items it holds. */
export interface ScriptGroup {
  id: string;
  /** The seed 004 id (1, 2, 3...). */
  number?: number;
  owner: string;
  name: string;
  description?: string;
  assignee?: string;
  createdBy?: string;
  itemCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A script item as listed. */
export interface ScriptItem {
  id: string;
  /** The seed 004 id (1, 2, 3...). */
  number?: number;
  groupId: string;
  owner: string;
  text: string;
  imageUrl?: string;
  sort: number;
  sendCount: number;
  createdAt: Date;
  updatedAt: Date;
}

const groupView = (d: ScriptGroupDoc, itemCount: number): ScriptGroup => ({
  id: d._id.toString(),
  ...(d.number ? { number: d.number } : {}),
  owner: d.owner,
  name: d.name,
  ...(d.description ? { description: d.description } : {}),
  ...(d.assignee ? { assignee: d.assignee } : {}),
  ...(d.createdBy ? { createdBy: d.createdBy } : {}),
  itemCount,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const itemView = (d: ScriptItemDoc): ScriptItem => ({
  id: d._id.toString(),
  ...(d.number ? { number: d.number } : {}),
  groupId: d.groupId.toString(),
  owner: d.owner,
  text: d.text,
  ...(d.imageUrl ? { imageUrl: d.imageUrl } : {}),
  sort: d.sort,
  sendCount: d.sendCount,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const nameTaken = (name: string) => conflict('script_group_name_taken', `a script group named "${name}" exists`);

/**
 * Reply scripts (seed 004 话术): groups of ready-made replies per owner. Another owner's group or
 * item is answered as missing. Sending lives in the API layer (through the robot's outbox); here
 * the item's send count grows.
 */
export class ScriptService {
  private readonly Group: Model<ScriptGroupDoc>;
  private readonly Item: Model<ScriptItemDoc>;
  private readonly sequences: Sequences;

  constructor(conn: Db) {
    this.Group = scriptGroupModel(conn);
    this.Item = scriptItemModel(conn);
    this.sequences = new Sequences(conn);
  }

  /**
   * Gives a number to the groups and items of `owner` (undefined: every owner) made before
   * numbering (seed 004 names them by number); each at most once, whoever gets there first.
   */
  async numberAll(owner: string | undefined): Promise<void> {
    const q = { ...(owner === undefined ? {} : { owner }), number: { $exists: false } };
    for (const [Model, name] of [
      [this.Group, 'script_groups'],
      [this.Item, 'script_items'],
    ] as const) {
      const missing = await (Model as Model<ScriptGroupDoc>).find(q, { _id: 1 }).limit(1000).lean();
      for (const d of missing)
        await (Model as Model<ScriptGroupDoc>).updateOne(
          { _id: d._id, number: { $exists: false } },
          { $set: { number: await this.sequences.next(name) } },
        );
    }
  }

  async groupByNumber(n: number): Promise<ScriptGroup | null> {
    if (!Number.isSafeInteger(n) || n < 1) return null;
    const d = await this.Group.findOne({ number: n }).lean();
    return d ? groupView(d, await this.Item.countDocuments({ groupId: d._id })) : null;
  }

  /** The owner's groups named `name` (one per owner; several when `owner` is undefined). */
  async groupsNamed(name: string, owner: string | undefined): Promise<ScriptGroup[]> {
    const docs = await this.Group.find({ name, ...(owner === undefined ? {} : { owner }) })
      .limit(100)
      .lean();
    return docs.map((d) => groupView(d, 0));
  }

  async itemByNumber(n: number): Promise<ScriptItem | null> {
    if (!Number.isSafeInteger(n) || n < 1) return null;
    const d = await this.Item.findOne({ number: n }).lean();
    return d ? itemView(d) : null;
  }

  /** Every item of the owner (undefined: of every owner), newest first; one group's when `groupId`. */
  async allItems(owner: string | undefined, groupId?: string): Promise<ScriptItem[]> {
    const q = { ...(owner === undefined ? {} : { owner }), ...(groupId ? { groupId } : {}) };
    return (await this.Item.find(q).sort({ _id: -1 }).limit(1000).lean()).map(itemView);
  }

  /** Groups, oldest first; `owner` undefined: every owner's. */
  async groups(owner: string | undefined): Promise<ScriptGroup[]> {
    const docs = await this.Group.find(owner === undefined ? {} : { owner })
      .sort({ _id: 1 })
      .limit(1000)
      .lean();
    const counts = new Map(
      (
        await this.Item.aggregate<{ _id: unknown; n: number }>([
          { $match: { groupId: { $in: docs.map((d) => d._id) } } },
          { $group: { _id: '$groupId', n: { $sum: 1 } } },
        ])
      ).map((c) => [String(c._id), c.n]),
    );
    return docs.map((d) => groupView(d, counts.get(d._id.toString()) ?? 0));
  }

  /** The group when it exists (any owner's: the caller checks the owner). */
  async group(id: string): Promise<ScriptGroup | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Group.findById(id).lean();
    return d ? groupView(d, await this.Item.countDocuments({ groupId: id })) : null;
  }

  async createGroup(input: {
    owner: string;
    name: string;
    description?: string;
    assignee?: string;
    createdBy?: string;
  }): Promise<ScriptGroup> {
    try {
      const number = await this.sequences.next('script_groups');
      return groupView((await this.Group.create({ ...input, number })).toObject(), 0);
    } catch (err) {
      if (isDuplicateKey(err)) throw nameTaken(input.name);
      throw err;
    }
  }

  async updateGroup(
    id: string,
    patch: { name?: string; description?: string; assignee?: string },
  ): Promise<ScriptGroup> {
    try {
      const d = await this.Group.findByIdAndUpdate(id, { $set: patch }, { returnDocument: 'after' }).lean();
      if (!d) throw notFound('script group');
      return groupView(d, await this.Item.countDocuments({ groupId: id }));
    } catch (err) {
      if (isDuplicateKey(err)) throw nameTaken(patch.name ?? '');
      throw err;
    }
  }

  /** Deletes the group and its items. */
  async deleteGroup(id: string): Promise<void> {
    await this.Item.deleteMany({ groupId: id });
    await this.Group.deleteOne({ _id: id });
  }

  /** The group's items in order. */
  async items(groupId: string): Promise<ScriptItem[]> {
    return (await this.Item.find({ groupId }).sort({ sort: 1, _id: 1 }).limit(1000).lean()).map(itemView);
  }

  async item(id: string): Promise<ScriptItem | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Item.findById(id).lean();
    return d ? itemView(d) : null;
  }

  /** Adds an item to the group: last (sort 1, 2, ...), unless `sort` says where (0 goes first). */
  async addItem(group: ScriptGroup, input: { text: string; imageUrl?: string; sort?: number }): Promise<ScriptItem> {
    const last = await this.Item.findOne({ groupId: group.id }).sort({ sort: -1 }).lean();
    const d = await this.Item.create({
      number: await this.sequences.next('script_items'),
      groupId: group.id,
      owner: group.owner,
      text: input.text,
      ...(input.imageUrl ? { imageUrl: input.imageUrl } : {}),
      sort: input.sort ?? (last ? last.sort + 1 : 1),
      sendCount: 0,
    });
    return itemView(d.toObject());
  }

  /** Changes an item; `group` moves it there (the caller checks it is of the item's owner). */
  async updateItem(
    id: string,
    patch: { text?: string; imageUrl?: string | null; sort?: number; group?: ScriptGroup },
  ): Promise<ScriptItem> {
    const { imageUrl, group, ...rest } = patch;
    if (group) Object.assign(rest, { groupId: group.id });
    const d = await this.Item.findByIdAndUpdate(
      id,
      {
        $set: { ...rest, ...(typeof imageUrl === 'string' ? { imageUrl } : {}) },
        ...(imageUrl === null ? { $unset: { imageUrl: 1 } } : {}),
      },
      { returnDocument: 'after' },
    ).lean();
    if (!d) throw notFound('script item');
    return itemView(d);
  }

  async deleteItem(id: string): Promise<void> {
    await this.Item.deleteOne({ _id: id });
  }

  /** Counts one use of the item (queued into a room or as a reply). */
  async countSend(id: string): Promise<number> {
    const d = await this.Item.findByIdAndUpdate(id, { $inc: { sendCount: 1 } }, { returnDocument: 'after' }).lean();
    return d?.sendCount ?? 0;
  }
}
