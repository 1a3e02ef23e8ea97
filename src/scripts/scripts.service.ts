import { isRecordId } from '../bot/core/ids';
import { isDuplicateKey } from '../db/errors';
import type { Db, Model } from '../db/types';
import { conflict, notFound } from '../http/errors';
import { scriptGroupModel, type ScriptGroupDoc } from './script-group.model';
import { scriptItemModel, type ScriptItemDoc } from './script-item.model';

/** A script group as listed, with how many items it holds. */
export interface ScriptGroup {
  id: string;
  owner: string;
  name: string;
  description?: string;
  createdBy?: string;
  itemCount: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A script item as listed. */
export interface ScriptItem {
  id: string;
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
  owner: d.owner,
  name: d.name,
  ...(d.description ? { description: d.description } : {}),
  ...(d.createdBy ? { createdBy: d.createdBy } : {}),
  itemCount,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const itemView = (d: ScriptItemDoc): ScriptItem => ({
  id: d._id.toString(),
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

  constructor(conn: Db) {
    this.Group = scriptGroupModel(conn);
    this.Item = scriptItemModel(conn);
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
    createdBy?: string;
  }): Promise<ScriptGroup> {
    try {
      return groupView((await this.Group.create(input)).toObject(), 0);
    } catch (err) {
      if (isDuplicateKey(err)) throw nameTaken(input.name);
      throw err;
    }
  }

  async updateGroup(id: string, patch: { name?: string; description?: string }): Promise<ScriptGroup> {
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
      groupId: group.id,
      owner: group.owner,
      text: input.text,
      ...(input.imageUrl ? { imageUrl: input.imageUrl } : {}),
      sort: input.sort ?? (last ? last.sort + 1 : 1),
      sendCount: 0,
    });
    return itemView(d.toObject());
  }

  async updateItem(id: string, patch: { text?: string; imageUrl?: string | null; sort?: number }): Promise<ScriptItem> {
    const { imageUrl, ...rest } = patch;
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
