import { isDuplicateKey } from '../db/errors';
import { Sequences } from '../db/sequences';
import type { Db, Model } from '../db/types';
import { PERMISSION_TREE } from '../http/permissions';
import { permissionItemModel, type PermissionItemDoc } from './permission-item.model';

/** A permission item as listed. */
export interface PermissionItem {
  number: number;
  name: string;
  key: string;
  parent?: number;
  builtIn: boolean;
  createdAt: Date;
}

/** Why an item change was refused (the seed's codes are chosen by the caller). */
export type ItemRefusal = 'no_parent' | 'key_taken' | 'built_in' | 'has_children' | 'not_found';

export class ItemRefused extends Error {
  override name = 'ItemRefused';
  constructor(readonly reason: ItemRefusal) {
    super(reason);
  }
}

const view = (d: PermissionItemDoc): PermissionItem => ({
  number: d.number,
  name: d.name,
  key: d.key,
  ...(d.parent !== undefined && d.parent !== null ? { parent: d.parent } : {}),
  builtIn: d.builtIn,
  createdAt: d.createdAt,
});

/**
 * The permission tree as numbered items (seed 004 3.1-3.4): qunbot's tree is written once as
 * built-in items (their keys and places fixed, their names editable); clients may add their own.
 */
export class PermissionItems {
  private readonly Item: Model<PermissionItemDoc>;
  private readonly sequences: Sequences;
  private ready: Promise<void> | undefined;

  constructor(
    conn: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.Item = permissionItemModel(conn);
    this.sequences = new Sequences(conn);
  }

  /** Writes the built-in items that are missing (once per process; safe when processes race). */
  private ensure(): Promise<void> {
    this.ready ??= (async () => {
      const have = new Map((await this.Item.find({ builtIn: true }).lean()).map((d) => [d.key, d.number]));
      for (const group of PERMISSION_TREE) {
        const parent = have.get(group.key) ?? (await this.insertBuiltIn(group.key, group.name));
        for (const child of group.children)
          if (!have.has(child.key)) await this.insertBuiltIn(child.key, child.name, parent);
      }
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async insertBuiltIn(key: string, name: string, parent?: number): Promise<number> {
    try {
      const number = await this.sequences.next('permission_items');
      await this.Item.create({
        number,
        name,
        key,
        ...(parent ? { parent } : {}),
        builtIn: true,
        createdAt: new Date(this.now()),
      });
      return number;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await this.Item.findOne({ key }).lean())!.number;
    }
  }

  /** Every item, newest first (as the seed lists them); `parentsOnly`: the top-level ones. */
  async list(parentsOnly = false): Promise<PermissionItem[]> {
    await this.ensure();
    const q = parentsOnly ? { $or: [{ parent: { $exists: false } }, { parent: null }] } : {};
    return (await this.Item.find(q).sort({ number: -1 }).lean()).map(view);
  }

  async add(input: { name: string; key: string; parent?: number }): Promise<PermissionItem> {
    await this.ensure();
    if (input.parent !== undefined && !(await this.Item.exists({ number: input.parent })))
      throw new ItemRefused('no_parent');
    try {
      const number = await this.sequences.next('permission_items');
      const d = await this.Item.create({ ...input, number, builtIn: false, createdAt: new Date(this.now()) });
      return view(d.toObject());
    } catch (err) {
      if (isDuplicateKey(err)) throw new ItemRefused('key_taken');
      throw err;
    }
  }

  /** Renames an item; a client's own item may also change its key and parent (built-in ones keep theirs). */
  async update(number: number, input: { name: string; key: string; parent?: number }): Promise<void> {
    await this.ensure();
    const d = await this.Item.findOne({ number }).lean();
    if (!d) throw new ItemRefused('not_found');
    if (d.builtIn && (input.key !== d.key || (input.parent ?? undefined) !== (d.parent ?? undefined)))
      throw new ItemRefused('built_in');
    if (input.parent !== undefined && (input.parent === number || !(await this.Item.exists({ number: input.parent }))))
      throw new ItemRefused('no_parent');
    try {
      const { name, key, parent } = input;
      await this.Item.updateOne(
        { number },
        parent === undefined ? { $set: { name, key }, $unset: { parent: 1 } } : { $set: { name, key, parent } },
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw new ItemRefused('key_taken');
      throw err;
    }
  }

  /** Deletes a client's own item without children. */
  async delete(number: number): Promise<void> {
    await this.ensure();
    const d = await this.Item.findOne({ number }).lean();
    if (!d) throw new ItemRefused('not_found');
    if (d.builtIn) throw new ItemRefused('built_in');
    if (await this.Item.exists({ parent: number })) throw new ItemRefused('has_children');
    await this.Item.deleteOne({ number });
  }

  /** The keys of the numbered items; null when one does not exist. */
  async keysOf(numbers: readonly number[]): Promise<string[] | null> {
    await this.ensure();
    const docs = await this.Item.find({ number: { $in: [...new Set(numbers)] } }).lean();
    return docs.length === new Set(numbers).size ? docs.map((d) => d.key) : null;
  }
}
