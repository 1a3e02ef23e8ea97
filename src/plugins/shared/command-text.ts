import type { BotContext } from '../../bot/plugin';
import { stripMentions } from './text';

const KEY = Symbol('command-text');

/**
 * The message text with the @robot mentions (WeChat name, nickname in the room) removed, as
 * commands are matched; computed once per event and shared by the plugins along the chain.
 */
export function commandText(ctx: BotContext): string {
  const state = ctx.state as Record<symbol, string | undefined>;
  const cached = state[KEY];
  if (cached !== undefined) return cached;
  const text = ctx.event.kind === 'message' ? stripMentions(ctx.event.text, [ctx.robot.wxName ?? '', ctx.room?.robotNickname ?? '']) : '';
  state[KEY] = text;
  return text;
}
