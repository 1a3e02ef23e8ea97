import { EventEmitter } from 'node:events';
import type { Db } from '../../db/types';
import { z } from 'zod';
import { isRecordId } from '../../bot/core/ids';
import { findPage, type Page, type PageRequest } from '../../db/pagination';
import { award, dayBefore, localDay, nextStreak, type TimeWindow } from './sign-in-rules';
import { signInRecordModel, signInRuleModel, type SignInRecordDoc, type SignInRuleDoc } from './sign-in.model';
import { isDuplicateKey } from '../../db/errors';
import { updateByIdThenRead } from '../../db/ops';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

/** A sign-in rule as callers write it, with its defaults (points, windows, reply templates). */
export const signInRuleInput = z.object({
  keywords: z.array(z.string().trim().min(1).max(50)).min(1).max(20),
  roomIds: z
    .array(z.string().regex(/^[0-9a-f]{24}$/i, 'must be a room id'))
    .max(1000)
    .default([]),
  windows: z
    .array(z.object({ start: hhmm, end: hhmm }))
    .max(10)
    .default([]),
  points: z.number().int().min(0).max(10_000).default(1),
  streakBonus: z.number().int().min(0).max(10_000).default(0),
  maxStreakBonusDays: z.number().int().min(0).max(365).default(0),
  replies: z
    .object({
      first: z.string().min(1).max(500),
      repeat: z.string().min(1).max(500),
      outside: z.string().min(1).max(500),
    })
    .partial()
    .default({}),
  enabled: z.boolean().default(true),
});

/** A sign-in rule before defaults are applied. */
export type SignInRuleInput = z.input<typeof signInRuleInput>;

/** A sign-in rule as stored. */
export interface SignInRule {
  id: string;
  owner: string;
  keywords: string[];
  roomIds: string[];
  windows: TimeWindow[];
  points: number;
  streakBonus: number;
  maxStreakBonusDays: number;
  replies: { first: string; repeat: string; outside: string };
  enabled: boolean;
}

/** One member's sign-in in one room on one calendar day (unique). */
export interface SignInRecord {
  roomId: string;
  memberId: string;
  memberName?: string;
  day: string;
  at: Date;
  points: number;
  streak: number;
}

/** A sign-in: the first of the day (`signed`) or a repeat (the day's record unchanged), with the member's total. */
export type SignInResult =
  { status: 'signed'; record: SignInRecord; total: number } | { status: 'repeat'; record: SignInRecord; total: number };

function toRule(d: SignInRuleDoc): SignInRule {
  const r = (d.replies ?? {}) as { first?: string; repeat?: string; outside?: string };
  return {
    id: d._id.toString(),
    owner: d.owner,
    keywords: d.keywords,
    roomIds: d.roomIds ?? [],
    windows: (d.windows ?? []).map((w) => ({ start: w.start as string, end: w.end as string })),
    points: d.points ?? 1,
    streakBonus: d.streakBonus ?? 0,
    maxStreakBonusDays: d.maxStreakBonusDays ?? 0,
    replies: { first: r.first as string, repeat: r.repeat as string, outside: r.outside as string },
    enabled: d.enabled ?? true,
  };
}

function toRecord(d: SignInRecordDoc): SignInRecord {
  return {
    roomId: d.roomId,
    memberId: d.memberId,
    ...(d.memberName ? { memberName: d.memberName } : {}),
    day: d.day,
    at: d.at,
    points: d.points,
    streak: d.streak,
  };
}

/**
 * Sign-in rules (seed 000 define_sign_rule: a keyword per platform user) and records: one per
 * member per room per local day (a unique index, so concurrent duplicates give one record),
 * streaks over consecutive days, points per room, leaderboard and history.
 */
export class SignInService extends EventEmitter<{ changed: [string] }> {
  private readonly Rule;
  private readonly Record;
  constructor(
    conn: Db,
    readonly timeZone: string,
  ) {
    super();
    this.Rule = signInRuleModel(conn);
    this.Record = signInRecordModel(conn);
  }

  /** Validates and stores a new sign-in rule of `owner`. */
  async createRule(owner: string, input: SignInRuleInput): Promise<SignInRule> {
    const doc = await this.Rule.create({ ...signInRuleInput.parse(input), owner });
    this.emit('changed', owner);
    return toRule(doc.toObject());
  }

  /** Replaces the rule's fields (reply templates one by one) when it is `owner`'s; null when not. */
  async updateRule(owner: string, id: string, input: SignInRuleInput): Promise<SignInRule | null> {
    if (!isRecordId(id)) return null;
    const data = signInRuleInput.parse(input);
    const $set: Record<string, unknown> = { ...data, replies: undefined };
    for (const [k, v] of Object.entries(data.replies)) $set[`replies.${k}`] = v;
    delete $set.replies;
    const doc = await updateByIdThenRead(this.Rule, { _id: id, owner }, { $set });
    if (doc) this.emit('changed', owner);
    return doc ? toRule(doc) : null;
  }

  /** Deletes the rule when it is `owner`'s; false when there was none. */
  async removeRule(owner: string, id: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const r = await this.Rule.deleteOne({ _id: id, owner });
    if (r.deletedCount) this.emit('changed', owner);
    return r.deletedCount === 1;
  }

  /** A rule by id whoever owns it (the API checks the owner), or null. */
  async ruleById(id: string): Promise<SignInRule | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Rule.findById(id).lean();
    return d ? toRule(d) : null;
  }

  /** One page of rules in id order; no owner: every owner's. */
  rulePage(
    filter: { owner?: string | undefined; enabled?: boolean | undefined },
    page: PageRequest,
  ): Promise<Page<SignInRule>> {
    const f: Record<string, unknown> = {};
    if (filter.owner !== undefined) f.owner = filter.owner;
    if (filter.enabled !== undefined) f.enabled = filter.enabled;
    return findPage(this.Rule, f, page, toRule);
  }

  /** Every sign-in rule of `owner`, oldest first. */
  async rules(owner: string): Promise<SignInRule[]> {
    const docs = await this.Rule.find({ owner }).sort({ _id: 1 }).lean();
    return docs.map(toRule);
  }

  /** Seed 000 define_sign_rule: sets the owner's sign-in keyword (their first rule, created if none). */
  async defineKeyword(owner: string, keyword: string): Promise<SignInRule> {
    const k = z.string().trim().min(1).max(50).parse(keyword);
    const first = await this.Rule.findOne({ owner }).sort({ _id: 1 }).lean();
    if (!first) return this.createRule(owner, { keywords: [k] });
    const doc = await updateByIdThenRead<typeof this.Rule, SignInRuleDoc>(
      this.Rule,
      { _id: first._id },
      { $set: { keywords: [k], enabled: true } },
    );
    this.emit('changed', owner);
    return toRule(doc as SignInRuleDoc);
  }

  /** Records a sign-in at `at`; a second one the same local day is a `repeat` (never a second record). */
  async signIn(input: {
    rule: SignInRule;
    robotId: string;
    roomId: string;
    memberId: string;
    memberName?: string;
    at: Date;
  }): Promise<SignInResult> {
    const day = localDay(input.at, this.timeZone);
    const existing = await this.Record.findOne({ roomId: input.roomId, memberId: input.memberId, day }).lean();
    if (existing)
      return { status: 'repeat', record: toRecord(existing), total: await this.total(input.roomId, input.memberId) };
    const prev = await this.Record.findOne({
      roomId: input.roomId,
      memberId: input.memberId,
      day: dayBefore(day),
    }).lean();
    const streak = nextStreak(prev ? { day: prev.day, streak: prev.streak } : undefined, day);
    try {
      const doc = await this.Record.create({
        owner: input.rule.owner,
        robotId: input.robotId,
        roomId: input.roomId,
        memberId: input.memberId,
        memberName: input.memberName,
        day,
        at: input.at,
        points: award(input.rule, streak),
        streak,
        ruleId: input.rule.id,
      });
      return {
        status: 'signed',
        record: toRecord(doc.toObject()),
        total: await this.total(input.roomId, input.memberId),
      };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const winner = await this.Record.findOne({ roomId: input.roomId, memberId: input.memberId, day }).lean();
      return {
        status: 'repeat',
        record: toRecord(winner as SignInRecordDoc),
        total: await this.total(input.roomId, input.memberId),
      };
    }
  }

  /** A member's points in a room, all days summed. */
  async total(roomId: string, memberId: string): Promise<number> {
    const [row] = await this.Record.aggregate<{ total: number }>([
      { $match: { roomId, memberId } },
      { $group: { _id: null, total: { $sum: '$points' } } },
    ]);
    return row?.total ?? 0;
  }

  /** Members of a room by points, highest first. */
  async leaderboard(
    roomId: string,
    limit = 20,
  ): Promise<{ memberId: string; memberName?: string; points: number; days: number }[]> {
    const rows = await this.Record.aggregate<{ _id: string; memberName?: string; points: number; days: number }>([
      { $match: { roomId } },
      { $sort: { at: 1 } },
      {
        $group: {
          _id: '$memberId',
          memberName: { $last: '$memberName' },
          points: { $sum: '$points' },
          days: { $sum: 1 },
        },
      },
      { $sort: { points: -1, _id: 1 } },
      { $limit: Math.min(Math.max(1, limit), 500) },
    ]);
    return rows.map((r) => ({
      memberId: r._id,
      ...(r.memberName ? { memberName: r.memberName } : {}),
      points: r.points,
      days: r.days,
    }));
  }

  /** A member's sign-ins in a room, newest first. */
  async history(roomId: string, memberId: string, limit = 30): Promise<SignInRecord[]> {
    const docs = await this.Record.find({ roomId, memberId })
      .sort({ day: -1 })
      .limit(Math.min(Math.max(1, limit), 366))
      .lean();
    return docs.map(toRecord);
  }
}
