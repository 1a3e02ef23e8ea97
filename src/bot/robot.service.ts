import type { Db } from '../db/types';
import { findPage, type Page, type PageRequest } from '../db/pagination';
import { isRecordId } from './core/ids';
import type { RobotStatus } from './core/robot-state';
import { robotModel, type RobotDoc } from './robot.model';
import { updateByIdThenRead } from '../db/ops';

/** Which puppet a robot uses: puppet-service (gRPC), wechat4u (web protocol) or the simulated mock. */
export type PuppetKind = 'service' | 'wechat4u' | 'mock';

/** How a robot reaches WeChat (the token is a secret: never returned by the API). */
export interface PuppetSettings {
  kind: PuppetKind;
  token?: string;
  endpoint?: string;
  tlsDisable?: boolean;
}

/** A login QR code: its payload, a PNG data URL to show, and when it expires. */
export interface QrCode {
  payload: string;
  dataUrl: string;
  expiresAt: Date;
}

/** A robot as services, the API and plugins see it (never its puppet token). */
export interface RobotView {
  id: string;
  name: string;
  owner: string;
  agentCode?: string;
  callbackUrl?: string;
  username?: string;
  /** Group owners may be assigned this robot (seed 002 distribution). */
  assignable: boolean;
  /** Runs only in the qunbot process with this label (several processes); absent: any. */
  pin?: string;
  puppetKind: PuppetKind;
  desired: 'running' | 'stopped';
  status: RobotStatus;
  statusReason?: string;
  statusAt?: Date;
  /** Offline only: when the robot tries to start again. */
  retryAt?: Date;
  wxId?: string;
  wxName?: string;
  qr?: QrCode;
  loggedInAt?: Date;
  createdAt: Date;
}

/** What a new robot is made of. */
export interface CreateRobotInput {
  name: string;
  owner: string;
  agentCode?: string;
  callbackUrl?: string;
  username?: string;
  puppet?: PuppetSettings;
}

/** What may come with a status change (stored on the robot record). */
export interface StatusExtra {
  reason?: string;
  /** When an offline robot tries again (kept only with status `offline`). */
  retryAt?: Date;
  wxId?: string;
  wxName?: string;
  qr?: QrCode | null;
  loggedInAt?: Date;
}

function toView(d: RobotDoc & { createdAt?: Date }): RobotView {
  const qr = d.qr?.payload
    ? { payload: d.qr.payload, dataUrl: d.qr.dataUrl ?? '', expiresAt: d.qr.expiresAt as Date }
    : undefined;
  const opt = <K extends string, V>(k: K, v: V | null | undefined) =>
    v === undefined || v === null ? {} : ({ [k]: v } as Record<K, V>);
  return {
    id: d._id.toString(),
    name: d.name,
    owner: d.owner,
    puppetKind: d.puppet.kind as PuppetKind,
    desired: d.desired as 'running' | 'stopped',
    status: d.status as RobotStatus,
    assignable: d.assignable !== false,
    createdAt: d.createdAt ?? new Date(0),
    ...opt('agentCode', d.agentCode),
    ...opt('callbackUrl', d.callbackUrl),
    ...opt('username', d.username),
    ...opt('pin', d.pin),
    ...opt('statusReason', d.statusReason),
    ...opt('statusAt', d.statusAt),
    ...opt('retryAt', d.retryAt),
    ...opt('wxId', d.wxId),
    ...opt('wxName', d.wxName),
    ...opt('qr', qr),
    ...opt('loggedInAt', d.loggedInAt),
  };
}

/**
 * Robot records: creation, identity, desired state and the persisted status. `defaultPuppet`
 * is what `create` uses when the input names no puppet; a service that only reads needs none.
 */
export class RobotService {
  private readonly Robot;
  constructor(
    conn: Db,
    private readonly defaultPuppet?: Readonly<PuppetSettings>,
  ) {
    this.Robot = robotModel(conn);
  }

  /** Stores a new robot (`created`), with its own puppet settings or the default ones. */
  async create(input: CreateRobotInput): Promise<RobotView> {
    const puppet = input.puppet ?? (this.defaultPuppet ? { ...this.defaultPuppet } : undefined);
    if (!puppet) throw new Error('no puppet settings: none given and no default');
    const doc = await this.Robot.create({ ...input, puppet, status: 'created', statusAt: new Date() });
    return toView(doc.toObject());
  }

  /** The robot, or null (also for an id that is not a record id). */
  async get(id: string): Promise<RobotView | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Robot.findById(id).lean();
    return d ? toView(d) : null;
  }

  /** Every robot matching the filter, oldest first. */
  async list(filter: { owner?: string; status?: RobotStatus } = {}): Promise<RobotView[]> {
    const docs = await this.Robot.find(filter).sort({ _id: 1 }).lean();
    return docs.map(toView);
  }

  /** One page of robots in id order (the API's list). */
  page(filter: { owner?: string; status?: RobotStatus }, page: PageRequest): Promise<Page<RobotView>> {
    const f: Record<string, unknown> = {};
    if (filter.owner !== undefined) f.owner = filter.owner;
    if (filter.status !== undefined) f.status = filter.status;
    return findPage(this.Robot, f, page, toView);
  }

  /** The robot's puppet settings with the token (kept out of every other read), or null. */
  async puppetSettings(id: string): Promise<PuppetSettings | null> {
    const d = await this.Robot.findById(id).select('+puppet.token').lean();
    if (!d) return null;
    const p = d.puppet;
    return {
      kind: p.kind as PuppetKind,
      ...(p.token ? { token: p.token } : {}),
      ...(p.endpoint ? { endpoint: p.endpoint } : {}),
      ...(p.tlsDisable ? { tlsDisable: true } : {}),
    };
  }

  /** The ids of the robots of each owner (owners without robots are absent). */
  async idsByOwner(owners: readonly string[]): Promise<Map<string, string[]>> {
    const docs = await this.Robot.find({ owner: { $in: [...new Set(owners)] } }, { _id: 1, owner: 1 }).lean();
    const byOwner = new Map<string, string[]>();
    for (const d of docs) {
      const ids = byOwner.get(d.owner);
      if (ids) ids.push(d._id.toString());
      else byOwner.set(d.owner, [d._id.toString()]);
    }
    return byOwner;
  }

  /** The robots whose desired state is running, with their pins, oldest first (the fleet deals them out). */
  async toRun(): Promise<{ id: string; pin?: string }[]> {
    const docs = await this.Robot.find({ desired: 'running' }, { _id: 1, pin: 1 }).sort({ _id: 1 }).lean();
    return docs.map((d) => ({ id: d._id.toString(), ...(d.pin ? { pin: d.pin } : {}) }));
  }

  /** Of these robots, those whose desired state is running, with their pins (deleted ones are absent). */
  async runPlans(ids: readonly string[]): Promise<Map<string, { pin?: string }>> {
    const valid = ids.filter(isRecordId);
    if (valid.length === 0) return new Map();
    const docs = await this.Robot.find({ _id: { $in: valid }, desired: 'running' }, { _id: 1, pin: 1 }).lean();
    return new Map(docs.map((d) => [d._id.toString(), d.pin ? { pin: d.pin } : {}]));
  }

  /** Records whether the robot should run: kept across restarts. */
  async setDesired(id: string, desired: 'running' | 'stopped'): Promise<void> {
    await this.Robot.updateOne({ _id: id }, { $set: { desired } });
  }

  /** Changes the robot's name, agent code, callback URL or username; null when it does not exist. */
  async update(
    id: string,
    patch: Partial<
      Pick<CreateRobotInput, 'name' | 'agentCode' | 'callbackUrl' | 'username'> & {
        assignable: boolean;
        pin: string | null;
      }
    >,
  ): Promise<RobotView | null> {
    if (!isRecordId(id)) return null;
    const { pin, ...rest } = patch;
    const update =
      pin === null ? { $set: rest, $unset: { pin: 1 } } : { $set: { ...rest, ...(pin === undefined ? {} : { pin }) } };
    const d = await updateByIdThenRead(this.Robot, { _id: id }, update);
    return d ? toView(d) : null;
  }

  /** Persists a status change with what came with it (reason, identity, QR code: dropped outside waiting_for_scan). */
  async setStatus(id: string, status: RobotStatus, extra: StatusExtra = {}): Promise<void> {
    const $set: Record<string, unknown> = { status, statusAt: new Date() };
    const $unset: Record<string, 1> = {};
    if (extra.reason) $set.statusReason = extra.reason;
    else $unset.statusReason = 1;
    if (extra.retryAt && status === 'offline') $set.retryAt = extra.retryAt;
    else $unset.retryAt = 1;
    if (extra.wxId) $set.wxId = extra.wxId;
    if (extra.wxName) $set.wxName = extra.wxName;
    if (extra.loggedInAt) $set.loggedInAt = extra.loggedInAt;
    if (extra.qr) $set.qr = extra.qr;
    else if (extra.qr === null || status !== 'waiting_for_scan') $unset.qr = 1;
    await this.Robot.updateOne({ _id: id }, { $set, $unset });
  }

  /** Deletes the robot record; false when there was none. */
  async delete(id: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const r = await this.Robot.deleteOne({ _id: id });
    return r.deletedCount === 1;
  }
}
