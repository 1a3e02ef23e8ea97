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

const configSchema = z
  .object({
    /** How often trigger counts are written (one bulk $inc per flush). */
    flushMs: z.number().int().min(100).max(600_000).default(5000),
  })
  .strict();

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
  create({ config, services, log }) {
    const rulesOf = new PerOwner<OwnerRules>(
      (owner) =>
        services.keywords
          .list(owner, { enabledOnly: true })
          .then((rules) => ({ matcher: new KeywordMatcher(rules), rules: new Map(rules.map((r) => [r.id, r])) })),
      services.keywords,
    );
    const cooldowns = new Cooldowns();
    let counts = new Map<string, number>();

    const flush = async () => {
      if (counts.size === 0) return;
      const batch = counts;
      counts = new Map();
      try {
        await services.keywords.addTriggers(batch);
      } catch (err) {
        log.warn({ err }, 'trigger counts not written; will retry');
        for (const [id, n] of batch) counts.set(id, (counts.get(id) ?? 0) + n);
      }
    };
    const timer = setInterval(() => void flush(), config.flushMs);
    timer.unref();

    /** The rule that answers this message, if any (no I/O once the owner's rules are loaded). */
    const decide = (ctx: BotContext<'message', 'rooms'>, compiled: OwnerRules): KeywordRule | undefined => {
      const { room } = ctx;
      const hit = compiled.matcher.matchFolded(foldedCommandText(ctx), commandText(ctx), room.id);
      const rule = hit && compiled.rules.get(hit.id);
      if (!rule || !cooldowns.take(`${rule.id}:${room.id}`, services.clock.now(), rule.cooldownSec * 1000))
        return undefined;
      return rule;
    };
    const answer = async (ctx: BotContext<'message', 'rooms'>, rule: KeywordRule) => {
      for (const reply of rule.replies) await ctx.reply(reply);
      counts.set(rule.id, (counts.get(rule.id) ?? 0) + 1);
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
      async dispose() {
        clearInterval(timer);
        await flush();
      },
    };
  },
});
