import type { OutboundContent } from '../bot/content';
import type { RobotService } from '../bot/robot.service';
import type { RoomService } from '../bot/room.service';
import type { Broadcasts, DeliveryView } from '../broadcasts';
import { isDuplicateKey } from '../db/errors';
import { toObjectId } from '../db/object-id';
import type { NumberedPage, NumberedPageRequest } from '../db/pagination';
import type { Db } from '../db/types';
import {
  materialsOf,
  sortGroups,
  type ItemProblem,
  type LaunchItem,
  type LaunchRefusal,
  type MiniProgramIdentity,
} from './launch-rules';
import { launchSwitchModel } from './launch-switch.model';
import { launchTaskModel, type LaunchTaskDoc } from './launch-task.model';

/** A task found without its broadcast this long after it came is repaired (its first arrival died). */
const REPAIR_AFTER_MS = 60_000;

/** A received delivery task. */
export interface LaunchTaskView {
  owner: string;
  taskId: string;
  roomIds: string[];
  refused: { groupId: string; reason: LaunchRefusal }[];
  materials: OutboundContent[];
  items: LaunchItem[];
  broadcastId?: string;
  source?: string;
  receivedAt: Date;
}

/** Items that cannot be sent as the seed describes them: nothing was received. */
export class LaunchItemsError extends Error {
  constructor(readonly problems: ItemProblem[]) {
    super('some items cannot be sent');
  }
}

function toView(d: LaunchTaskDoc): LaunchTaskView {
  return {
    owner: d.owner,
    taskId: d.taskId,
    roomIds: (d.roomIds ?? []).map(String),
    refused: (d.refused ?? []).map((r) => ({ groupId: r.groupId ?? '', reason: r.reason as LaunchRefusal })),
    materials: d.materials as OutboundContent[],
    items: d.items as LaunchItem[],
    receivedAt: d.receivedAt,
    ...(d.broadcastId ? { broadcastId: d.broadcastId.toString() } : {}),
    ...(d.source ? { source: d.source } : {}),
  };
}

/**
 * Launch (seed 002 投放): the per-room switch with its history, and delivery tasks received from
 * an external system, delivered once per (owner, taskId) by a broadcast (paced, exactly once per
 * room, crash-safe, reported) to the listed rooms whose switch is on; the others are refused
 * with a reason.
 */
export class LaunchService {
  private readonly Switch;
  private readonly Task;

  constructor(
    conn: Db,
    private readonly deps: {
      rooms: Pick<RoomService, 'update' | 'views'>;
      robots: Pick<RobotService, 'list'>;
      broadcasts: {
        service: Pick<Broadcasts['service'], 'create' | 'bySource' | 'latestRun' | 'deliveries'>;
        runner: Pick<Broadcasts['runner'], 'kick'>;
      };
      now: () => number;
    },
  ) {
    this.Switch = launchSwitchModel(conn);
    this.Task = launchTaskModel(conn);
  }

  /** Turns a room's launch switch on or off, keeping the change in its history. */
  async setSwitch(roomId: string, on: boolean, by: string): Promise<void> {
    await this.deps.rooms.update(roomId, { launch: on });
    await this.Switch.create({ roomId: toObjectId(roomId), on, by, at: new Date(this.deps.now()) });
  }

  /** A room's switch changes, newest first. */
  async switchHistory(roomId: string, limit = 100): Promise<{ on: boolean; by?: string; at: Date }[]> {
    const docs = await this.Switch.find({ roomId: toObjectId(roomId) })
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .lean();
    return docs.map((d) => ({ on: d.on, at: d.at, ...(d.by ? { by: d.by } : {}) }));
  }

  /**
   * Receives a task: the same (owner, taskId) again answers the first one (`duplicate`) and
   * delivers nothing more. Items that cannot be sent refuse the whole task (LaunchItemsError).
   */
  async receive(
    owner: string,
    input: { taskId: string; groupIds: readonly string[]; items: readonly LaunchItem[] },
    opts: {
      miniProgram?: MiniProgramIdentity | undefined;
      source?: string | undefined;
      /** Which rooms may take tasks at all (seed 002: active groups of an owner); others are unknown_group. */
      eligible?: ((roomId: string) => boolean) | undefined;
    } = {},
  ): Promise<{ task: LaunchTaskView; duplicate: boolean }> {
    const earlier = await this.Task.findOne({ owner, taskId: input.taskId }).lean();
    if (earlier) return { task: await this.completed(toView(earlier)), duplicate: true };
    const { materials, problems } = materialsOf(input.items, opts.miniProgram);
    if (problems.length > 0) throw new LaunchItemsError(problems);

    const robotIds = new Set((await this.deps.robots.list({ owner })).map((r) => r.id));
    const views = await this.deps.rooms.views(input.groupIds.map((g) => g.toLowerCase()));
    const rooms = new Map([...views].filter(([id, r]) => robotIds.has(r.robotId) && (opts.eligible?.(id) ?? true)));
    const { accepted, refused } = sortGroups(input.groupIds, rooms);

    let doc: LaunchTaskDoc;
    try {
      doc = (
        await this.Task.create({
          owner,
          taskId: input.taskId,
          roomIds: accepted.map(toObjectId),
          refused,
          materials,
          items: [...input.items],
          receivedAt: new Date(this.deps.now()),
          ...(opts.source ? { source: opts.source } : {}),
        })
      ).toObject() as LaunchTaskDoc;
    } catch (err) {
      // The same task arrived twice at once: the first one is delivered.
      if (!isDuplicateKey(err)) throw err;
      const first = await this.Task.findOne({ owner, taskId: input.taskId }).lean();
      if (!first) throw err;
      return { task: toView(first), duplicate: true };
    }
    if (accepted.length === 0) return { task: toView(doc), duplicate: false };
    let broadcastId: string;
    try {
      broadcastId = (await this.deps.broadcasts.service.create(this.broadcastOf(owner, toView(doc)))).id;
    } catch (err) {
      // Nothing will be delivered: the task is not kept, so the delivery system may send it again.
      await this.Task.deleteOne({ _id: doc._id });
      throw err;
    }
    // From here the broadcast delivers: the task is kept whatever happens (a lost link is repaired below).
    await this.Task.updateOne({ _id: doc._id }, { $set: { broadcastId: toObjectId(broadcastId) } });
    this.deps.broadcasts.runner.kick();
    return { task: { ...toView(doc), broadcastId }, duplicate: false };
  }

  private broadcastOf(owner: string, task: LaunchTaskView) {
    return {
      owner,
      name: `投放 ${task.taskId}`.slice(0, 100),
      materials: task.materials,
      targets: { mode: 'rooms' as const, roomIds: task.roomIds },
      schedule: { kind: 'now' as const },
      source: `launch:${task.taskId}`,
    };
  }

  /**
   * A task received before but not linked to its broadcast (the process died in between, or a
   * duplicate came while the first was being made): the broadcast made for it is linked, or
   * made now, so a task kept is always delivered once.
   */
  private async completed(task: LaunchTaskView): Promise<LaunchTaskView> {
    if (task.broadcastId || task.roomIds.length === 0) return task;
    // The first arrival may still be making it: give it a moment's grace before making another.
    if (this.deps.now() - task.receivedAt.getTime() < REPAIR_AFTER_MS) return task;
    const source = `launch:${task.taskId}`;
    const made =
      (await this.deps.broadcasts.service.bySource(task.owner, source)) ??
      (await this.deps.broadcasts.service.create(this.broadcastOf(task.owner, task)));
    await this.Task.updateOne(
      { owner: task.owner, taskId: task.taskId, broadcastId: { $exists: false } },
      { $set: { broadcastId: toObjectId(made.id) } },
    );
    this.deps.broadcasts.runner.kick();
    return { ...task, broadcastId: made.id };
  }

  async get(owner: string, taskId: string): Promise<LaunchTaskView | null> {
    const d = await this.Task.findOne({ owner, taskId }).lean();
    return d ? toView(d) : null;
  }

  /** Tasks delivered to any of the rooms, newest first, page by page with the total. */
  async ofRooms(
    owner: string,
    roomIds: readonly string[],
    page: NumberedPageRequest,
  ): Promise<NumberedPage<LaunchTaskView>> {
    const filter = { owner, roomIds: { $in: roomIds.map(toObjectId) } };
    const [docs, total] = await Promise.all([
      this.Task.find(filter)
        .sort({ receivedAt: -1, _id: -1 })
        .skip(page.page * page.size)
        .limit(page.size)
        .lean(),
      this.Task.countDocuments(filter),
    ]);
    return { items: docs.map(toView), total };
  }

  /** Whether the task went out: its broadcast's run finished (no group took it: false). */
  async sent(task: LaunchTaskView): Promise<boolean> {
    if (!task.broadcastId) return false;
    const run = await this.deps.broadcasts.service.latestRun(task.broadcastId);
    return run?.state === 'finished';
  }

  /** How the task's delivery went, room by room (empty until its run dispatched). */
  async deliveries(task: LaunchTaskView): Promise<DeliveryView[]> {
    if (!task.broadcastId) return [];
    const run = await this.deps.broadcasts.service.latestRun(task.broadcastId);
    return run ? this.deps.broadcasts.service.deliveries(run.id) : [];
  }
}
