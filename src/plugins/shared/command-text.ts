import type { BotContext, BotEvent } from '../../bot/plugin';
import type { RoomView } from '../../bot/room.service';
import { foldText, stripMentions } from './text';

const KEY = Symbol('command-text');
const FOLDED = Symbol('folded-command-text');

/** What the command text is read from: any plugin's context (whatever kinds and scope it declared). */
type TextContext = Pick<BotContext, 'robot' | 'state'> & { event: BotEvent; room?: RoomView | undefined };

/**
 * The message text with the @robot mentions (WeChat name, nickname in the room) removed, as
 * commands are matched; computed once per event and shared by the plugins along the chain.
 */
export function commandText(ctx: TextContext): string {
  const state = ctx.state as Record<symbol, string | undefined>;
  const cached = state[KEY];
  if (cached !== undefined) return cached;
  const raw = ctx.event.kind === 'message' ? ctx.event.text : undefined;
  // Without an '@' there is no mention to strip (stripMentions would only trim): skip the names.
  const text =
    raw === undefined
      ? ''
      : raw.includes('@')
        ? stripMentions(raw, [ctx.robot.wxName ?? '', ctx.room?.robotNickname ?? ''])
        : raw.trim();
  state[KEY] = text;
  return text;
}

/**
 * `foldText(commandText(ctx))`, computed once per event: sign-in and keyword-reply both match
 * on it, and folding (NFKC, case) is the costly part of looking at a message.
 */
export function foldedCommandText(ctx: TextContext): string {
  const state = ctx.state as Record<symbol, string | undefined>;
  const cached = state[FOLDED];
  if (cached !== undefined) return cached;
  const folded = foldText(commandText(ctx));
  state[FOLDED] = folded;
  return folded;
}
