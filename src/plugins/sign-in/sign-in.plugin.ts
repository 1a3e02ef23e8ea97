import { z } from 'zod';
import type { BotContext, Next } from '../../bot/plugin';
import { definePlugin } from '../plugin-package';
import { commandText, foldedCommandText } from '../shared/command-text';
import { PerOwner } from '../shared/owner-cache';
import { fillTemplate, foldText } from '../shared/text';
import { inWindows, localMinutes } from './sign-in-rules';
import { signInEndpoints } from './sign-in.endpoints';
import { SignInService, type SignInRule } from './sign-in.service';

const configSchema = z.object({}).strict();

/** What the sign-in plugin needs: its rules and records (with the time zone of calendar days). */
export interface SignInDeps {
  signIn: SignInService;
}

type RoomMessage = BotContext<'message', 'rooms'>;

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
export const signInPlugin = definePlugin({
  name: 'sign-in',
  events: ['message'],
  scope: 'rooms',
  description: 'Daily sign-in with streaks, points and time windows',
  parseConfig: (raw): z.infer<typeof configSchema> => configSchema.parse(raw ?? {}),
  services: ({ db, timeZone }): SignInDeps => ({ signIn: new SignInService(db, timeZone) }),
  endpoints: signInEndpoints,
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
    const keywordOf = (ctx: RoomMessage): string | undefined => {
      const raw = commandText(ctx);
      return raw.length > 0 && raw.length <= 50 ? foldedCommandText(ctx) : undefined;
    };

    const signIn = async (ctx: RoomMessage, text: string, rules: SignInRule[], next: Next): Promise<void> => {
      const { event, room } = ctx;
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
});
