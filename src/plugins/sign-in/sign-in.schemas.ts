import { z } from 'zod';
import { signInRuleInput } from './sign-in.service';
import { queryBool } from '../../http/schemas';
import { patchOf } from '../../http/patch';
import { ownerName } from '../../http/schemas';

export const signInRuleView = z
  .object({
    id: z.string(),
    owner: z.string(),
    keywords: z.array(z.string()),
    roomIds: z.array(z.string()).meta({ description: 'rooms the rule applies to; empty: every room of the owner' }),
    windows: z.array(z.object({ start: z.string(), end: z.string() })),
    points: z.number().int(),
    streakBonus: z.number().int(),
    maxStreakBonusDays: z.number().int(),
    replies: z.object({ first: z.string(), repeat: z.string(), outside: z.string() }),
    enabled: z.boolean(),
  })
  .meta({ id: 'SignInRule' });

export const signInRuleBody = signInRuleInput.strict();

export const createSignInRuleBody = signInRuleInput
  .extend({
    owner: ownerName
      .optional()
      .meta({ description: 'required with an admin key; an owner key creates for its own owner' }),
  })
  .strict();

export const patchSignInRuleBody = patchOf(signInRuleInput);

export const signInRuleListFilter = { owner: ownerName.optional(), enabled: queryBool.optional() };

export const memberIdParam = z.object({ id: z.string().min(1).max(64), memberId: z.string().min(1).max(200) });

export const leaderboardView = z
  .object({
    roomId: z.string(),
    items: z.array(
      z.object({
        rank: z.number().int(),
        memberId: z.string(),
        memberName: z.string().optional(),
        points: z.number().int(),
        days: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'SignInLeaderboard' });

const signInRecordView = z.object({
  day: z.string().meta({ description: 'YYYY-MM-DD in the configured time zone' }),
  at: z.date(),
  points: z.number().int(),
  streak: z.number().int(),
});

export const signInMemberView = z
  .object({
    roomId: z.string(),
    memberId: z.string(),
    memberName: z.string().optional(),
    total: z.number().int().meta({ description: 'points in this room' }),
    history: z.array(signInRecordView).meta({ description: 'newest first' }),
  })
  .meta({ id: 'SignInMember' });
