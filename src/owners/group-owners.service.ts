import { randomUUID } from 'node:crypto';
import type { RobotService } from '../bot/robot.service';
import { isDuplicateKey } from '../db/errors';
import { toObjectId } from '../db/object-id';
import {
  findNumberedPage,
  findPage,
  type NumberedPage,
  type NumberedPageRequest,
  type Page,
  type PageRequest,
} from '../db/pagination';
import type { Db } from '../db/types';
import { pickRobot, type AssignedOwner } from './assignment-rules';
import { groupOwnerModel, type GroupOwnerDoc } from './group-owner.model';
import type { OwnedGroupService } from './owned-groups.service';

/** A group owner as the APIs show them. */
export interface GroupOwnerView {
  userId: string;
  unionId: string;
  tenant: string;
  openId?: string;
  appId?: string;
  channel?: string;
  sharingUserId?: string;
  nickName?: string;
  headUrl?: string;
  robotId?: string;
  assignedAt?: Date;
  wxId?: string;
  blocked: boolean;
  /** Access tokens issued up to this moment are refused. */
  signedOutAt?: Date;
  createdAt: Date;
}

/** What a platform tells about a user when it asks for a robot (seed 002 分配机器人). */
export interface OwnerSignUp {
  unionId: string;
  openId?: string;
  appId?: string;
  channel?: string;
  sharingUserId?: string;
}

/** Profile fields a platform or an operator may change. */
export type OwnerPatch = Partial<Pick<GroupOwnerView, 'openId' | 'appId' | 'nickName' | 'headUrl' | 'wxId'>>;

/** No robot can take a new group owner (none logged in and assignable): seed 002 code 1600. */
export class NoRobotError extends Error {}
/** The group owner is blocked (封号): they get no robot. */
export class OwnerBlockedError extends Error {}

function toView(d: GroupOwnerDoc): GroupOwnerView {
  const opt = <K extends string, V>(k: K, v: V | null | undefined) =>
    v === undefined || v === null || v === '' ? {} : ({ [k]: v } as Record<K, V>);
  return {
    userId: d.userId,
    unionId: d.unionId,
    tenant: d.tenant,
    blocked: d.blocked === true,
    createdAt: d.createdAt,
    ...opt('openId', d.openId),
    ...opt('appId', d.appId),
    ...opt('channel', d.channel),
    ...opt('sharingUserId', d.sharingUserId),
    ...opt('nickName', d.nickName),
    ...opt('headUrl', d.headUrl),
    ...opt('robotId', d.robotId?.toString()),
    ...opt('assignedAt', d.assignedAt),
    ...opt('wxId', d.wxId),
    ...opt('signedOutAt', d.signedOutAt),
  };
}

/**
 * Group owners (seed 002 users): sign-up by union id, robot assignment (least-loaded, sticky:
 * an owner keeps their robot while it exists), profile, block, and which owners a robot serves.
 */
export class GroupOwnerService {
  private readonly Owner;

  constructor(
    conn: Db,
    private readonly deps: {
      robots: Pick<RobotService, 'list' | 'get'>;
      groups: Pick<OwnedGroupService, 'activeByRobot'>;
      now: () => number;
    },
  ) {
    this.Owner = groupOwnerModel(conn);
  }

  async byUnionId(tenant: string, unionId: string): Promise<GroupOwnerView | null> {
    const d = await this.Owner.findOne({ tenant, unionId }).lean();
    return d ? toView(d) : null;
  }

  async byUserId(userId: string): Promise<GroupOwnerView | null> {
    const d = await this.Owner.findOne({ userId }).lean();
    return d ? toView(d) : null;
  }

  /** The owner of `unionId` under `tenant`, made on first sight; the given fields are updated. */
  async register(tenant: string, input: OwnerSignUp): Promise<GroupOwnerView> {
    const $set: Record<string, string> = {};
    for (const k of ['openId', 'appId', 'channel', 'sharingUserId'] as const) if (input[k]) $set[k] = input[k];
    const upsert = () =>
      this.Owner.findOneAndUpdate(
        { unionId: input.unionId, tenant },
        { $setOnInsert: { userId: randomUUID(), unionId: input.unionId, tenant }, $set },
        { upsert: true, returnDocument: 'after' },
      ).lean();
    let d: GroupOwnerDoc | null;
    try {
      d = await upsert();
    } catch (err) {
      // Two sign-ups raced and the other made the record: update it.
      if (!isDuplicateKey(err)) throw err;
      d = await upsert();
    }
    if (!d) throw new Error('group owner not stored');
    return toView(d);
  }

  /**
   * Signs the owner up (or finds them) and gives them a robot: the one they have while it exists
   * and belongs to the tenant, else the least-loaded assignable logged-in robot of the tenant.
   */
  async assign(tenant: string, input: OwnerSignUp): Promise<{ owner: GroupOwnerView; robotId: string }> {
    const owner = await this.register(tenant, input);
    if (owner.blocked) throw new OwnerBlockedError(`group owner ${owner.userId} is blocked`);
    const robots = await this.deps.robots.list({ owner: tenant });
    if (owner.robotId && robots.some((r) => r.id === owner.robotId)) return { owner, robotId: owner.robotId };
    const [groups, owners] = await Promise.all([
      this.deps.groups.activeByRobot(robots.map((r) => r.id)),
      this.ownersByRobot(robots.map((r) => r.id)),
    ]);
    const robotId = pickRobot(
      robots.map((r) => ({
        id: r.id,
        loggedIn: r.status === 'logged_in',
        assignable: r.assignable,
        groups: groups.get(r.id) ?? 0,
        owners: owners.get(r.id) ?? 0,
      })),
    );
    if (!robotId) throw new NoRobotError('no robot can take a group owner now');
    // Only over the robot the owner had (or none): two assignments racing keep the first one.
    const d = await this.Owner.findOneAndUpdate(
      { userId: owner.userId, ...(owner.robotId ? { robotId: owner.robotId } : { robotId: { $exists: false } }) },
      { $set: { robotId, assignedAt: new Date(this.deps.now()) }, $unset: { wxId: 1 } },
      { returnDocument: 'after' },
    ).lean();
    const now = d ? toView(d) : await this.byUserId(owner.userId);
    if (!now?.robotId) throw new Error('group owner assignment not stored');
    return { owner: now, robotId: now.robotId };
  }

  /** How many owners each robot serves. */
  private async ownersByRobot(robotIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.Owner.aggregate<{ _id: unknown; n: number }>([
      { $match: { robotId: { $in: robotIds.map(toObjectId) } } },
      { $group: { _id: '$robotId', n: { $sum: 1 } } },
    ]);
    return new Map(rows.map((r) => [String(r._id), r.n]));
  }

  /** The owners a robot serves, as its WeChat side knows them (for group ownership). */
  async assignedTo(robotId: string): Promise<AssignedOwner[]> {
    // Blocked owners are nobody the robot answers.
    const docs = await this.Owner.find({ robotId, blocked: { $ne: true } })
      .select({ userId: 1, wxId: 1, nickName: 1 })
      .lean();
    return docs.map((d) => ({
      userId: d.userId,
      ...(d.wxId ? { wxId: d.wxId } : {}),
      ...(d.nickName ? { nickName: d.nickName } : {}),
    }));
  }

  /**
   * Learns the owner's WeChat id on `robotId`: only while it is unknown and the owner is still
   * assigned that robot (a binding is never overwritten by a later match); false when not.
   */
  async bind(userId: string, robotId: string, wxId: string): Promise<boolean> {
    const r = await this.Owner.updateOne({ userId, robotId, wxId: { $exists: false } }, { $set: { wxId } });
    return r.modifiedCount === 1;
  }

  /** Changes profile fields; null for an unknown owner. */
  async update(userId: string, patch: OwnerPatch): Promise<GroupOwnerView | null> {
    const d = await this.Owner.findOneAndUpdate({ userId }, { $set: patch }, { returnDocument: 'after' }).lean();
    return d ? toView(d) : null;
  }

  /** Ends every access token issued to the owner so far; null for an unknown owner. */
  async signOut(userId: string): Promise<GroupOwnerView | null> {
    const d = await this.Owner.findOneAndUpdate(
      { userId },
      { $set: { signedOutAt: new Date(this.deps.now()) } },
      { returnDocument: 'after' },
    ).lean();
    return d ? toView(d) : null;
  }

  /** Blocks (封号) or unblocks an owner; null for an unknown owner. */
  async setBlocked(userId: string, blocked: boolean): Promise<GroupOwnerView | null> {
    const update = blocked
      ? { $set: { blocked: true, blockedAt: new Date(this.deps.now()) } }
      : { $set: { blocked: false }, $unset: { blockedAt: 1 } };
    const d = await this.Owner.findOneAndUpdate({ userId }, update, { returnDocument: 'after' }).lean();
    return d ? toView(d) : null;
  }

  /** One page of a tenant's owners (or every tenant's) in sign-up order. */
  page(tenant: string | undefined, page: PageRequest): Promise<Page<GroupOwnerView>> {
    return findPage(this.Owner, tenant === undefined ? {} : { tenant }, page, toView);
  }

  numbered(tenant: string, page: NumberedPageRequest): Promise<NumberedPage<GroupOwnerView>> {
    return findNumberedPage(this.Owner, { tenant }, page, toView);
  }
}
