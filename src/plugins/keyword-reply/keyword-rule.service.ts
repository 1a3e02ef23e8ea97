import { EventEmitter } from 'node:events';
import type { Db } from '../../db/types';
import { z } from 'zod';
import { isRecordId } from '../../bot/core/ids';
import { findPage, type Page, type PageRequest } from '../../db/pagination';
import { outboundContent, type OutboundContent } from '../../bot/content';
import { regexProblem, type MatchMode } from './matcher';
import { keywordRuleModel, type KeywordRuleDoc } from './keyword-rule.model';
import { updateByIdThenRead } from '../../db/ops';

/** The fields of a keyword rule (without the regular-expression check, which keywordRuleInput adds). */
export const keywordRuleFields = z.object({
  keywords: z.array(z.string().trim().min(1).max(100)).min(1).max(50),
  mode: z.enum(['exact', 'contains', 'regex']).default('contains'),
  replies: z.array(outboundContent).min(1).max(5),
  roomIds: z
    .array(z.string().regex(/^[0-9a-f]{24}$/i, 'must be a room id'))
    .max(1000)
    .default([]),
  enabled: z.boolean().default(true),
  priority: z.number().int().min(-1000).max(1000).default(0),
  cooldownSec: z.number().int().min(0).max(86_400).default(0),
});

/** Keywords of a regex rule that may not be saved: invalid, too long, or catastrophic. */
export function keywordRegexProblems(v: {
  mode?: MatchMode | undefined;
  keywords: readonly string[];
}): { index: number; problem: string }[] {
  if (v.mode !== 'regex') return [];
  return v.keywords.flatMap((k, index) => {
    const problem = regexProblem(k);
    return problem ? [{ index, problem }] : [];
  });
}

/** Input for a keyword rule; the API validates with these fields and keywordRegexProblems. */
export const keywordRuleInput = keywordRuleFields.superRefine((v, ctx) => {
  for (const { index, problem } of keywordRegexProblems(v))
    ctx.addIssue({ code: 'custom', path: ['keywords', index], message: problem });
});

/** A rule as callers write it (defaults applied by `keywordRuleInput`). */
export type KeywordRuleInput = z.input<typeof keywordRuleInput>;

/** A keyword rule as stored: who owns it, what it matches, what it answers, and its trigger count. */
export interface KeywordRule {
  id: string;
  owner: string;
  keywords: string[];
  mode: MatchMode;
  replies: OutboundContent[];
  roomIds: string[];
  enabled: boolean;
  priority: number;
  cooldownSec: number;
  triggerTimes: number;
  /** Who wrote it when not the owner's operators (a group owner: `group-owner:<user_id>`). */
  author?: string;
}

function toRule(d: KeywordRuleDoc): KeywordRule {
  return {
    id: d._id.toString(),
    owner: d.owner,
    keywords: d.keywords,
    mode: d.mode as MatchMode,
    replies: d.replies as OutboundContent[],
    roomIds: d.roomIds ?? [],
    enabled: d.enabled ?? true,
    priority: d.priority ?? 0,
    cooldownSec: d.cooldownSec ?? 0,
    triggerTimes: d.triggerTimes ?? 0,
    ...(d.author ? { author: d.author } : {}),
  };
}

/**
 * Keyword rules per owner. Emits `changed` (owner) after every write so compiled matchers are
 * rebuilt; a trigger is counted with one `$inc` when it happens (`addTrigger`), never a write per message.
 */
export class KeywordRuleService extends EventEmitter<{ changed: [string] }> {
  private readonly Rule;
  constructor(conn: Db) {
    super();
    this.Rule = keywordRuleModel(conn);
  }

  /** Validates and stores a new rule of `owner`; the plugin reloads that owner's rules. */
  async create(owner: string, input: KeywordRuleInput, author?: string): Promise<KeywordRule> {
    const data = keywordRuleInput.parse(input);
    const doc = await this.Rule.create({ ...data, owner, ...(author ? { author } : {}) });
    this.emit('changed', owner);
    return toRule(doc.toObject());
  }

  /** Replaces the rule's fields when it is `owner`'s; null when it is not (or does not exist). */
  async update(owner: string, id: string, input: KeywordRuleInput): Promise<KeywordRule | null> {
    if (!isRecordId(id)) return null;
    const data = keywordRuleInput.parse(input);
    const doc = await updateByIdThenRead(this.Rule, { _id: id, owner }, { $set: data });
    if (doc) this.emit('changed', owner);
    return doc ? toRule(doc) : null;
  }

  /** Deletes the rule when it is `owner`'s; false when there was none. */
  async remove(owner: string, id: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const r = await this.Rule.deleteOne({ _id: id, owner });
    if (r.deletedCount) this.emit('changed', owner);
    return r.deletedCount === 1;
  }

  /** The rule when it is `owner`'s, else null. */
  async get(owner: string, id: string): Promise<KeywordRule | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Rule.findOne({ _id: id, owner }).lean();
    return d ? toRule(d) : null;
  }

  /** A rule by id whoever owns it (the API checks the owner), or null. */
  async byId(id: string): Promise<KeywordRule | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Rule.findById(id).lean();
    return d ? toRule(d) : null;
  }

  /** One page of rules in id order; no owner: every owner's. */
  page(
    filter: { owner?: string | undefined; enabled?: boolean | undefined },
    page: PageRequest,
  ): Promise<Page<KeywordRule>> {
    const f: Record<string, unknown> = {};
    if (filter.owner !== undefined) f.owner = filter.owner;
    if (filter.enabled !== undefined) f.enabled = filter.enabled;
    return findPage(this.Rule, f, page, toRule);
  }

  /** Every rule of `owner` (enabled ones only when asked), highest priority first, then oldest. */
  async list(owner: string, opts: { enabledOnly?: boolean } = {}): Promise<KeywordRule[]> {
    const docs = await this.Rule.find({ owner, ...(opts.enabledOnly ? { enabled: true } : {}) })
      .sort({ priority: -1, _id: 1 })
      .lean();
    return docs.map(toRule);
  }

  /** Every rule of `owner` written by `author`, oldest first. */
  async byAuthor(owner: string, author: string): Promise<KeywordRule[]> {
    const docs = await this.Rule.find({ owner, author }).sort({ _id: 1 }).lean();
    return docs.map(toRule);
  }

  /** Counts one trigger of the rule (one `$inc`). */
  async addTrigger(id: string): Promise<void> {
    if (isRecordId(id)) await this.Rule.updateOne({ _id: id }, { $inc: { triggerTimes: 1 } });
  }
}
