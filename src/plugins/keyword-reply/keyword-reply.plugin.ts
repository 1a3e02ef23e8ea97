import { z } from 'zod';
import type { Clock } from '../../bot/core/clock';
import type { BotContext } from '../../bot/plugin';
import { definePlugin } from '../plugin-package';
import { Cooldowns } from '../shared/cooldown';
import { commandText, foldedCommandText } from '../shared/command-text';
import { PerOwner } from '../shared/owner-cache';
import { keywordEndpoints } from './keyword-reply.endpoints';
import { KeywordRuleService, type KeywordRule } from './keyword-rule.service';
import { KeywordMatcher } from './matcher';

/** The plugin has no settings (trigger counts are written as they happen). */
const configSchema = z.object({}).strict();

/** What the keyword-reply plugin needs: its rules and the clock (cool-downs). */
export interface KeywordReplyDeps {
  keywords: KeywordRuleService;
  clock: Clock;
}

interface OwnerRules {
  matcher: KeywordMatcher;
  rules: Map<string, KeywordRule>;
}

/**
 * Seed 002 keywords: when a room message matches an enabled rule of the robot's owner (exact,
 * contains, or regex; case and full/half-width folded; the @robot mention removed), sends the
 * rule's replies and counts the trigger. Consumes the event on a match; otherwise passes it on.
 */
export const keywordReplyPlugin = definePlugin({
  name: 'keyword-reply',
  events: ['message'],
  scope: 'rooms',
  description: 'Replies to keywords in rooms, with per-room cool-down and trigger counts',
  parseConfig: (raw) => configSchema.parse(raw ?? {}),
  services: ({ db, clock }): KeywordReplyDeps => ({ keywords: new KeywordRuleService(db), clock }),
  endpoints: keywordEndpoints,
  create({ services, log }) {
    const rulesOf = new PerOwner<OwnerRules>(
      (owner) =>
        services.keywords
          .list(owner, { enabledOnly: true })
          .then((rules) => ({ matcher: new KeywordMatcher(rules), rules: new Map(rules.map((r) => [r.id, r])) })),
      services.keywords,
    );
    const cooldowns = new Cooldowns();

    /** The rule that answers this message, if any (no I/O once the owner's rules are loaded). */
    const decide = (ctx: BotContext<'message', 'rooms'>, compiled: OwnerRules): KeywordRule | undefined => {
      const { room } = ctx;
      const hit = compiled.matcher.matchFolded(foldedCommandText(ctx), commandText(ctx), room.id);
      const rule = hit && compiled.rules.get(hit.id);
      if (!rule || !cooldowns.take(`${rule.id}:${room.id}`, services.clock.now(), rule.cooldownSec * 1000))
        return undefined;
      return rule;
    };
    // Write-ahead: the trigger is counted in the database before its replies are queued, so a
    // count survives a kill -9 (a trigger is rare: cool-downs and the outbox's pace bound it).
    const answer = async (ctx: BotContext<'message', 'rooms'>, rule: KeywordRule) => {
      await services.keywords
        .addTrigger(rule.id)
        .catch((err: unknown) => log.warn({ err, ruleId: rule.id }, 'trigger count not written'));
      for (const reply of rule.replies) await ctx.reply(reply);
    };

    return {
      // Not async: most messages match nothing and go straight on.
      handle(ctx, next) {
        const compiled = rulesOf.peek(ctx.robot.owner);
        if (compiled) {
          const rule = decide(ctx, compiled);
          return rule ? answer(ctx, rule) : next();
        }
        return rulesOf.get(ctx.robot.owner).then((loaded) => {
          const rule = decide(ctx, loaded);
          return rule ? answer(ctx, rule) : next();
        });
      },
    };
  },
});
