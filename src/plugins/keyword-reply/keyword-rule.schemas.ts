import { z } from 'zod';
import { outboundContent } from '../../bot/content';
import { keywordRuleFields } from './keyword-rule.service';
import { queryBool } from '../../http/schemas';
import { patchOf } from '../../http/patch';
import { ownerName } from '../../http/schemas';

/** A keyword rule as the API shows it. */
export const keywordRuleView = z
  .object({
    id: z.string(),
    owner: z.string(),
    keywords: z.array(z.string()),
    mode: z.enum(['exact', 'contains', 'regex']),
    replies: z.array(outboundContent),
    roomIds: z.array(z.string()).meta({ description: 'rooms the rule applies to; empty: every room of the owner' }),
    enabled: z.boolean(),
    priority: z.number().int(),
    cooldownSec: z.number().int(),
    author: z
      .string()
      .optional()
      .meta({ description: 'who wrote it when not an operator: `group-owner:<user_id>` (seed 002)' }),
    triggerTimes: z.number().int().meta({
      description: 'times the rule answered (seed 002 trigger_times; counted before its replies are sent)',
    }),
  })
  .meta({ id: 'KeywordRule' });

/** The service's own fields (same limits as the plugin checks), closed to unknown fields. */
export const keywordRuleBody = keywordRuleFields.strict();

/** A new rule: its fields plus, for admin keys, the owner. */
export const createKeywordRuleBody = keywordRuleFields
  .extend({
    owner: ownerName
      .optional()
      .meta({ description: 'required with an admin key; an owner key creates for its own owner' }),
  })
  .strict();

/** A partial change of a rule (PATCH), merged into the stored one. */
export const patchKeywordRuleBody = patchOf(keywordRuleFields);

/** Query filters of the rule list: owner (admin keys) and enabled. */
export const keywordRuleListFilter = { owner: ownerName.optional(), enabled: queryBool.optional() };
