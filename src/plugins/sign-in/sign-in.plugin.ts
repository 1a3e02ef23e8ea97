import { z } from 'zod';
import type { BotContext, BotEvent, BotPlugin, Next } from '../../bot/plugin';
import type { RoomView } from '../../bot/room.service';
import { commandText, foldedCommandText } from '../shared/command-text';
import { PerOwner } from '../shared/owner-cache';
import { fillTemplate, foldText } from '../shared/text';
import type { PluginServices } from '../services';
import { inWindows, localMinutes } from './sign-in-rules';
import type { SignInRule } from './sign-in.service';

const configSchema = z.object({}).strict();

interface OwnerRules {
  rules: SignInRule[];
  /** Every keyword of the enabled rules, folded: most messages are ruled out with one lookup. */
  keywords: Set<string>;
}

/**
 * Sign-in (check-in): a room message that is exactly one of an applicable rule's keywords (after
 * removing the @robot mention; case and width folded) signs the member in for the day, inside
 * the rule's time windows, and replies with the rule's template. Consumes matched messages.
 */
export const signInPlugin: BotPlugin<z.infer<typeof configSchema>, PluginServices> = {
  name: 'sign-in',
  events: ['message'],
  description: 'Daily sign-in with streaks, points and time windows',
  parseConfig: (raw) => configSchema.parse(raw ?? {}),
  create({ services }) {
    const rulesOf = new PerOwner<OwnerRules>(
      (owner) =>
        services.signIn.rules(owner).then((all) => {
          const rules = all.filter((r) => r.enabled);
          return { rules, keywords: new Set(rules.flatMap((r) => r.keywords.map(foldText))) };
        }),
      services.signIn,
    );

    /** The sign-in keyword this message is (folded), or undefined: decided without I/O. */
    const keywordOf = (ctx: BotContext): string | undefined => {
      const raw = commandText(ctx);
      return raw.length > 0 && raw.length <= 50 ? foldedCommandText(ctx) : undefined;
    };

    const signIn = async (ctx: BotContext, text: string, rules: SignInRule[], next: Next): Promise<void> => {
      const event = ctx.event as Extract<BotEvent, { kind: 'message' }>;
      const room = ctx.room as RoomView;
      const rule = rules.find(
        (r) => (r.roomIds.length === 0 || r.roomIds.includes(room.id)) && r.keywords.some((k) => foldText(k) === text),
      );
      if (!rule) return next();
      const name = event.talker.name();
      const windows = rule.windows.map((w) => `${w.start}-${w.end}`).join('、');
      if (!inWindows(localMinutes(event.at, services.signIn.timeZone), rule.windows)) {
        await ctx.reply(fillTemplate(rule.replies.outside, { name, windows }), { mention: [event.talker] });
        return;
      }
      const result = await services.signIn.signIn({
        rule,
        robotId: ctx.robot.id,
        roomId: room.id,
        memberId: event.talker.id,
        memberName: name,
        at: event.at,
      });
      const template = result.status === 'signed' ? rule.replies.first : rule.replies.repeat;
      await ctx.reply(
        fillTemplate(template, {
          name,
          points: result.record.points,
          streak: result.record.streak,
          total: result.total,
          windows,
        }),
        { mention: [event.talker] },
      );
    };

    return {
      // Not async: most messages are no sign-in and go straight on.
      handle(ctx, next) {
        if (ctx.event.kind !== 'message' || !ctx.room) return next();
        const text = keywordOf(ctx);
        if (!text) return next();
        const cached = rulesOf.peek(ctx.robot.owner);
        if (cached) return cached.keywords.has(text) ? signIn(ctx, text, cached.rules, next) : next();
        return rulesOf
          .get(ctx.robot.owner)
          .then((loaded) => (loaded.keywords.has(text) ? signIn(ctx, text, loaded.rules, next) : next()));
      },
    };
  },
};
