import type { Clock } from '../bot/core/clock';
import { isRecordId } from '../bot/core/ids';
import type { SendLogService, SendRecord } from '../bot/send-log.service';
import { findPage, type Page, type PageRequest } from '../db/pagination';
import type { ObjectId } from '../db/object-id';
import type { Db } from '../db/types';
import { broadcastDeliveryModel, type BroadcastDeliveryDoc } from './broadcast-delivery.model';
import { BroadcastDeliveryService } from './broadcast-delivery.service';
import { broadcastRunModel, type BroadcastRunDoc } from './broadcast-run.model';
import { BroadcastRunService } from './broadcast-run.service';
import { broadcastTaskModel, type BroadcastTaskDoc } from './broadcast-task.model';
import {
  countStatuses,
  deliveryStatus,
  type DeliveryStatus,
  type PartState,
  type RunCounts,
  type SkipReason,
} from './report';
import { cronProblem, firstRunAt, upcomingRuns, type Schedule } from './schedule';
import type { TargetResolver } from './targets';
import { limitsOf, materialsOf, scheduleOf, targetsOf } from './task-doc';
import { TaskProgressService } from './task-progress.service';
import {
  BroadcastError,
  type BroadcastInput,
  type BroadcastView,
  type DeliveryView,
  type RunView,
  type Targets,
} from './types';
import { updateByIdThenRead } from '../db/ops';

/** Limits of broadcasts: targets per broadcast, active broadcasts per owner, and the default time zone. */
export interface BroadcastPolicy {
  maxTargets: number;
  maxActivePerOwner: number;
  /** The zone of cron schedules that name none. */
  timeZone: string;
}

/** What the broadcast service is built from. */
export interface BroadcastServiceDeps {
  connection: Db;
  sendLog: SendLogService;
  targets: TargetResolver;
  clock: Clock;
  policy: BroadcastPolicy;
}

function toView(d: BroadcastTaskDoc): BroadcastView {
  const limits = limitsOf(d);
  return {
    id: d._id.toString(),
    owner: d.owner,
    name: d.name,
    materials: materialsOf(d),
    targets: targetsOf(d),
    schedule: scheduleOf(d),
    ...limits,
    state: d.state,
    nextRunAt: d.nextRunAt ?? null,
    runs: d.seq,
    executed: d.executed,
    ...(d.source ? { source: d.source } : {}),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/**
 * Broadcast tasks: create, read, change while not started, pause, resume, delete. The runner
 * reaches the runs, their deliveries and the tasks' progress through `runRecords`, `deliveryRecords`
 * and `progress`; the models stay readable for tests and benchmarks.
 */
export class BroadcastService {
  readonly Task;
  readonly Run;
  readonly Delivery;
  readonly runRecords: BroadcastRunService;
  readonly deliveryRecords: BroadcastDeliveryService;
  readonly progress: TaskProgressService;

  constructor(private readonly deps: BroadcastServiceDeps) {
    this.Task = broadcastTaskModel(deps.connection);
    this.Run = broadcastRunModel(deps.connection);
    this.Delivery = broadcastDeliveryModel(deps.connection);
    this.runRecords = new BroadcastRunService(deps.connection);
    this.deliveryRecords = new BroadcastDeliveryService(deps.connection);
    this.progress = new TaskProgressService(deps.connection);
  }

  /** Checks everything, then writes the task once (nothing half-written on bad input). */
  async create(input: BroadcastInput): Promise<BroadcastView> {
    const doc = await this.prepare(input);
    const active = await this.Task.countDocuments({ owner: input.owner, state: { $in: ['active', 'paused'] } });
    if (active >= this.deps.policy.maxActivePerOwner)
      throw new BroadcastError(
        'conflict',
        'too_many_broadcasts',
        `at most ${this.deps.policy.maxActivePerOwner} active broadcasts per owner`,
      );
    const created = await this.Task.create({ ...doc, state: 'active' });
    return toView(created.toObject());
  }

  /**
   * The schedule and its limits checked as creation checks them (a once time in the past, an end
   * date in the past, a schedule that never runs are 400s), with the first run.
   */
  private timing(input: Pick<BroadcastInput, 'schedule' | 'endAt' | 'maxRuns'>, now: Date) {
    const schedule = this.schedule(input as BroadcastInput);
    if (input.schedule.kind === 'once' && input.schedule.at.getTime() < now.getTime() - 1000) {
      throw new BroadcastError(
        'invalid',
        'schedule_in_past',
        'a once schedule must be in the future (use kind "now" to send at once)',
        [{ in: 'body', path: 'schedule.at', code: 'in_past', message: 'in the past' }],
      );
    }
    if (input.endAt && input.endAt.getTime() <= now.getTime())
      throw new BroadcastError('invalid', 'invalid_schedule', 'endAt must be in the future', [
        { in: 'body', path: 'endAt', code: 'in_past', message: 'in the past' },
      ]);
    const nextRunAt = firstRunAt(schedule, now, { endAt: input.endAt, maxRuns: input.maxRuns });
    if (!nextRunAt)
      throw new BroadcastError(
        'invalid',
        'invalid_schedule',
        'the schedule never runs before its end date or run limit',
      );
    return { schedule, nextRunAt };
  }

  /** The schedule, limits and targets checked, as the task document to store. */
  private async prepare(input: BroadcastInput) {
    const now = new Date(this.deps.clock.now());
    const { schedule, nextRunAt } = this.timing(input, now);
    await this.checkTargets(input.owner, input.targets);
    return {
      owner: input.owner,
      name: input.name,
      materials: input.materials,
      // Room ids are hex: stored lower-case so that lookups match whatever case the caller used.
      targets:
        input.targets.mode === 'rooms'
          ? { mode: 'rooms' as const, roomIds: input.targets.roomIds.map((id) => id.toLowerCase()) }
          : input.targets,
      schedule,
      ...(input.endAt ? { endAt: input.endAt } : {}),
      ...(input.maxRuns !== undefined ? { maxRuns: input.maxRuns } : {}),
      ...(input.source ? { source: input.source } : {}),
      nextRunAt,
    };
  }

  /**
   * The next runs a schedule would have from now (at most `count`), checked as creation checks it
   * (invalid_schedule); the cron's time zone defaults to the configured one.
   */
  preview(
    input: Pick<BroadcastInput, 'schedule' | 'endAt' | 'maxRuns'>,
    count = 5,
  ): { runs: Date[]; timeZone: string } {
    const now = new Date(this.deps.clock.now());
    const { schedule } = this.timing(input, now);
    return {
      runs: upcomingRuns(schedule, now, { endAt: input.endAt, maxRuns: input.maxRuns }, count),
      timeZone: schedule.kind === 'cron' ? schedule.timeZone : this.deps.policy.timeZone,
    };
  }

  private schedule(input: BroadcastInput): Schedule {
    const s = input.schedule;
    if (s.kind !== 'cron') return s;
    const timeZone = s.timeZone ?? this.deps.policy.timeZone;
    const problem = cronProblem(s.expression, timeZone);
    if (problem)
      throw new BroadcastError('invalid', 'invalid_schedule', `invalid cron schedule: ${problem}`, [
        { in: 'body', path: 'schedule', code: 'invalid_cron', message: problem },
      ]);
    return { kind: 'cron', expression: s.expression.trim(), timeZone };
  }

  private async checkTargets(owner: string, targets: Targets): Promise<void> {
    if (targets.mode !== 'rooms') return;
    if (targets.roomIds.length > this.deps.policy.maxTargets)
      throw new BroadcastError('invalid', 'too_many_targets', `at most ${this.deps.policy.maxTargets} rooms`);
    const foreign = await this.deps.targets.foreignRooms(owner, targets.roomIds);
    if (foreign.length > 0) {
      throw new BroadcastError(
        'invalid',
        'unknown_room',
        'some rooms are not rooms of this owner',
        foreign.map((id) => ({ in: 'body', path: 'targets.roomIds', code: 'unknown_room', message: id })),
      );
    }
  }

  /** The broadcast, or null. */
  async get(id: string): Promise<BroadcastView | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Task.findById(id).lean();
    return d ? toView(d) : null;
  }

  /** The names of tasks, by id. */
  async namesOf(ids: readonly (ObjectId | string)[]): Promise<Map<string, string>> {
    const docs = await this.Task.find({ _id: { $in: [...ids] } }, { name: 1 }).lean();
    return new Map(docs.map((t) => [t._id.toString(), t.name]));
  }

  /** One page of broadcasts in id order; no owner: every owner's. */
  page(
    filter: { owner?: string | undefined; state?: string | undefined },
    page: PageRequest,
  ): Promise<Page<BroadcastView>> {
    const f: Record<string, unknown> = {};
    if (filter.owner !== undefined) f.owner = filter.owner;
    if (filter.state !== undefined) f.state = filter.state;
    return findPage(this.Task, f, page, toView);
  }

  /** Replaces what the task sends and when, only while no run has started. */
  async update(id: string, input: BroadcastInput): Promise<BroadcastView> {
    const doc = await this.prepare(input);
    const updated = await updateByIdThenRead(
      this.Task,
      { _id: id, seq: 0, state: { $in: ['active', 'paused'] } },
      {
        $set: doc,
        $unset: { ...(input.endAt ? {} : { endAt: 1 }), ...(input.maxRuns !== undefined ? {} : { maxRuns: 1 }) },
      },
    );
    if (!updated)
      throw new BroadcastError(
        'conflict',
        'broadcast_started',
        'a broadcast can be changed only before its first run (create a new one, or recall this one)',
      );
    return toView(updated);
  }

  /** Pauses an active broadcast (atomic status guard); a conflict when it is not active. */
  async pause(id: string): Promise<BroadcastView> {
    const d = await updateByIdThenRead(this.Task, { _id: id, state: 'active' }, { $set: { state: 'paused' } });
    if (!d) throw new BroadcastError('conflict', 'broadcast_not_active', 'only an active broadcast can be paused');
    return toView(d);
  }

  /** Resumes; a run that fell due while paused is run if within the grace period, else missed. */
  async resume(id: string): Promise<BroadcastView> {
    const d = await updateByIdThenRead(this.Task, { _id: id, state: 'paused' }, { $set: { state: 'active' } });
    if (!d) throw new BroadcastError('conflict', 'broadcast_not_paused', 'only a paused broadcast can be resumed');
    return toView(d);
  }

  /** Runs in order (1, 2, ...), with their counts (live for unfinished runs). */
  async runs(taskId: string, page: PageRequest): Promise<Page<RunView>> {
    const p = await findPage(this.Run, { taskId }, page, (d: BroadcastRunDoc) => d);
    return { ...p, items: await Promise.all(p.items.map((d) => this.runView(d))) };
  }

  /** Run number `seq` of the broadcast, or null. */
  async run(taskId: string, seq: number): Promise<RunView | null> {
    const d = await this.Run.findOne({ taskId, seq }).lean();
    return d ? this.runView(d) : null;
  }

  /** The broadcast's latest run, or null before its first. */
  async latestRun(taskId: string): Promise<RunView | null> {
    const d = await this.Run.findOne({ taskId }).sort({ seq: -1 }).lean();
    return d ? this.runView(d) : null;
  }

  private async runView(d: BroadcastRunDoc): Promise<RunView> {
    const report =
      d.state === 'finished' && d.report ? (d.report as RunView['report']) : await this.counts(d._id.toString());
    return {
      id: d._id.toString(),
      taskId: d.taskId.toString(),
      seq: d.seq,
      scheduledFor: d.scheduledFor,
      plan: d.plan,
      missed: d.missed,
      state: d.state,
      ...(d.startedAt ? { startedAt: d.startedAt } : {}),
      ...(d.finishedAt ? { finishedAt: d.finishedAt } : {}),
      report,
    };
  }

  /** The owner's broadcast made with `source` (the newest), or null: finds what a crash left unrecorded. */
  async bySource(owner: string, source: string): Promise<BroadcastView | null> {
    const d = await this.Task.findOne({ owner, source }).sort({ _id: -1 }).lean();
    return d ? toView(d) : null;
  }

  /** Per-room status of a run, from the send log (the source of truth for what went out). */
  async deliveries(runId: string): Promise<DeliveryView[]> {
    return (await this.deliveriesOf([runId])).get(runId) ?? [];
  }

  /** A run's counts per delivery status, live from the send log. */
  async counts(runId: string): Promise<RunCounts> {
    return (await this.countsOf([runId])).get(runId) ?? countStatuses([]);
  }

  /**
   * `counts` of many runs with two reads of statuses only; runs with a send still queued or
   * sending are left out when `settledOnly` (they cannot finish yet, so their deliveries are not read).
   */
  async countsOf(runIds: readonly string[], settledOnly = false): Promise<Map<string, RunCounts>> {
    const sends = await this.deps.sendLog.statusesOf(runIds);
    const open = new Set(sends.filter((s) => s.status === 'queued' || s.status === 'sending').map((s) => s.batchId));
    const wanted = settledOnly ? runIds.filter((id) => !open.has(id)) : runIds;
    const statuses = new Map<string, DeliveryStatus[]>(wanted.map((id) => [id, []]));
    if (wanted.length === 0) return new Map();
    const parts = new Map(
      sends.map((s) => [s.id, { status: s.status, ...(s.recalled ? { recalled: true } : {}) } as PartState]),
    );
    const docs = await this.Delivery.find(
      { runId: { $in: wanted } },
      { runId: 1, state: 1, reason: 1, sendIds: 1 },
    ).lean();
    for (const d of docs) {
      const states = (d.sendIds ?? []).map((id) => parts.get(id.toString())).filter((s) => s !== undefined);
      statuses
        .get(d.runId.toString())
        ?.push(deliveryStatus(d.state, states, (d.reason ?? undefined) as SkipReason | undefined));
    }
    return new Map([...statuses].map(([id, s]) => [id, countStatuses(s)]));
  }

  /** `deliveries` of many runs with two reads, by run id. */
  async deliveriesOf(runIds: readonly string[]): Promise<Map<string, DeliveryView[]>> {
    const byRun = new Map<string, DeliveryView[]>(runIds.map((id) => [id, []]));
    if (runIds.length === 0) return byRun;
    const docs = await this.Delivery.find({ runId: { $in: runIds } })
      .sort({ _id: 1 })
      .lean();
    const sends = new Map((await this.deps.sendLog.listBatches(runIds)).map((s) => [s.id, s]));
    for (const d of docs) byRun.get(d.runId.toString())?.push(this.deliveryView(d, sends));
    return byRun;
  }

  private deliveryView(d: BroadcastDeliveryDoc, sends: Map<string, SendRecord>): DeliveryView {
    const parts = (d.sendIds ?? []).map((id) => sends.get(id.toString())).filter((s) => s !== undefined);
    const states: PartState[] = parts.map((s) => ({ status: s.status, ...(s.recalledAt ? { recalled: true } : {}) }));
    const reason = (d.reason ?? undefined) as SkipReason | undefined;
    return {
      roomId: d.roomId.toString(),
      robotId: d.robotId ? d.robotId.toString() : '',
      ...(d.topic ? { topic: d.topic } : {}),
      status: deliveryStatus(d.state, states, reason),
      ...(reason ? { reason } : {}),
      sends: parts.map((s) => ({
        id: s.id,
        status: s.status,
        ...(s.puppetMessageId ? { puppetMessageId: s.puppetMessageId } : {}),
        ...(s.sentAt ? { sentAt: s.sentAt } : {}),
        ...(s.recalledAt ? { recalledAt: s.recalledAt } : {}),
        ...(s.recallError ? { recallError: s.recallError } : {}),
        ...(s.error ? { error: s.error } : {}),
      })),
    };
  }

  /** Deletes a task that is not sending any more, with its runs and deliveries (the send log stays). */
  async delete(id: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const busy = await this.Run.exists({ taskId: id, state: { $in: ['dispatching', 'sending'] } });
    if (busy)
      throw new BroadcastError(
        'conflict',
        'broadcast_sending',
        'the broadcast is sending: recall it first, then delete it',
      );
    const res = await this.Task.deleteOne({ _id: id });
    if (res.deletedCount === 0) return false;
    await this.Delivery.deleteMany({ taskId: id });
    await this.Run.deleteMany({ taskId: id });
    return true;
  }
}
