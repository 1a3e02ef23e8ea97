import { z } from 'zod';
import { signInRuleInput } from './sign-in.service';
import { queryBool } from '../../http/schemas';
import { patchOf } from '../../http/patch';
import { ownerName } from '../../http/schemas';

/** A sign-in rule as the API shows it. */
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

/** The fields of a sign-in rule, as PUT replaces them (unknown keys refused). */
export const signInRuleBody = signInRuleInput.strict();

/** A new sign-in rule: its fields plus, for admin keys, the owner. */
export const createSignInRuleBody = signInRuleInput
  .extend({
    owner: ownerName
      .optional()
      .meta({ description: 'required with an admin key; an owner key creates for its own owner' }),
  })
  .strict();

/** A partial change of a sign-in rule (PATCH), merged into the stored one. */
export const patchSignInRuleBody = patchOf(signInRuleInput);

/** Query filters of the sign-in rule list: owner (admin keys) and enabled. */
export const signInRuleListFilter = { owner: ownerName.optional(), enabled: queryBool.optional() };

/** A room id and a member's puppet id in a path. */
export const memberIdParam = z.object({ id: z.string().min(1).max(64), memberId: z.string().min(1).max(200) });

/** Members of a room by points, highest first. */
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

/** One member's total points and recent sign-ins in a room. */
export const signInMemberView = z
  .object({
    roomId: z.string(),
    memberId: z.string(),
    memberName: z.string().optional(),
    total: z.number().int().meta({ description: 'points in this room' }),
    history: z.array(signInRecordView).meta({ description: 'newest first' }),
  })
  .meta({ id: 'SignInMember' });
