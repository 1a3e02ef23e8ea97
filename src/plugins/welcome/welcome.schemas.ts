import { z } from 'zod';
import { welcomeInput } from './welcome.service';

/** A room's welcome setting as the API shows it. */
export const welcomeView = z
  .object({
    roomId: z.string(),
    text: z.string().nullable().meta({
      description:
        "the room's welcome text (seed 002 welcome_msg); null: the configured default (bot.pluginSettings.welcome.defaultText) applies",
    }),
    enabled: z.boolean(),
    mention: z.boolean().meta({ description: '@-mention the newcomers' }),
    windowSec: z.number().int().nullable().meta({
      description:
        'joins within this many seconds after the first get one welcome; null: the configured window (bot.pluginSettings.welcome.windowMs)',
    }),
    isDefault: z.boolean().meta({ description: 'true when the room has no setting of its own' }),
  })
  .meta({ id: 'WelcomeSetting' });

/** Placeholders: {names}, {topic}, {count}. */
export const welcomeBody = welcomeInput.strict();
