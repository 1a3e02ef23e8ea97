import type { Db } from '../db/types';
import { findPage, type Page, type PageRequest } from '../db/pagination';
import { isRecordId } from './core/ids';
import { PairMap } from './core/pair-map';
import { isBoundByAgentCode, matchRooms, type FoundRoom } from './core/room-identity';
import { roomModel, type RoomDoc } from './room.model';
import { isDuplicateKey } from '../db/errors';
import { updateByIdThenRead } from '../db/ops';

/** A room as the puppet reports it at sync time. */
export interface PuppetRoom extends FoundRoom {
  ownerWxId?: string;
  memberCount: number;
}

/** A room record: the puppet room, its flags and the operator's per-room settings. */
export interface RoomView {
  id: string;
  robotId: string;
  puppetId: string;
  topic: string;
  ownerWxId?: string;
  ownerName?: string;
  memberCount: number;
  present: boolean;
  bound: boolean;
  production: boolean;
  launch: boolean;
  starLevel?: number;
  robotNickname?: string;
  /** Per-room plugin switches (absent: the configured default). */
  plugins: Record<string, boolean>;
}

/** The operator settings of a room that the API may change. */
export type RoomPatch = Partial<Pick<RoomView, 'production' | 'launch' | 'starLevel' | 'robotNickname' | 'bound'>>;

/** What a room sync did, and the robot's present rooms after it. */
export interface SyncResult {
  created: number;
  updated: number;
  gone: number;
  rooms: RoomView[];
}

function toView(d: RoomDoc): RoomView {
  const plugins =
    d.plugins instanceof Map ? Object.fromEntries(d.plugins) : ((d.plugins ?? {}) as Record<string, boolean>);
  return {
    id: d._id.toString(),
    robotId: d.robotId.toString(),
    puppetId: d.puppetId,
    topic: d.topic ?? '',
    memberCount: d.memberCount ?? 0,
    present: d.present ?? true,
    bound: d.bound ?? false,
    production: d.production ?? false,
    launch: d.launch ?? false,
    plugins,
    ...(d.ownerWxId ? { ownerWxId: d.ownerWxId } : {}),
    ...(d.ownerName ? { ownerName: d.ownerName } : {}),
    ...(typeof d.starLevel === 'number' ? { starLevel: d.starLevel } : {}),
    ...(d.robotNickname ? { robotNickname: d.robotNickname } : {}),
  };
}

/** The few fields of a room that a send to it needs (cheaper to read than a RoomView). */
export interface RoomAddress {
  id: string;
  robotId: string;
  puppetId: string;
  topic: string;
  present: boolean;
}

/** A switch an operator turns on for some rooms (broadcasts target rooms by it). */
export type RoomFlag = 'production' | 'launch' | 'bound';

const ADDRESS_FIELDS = { robotId: 1, puppetId: 1, topic: 1, present: 1 };

function toAddress(d: Pick<RoomDoc, '_id' | 'robotId' | 'puppetId' | 'topic' | 'present'>): RoomAddress {
  return {
    id: d._id.toString(),
    robotId: d.robotId.toString(),
    puppetId: d.puppetId,
    topic: d.topic ?? '',
    present: d.present !== false,
  };
}

const CACHE_TTL_MS = 60_000;

/**
 * Rooms of each robot: sync from the puppet (identity rule in core/room-identity.ts), lookups
 * for the message path (cached; invalidated by every change made through this service), and the
 * operator's per-room flags and plugin switches.
 */
export class RoomService {
  private readonly Room;
  /** Room records by (robot id, puppet room id), each with when it was read. */
  private readonly cache = new PairMap<{ view: RoomView; at: number }>(50_000);
  /** Lookups in flight, so a burst of first messages from one room costs one query. */
  private readonly loading = new Map<string, Promise<RoomView>>();

  constructor(
    conn: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.Room = roomModel(conn);
  }

  private key(robotId: string, puppetId: string): string {
    return `${robotId}\u0000${puppetId}`;
  }

  private forgetRobot(robotId: string): void {
    this.cache.deleteFirst(robotId);
  }

  /** Matches the rooms the puppet reports with the stored ones (room identity rules), creates, updates and marks gone. */
  async sync(robotId: string, agentCode: string | undefined, found: PuppetRoom[]): Promise<SyncResult> {
    const stored = await this.Room.find({ robotId }).lean();
    const match = matchRooms(
      stored.map((s) => ({
        id: s._id.toString(),
        puppetId: s.puppetId,
        topic: s.topic ?? '',
        ...(s.ownerName ? { ownerName: s.ownerName } : {}),
      })),
      found,
    );
    const syncedAt = new Date(this.now());
    const fields = (f: PuppetRoom) => ({
      puppetId: f.puppetId,
      topic: f.topic,
      ownerWxId: f.ownerWxId,
      ownerName: f.ownerName,
      memberCount: f.memberCount,
      present: true,
      bound: isBoundByAgentCode(f.topic, agentCode),
      syncedAt,
    });
    const ops = [
      ...match.matched.map((m) => ({ updateOne: { filter: { _id: m.storedId }, update: { $set: fields(m.found) } } })),
      ...match.created.map((f) => ({
        updateOne: {
          filter: { robotId, puppetId: f.puppetId },
          update: { $set: fields(f), $setOnInsert: { robotId } },
          upsert: true,
        },
      })),
      ...match.gone.map((id) => ({
        updateOne: { filter: { _id: id }, update: { $set: { present: false, syncedAt } } },
      })),
    ];
    if (ops.length > 0) await this.Room.bulkWrite(ops as Parameters<typeof this.Room.bulkWrite>[0], { ordered: false });
    this.forgetRobot(robotId);
    const rooms = await this.list(robotId, { present: true });
    for (const view of rooms) this.remember(view);
    return { created: match.created.length, updated: match.matched.length, gone: match.gone.length, rooms };
  }

  /** The cached room record, if fresh (no I/O: the message path tries this first). */
  peek(robotId: string, puppetId: string): RoomView | undefined {
    const hit = this.cache.get(robotId, puppetId);
    return hit && this.now() - hit.at < CACHE_TTL_MS ? hit.view : undefined;
  }

  /** The room record for a puppet room id, creating it when the robot meets a room first by a message. */
  resolve(
    robotId: string,
    puppetId: string,
    describe: () => Promise<PuppetRoom>,
    agentCode?: string,
  ): Promise<RoomView> {
    const hit = this.cache.get(robotId, puppetId);
    if (hit && this.now() - hit.at < CACHE_TTL_MS) return Promise.resolve(hit.view);
    const k = this.key(robotId, puppetId);
    let pending = this.loading.get(k);
    if (!pending) {
      pending = this.load(robotId, puppetId, describe, agentCode).finally(() => this.loading.delete(k));
      this.loading.set(k, pending);
    }
    return pending;
  }

  private async load(
    robotId: string,
    puppetId: string,
    describe: () => Promise<PuppetRoom>,
    agentCode?: string,
  ): Promise<RoomView> {
    const doc: RoomDoc =
      (await this.Room.findOne({ robotId, puppetId }).lean()) ??
      (await this.createFromPuppet(robotId, puppetId, describe, agentCode));
    return this.remember(toView(doc));
  }

  private remember(view: RoomView): RoomView {
    this.cache.set(view.robotId, view.puppetId, { view, at: this.now() });
    return view;
  }

  private async createFromPuppet(
    robotId: string,
    puppetId: string,
    describe: () => Promise<PuppetRoom>,
    agentCode?: string,
  ): Promise<RoomDoc> {
    const f = await describe();
    try {
      return (await this.Room.findOneAndUpdate(
        { robotId, puppetId },
        {
          $setOnInsert: {
            robotId,
            puppetId,
            topic: f.topic,
            ownerWxId: f.ownerWxId,
            ownerName: f.ownerName,
            memberCount: f.memberCount,
            bound: isBoundByAgentCode(f.topic, agentCode),
            syncedAt: new Date(this.now()),
          },
        },
        { upsert: true, returnDocument: 'after' },
      ).lean()) as RoomDoc;
    } catch (err) {
      // Two first messages from one room raced to create it: the other one won, read its record.
      if (!isDuplicateKey(err)) throw err;
      return (await this.Room.findOne({ robotId, puppetId }).lean()) as RoomDoc;
    }
  }

  /** The room record, or null. */
  async get(id: string): Promise<RoomView | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Room.findById(id).lean();
    return d ? toView(d) : null;
  }

  /** The robot's rooms matching the flags, by topic. */
  async list(
    robotId: string,
    filter: { present?: boolean; bound?: boolean; production?: boolean } = {},
  ): Promise<RoomView[]> {
    const docs = await this.Room.find({ robotId, ...filter })
      .sort({ topic: 1, _id: 1 })
      .lean();
    return docs.map(toView);
  }

  /** One page of rooms in id order, over the given robots (the API's list). */
  page(
    robotIds: string[],
    filter: {
      present?: boolean;
      bound?: boolean;
      production?: boolean;
      launch?: boolean;
      topic?: string;
      /** Topics containing this text (any case). */
      q?: string;
    },
    page: PageRequest,
  ): Promise<Page<RoomView>> {
    const f: Record<string, unknown> = { robotId: { $in: robotIds } };
    for (const k of ['present', 'bound', 'production', 'launch'] as const)
      if (filter[k] !== undefined) f[k] = filter[k];
    if (filter.topic !== undefined) f.topic = filter.topic;
    else if (filter.q) f.topic = { $regex: filter.q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' };
    return findPage(this.Room, f, page, toView);
  }

  /** A present room of the robot with exactly this topic, or null. */
  /** Every present room of the robot with this topic (at most `limit`), oldest first. */
  async listByTopic(robotId: string, topic: string, limit = 20): Promise<RoomView[]> {
    const docs = await this.Room.find({ robotId, topic, present: true }).sort({ _id: 1 }).limit(limit).lean();
    return docs.map(toView);
  }

  /** Changes the room's operator settings (and drops it from the cache); null when it does not exist. */
  async update(id: string, patch: RoomPatch): Promise<RoomView | null> {
    if (!isRecordId(id)) return null;
    const d = await updateByIdThenRead<typeof this.Room, RoomDoc>(this.Room, { _id: id }, { $set: patch });
    if (d) this.cache.delete(d.robotId.toString(), d.puppetId);
    return d ? toView(d) : null;
  }

  /** Marks the room gone (the robot left it); a later sync that finds the robot in it again brings it back. */
  async markGone(id: string): Promise<void> {
    const d = await updateByIdThenRead<typeof this.Room, RoomDoc>(
      this.Room,
      { _id: id },
      { $set: { present: false, syncedAt: new Date(this.now()) } },
    );
    if (d) this.cache.delete(d.robotId.toString(), d.puppetId);
  }

  /** Switches one plugin on or off in the room; null for an unknown room or a bad plugin name. */
  async setPluginEnabled(id: string, plugin: string, enabled: boolean): Promise<RoomView | null> {
    if (!isRecordId(id) || !/^[a-z][a-z0-9-]*$/.test(plugin)) return null;
    const d = await updateByIdThenRead<typeof this.Room, RoomDoc>(
      this.Room,
      { _id: id },
      { $set: { [`plugins.${plugin}`]: enabled } },
    );
    if (d) this.cache.delete(d.robotId.toString(), d.puppetId);
    return d ? toView(d) : null;
  }

  /** The addresses of the rooms with these record ids (of any robot; unknown ids are left out). */
  async addresses(ids: readonly string[]): Promise<RoomAddress[]> {
    if (ids.length === 0) return [];
    const docs = await this.Room.find({ _id: { $in: [...ids] } }, ADDRESS_FIELDS).lean();
    return docs.map(toAddress);
  }

  /** The room records of the ids (unknown ones absent), by id. */
  async views(ids: readonly string[]): Promise<Map<string, RoomView>> {
    const valid = ids.filter(isRecordId);
    if (valid.length === 0) return new Map();
    const docs = await this.Room.find({ _id: { $in: valid } }).lean();
    return new Map(docs.map((d) => [d._id.toString(), toView(d)]));
  }

  /** Those of the room ids (24 hex digits) that are rooms of the given robots. */
  async idsOfRobots(ids: readonly string[], robotIds: readonly string[]): Promise<string[]> {
    const docs = await this.Room.find({ _id: { $in: [...ids] }, robotId: { $in: [...robotIds] } }, { _id: 1 }).lean();
    return docs.map((d) => d._id.toString());
  }

  /**
   * The rooms the robots are in now (with `flag` on and rated at least `minStar` stars, when
   * given), in id order, at most `limit`.
   */
  async presentAddresses(
    robotIds: readonly string[],
    only: { flag?: RoomFlag | undefined; minStar?: number | undefined },
    limit: number,
  ): Promise<RoomAddress[]> {
    const filter = {
      robotId: { $in: [...robotIds] },
      present: true,
      ...(only.flag ? { [only.flag]: true } : {}),
      ...(only.minStar !== undefined ? { starLevel: { $gte: only.minStar } } : {}),
    };
    const docs = await this.Room.find(filter, ADDRESS_FIELDS).sort({ _id: 1 }).limit(limit).lean();
    return docs.map(toAddress);
  }

  /** Deletes every room of the robot (with the robot). */
  async deleteForRobot(robotId: string): Promise<void> {
    await this.Room.deleteMany({ robotId });
    this.forgetRobot(robotId);
  }
}
