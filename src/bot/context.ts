import type { Logger } from '../logger';
import type { OutboundContent } from './content';
import type { RobotOutbox } from './outbox';
import type { BotContext, BotEvent, ReplyOptions, SendTicket } from './plugin';
import type { RoomView } from './room.service';

export interface ContextDeps {
  event: BotEvent;
  robot: BotContext['robot'];
  room?: RoomView;
  outbox: Pick<RobotOutbox, 'enqueue'>;
  log: Logger;
}

/** Builds the context a pipeline run hands to each plugin. `plugin` names the stage running now. */
export function createContext(deps: ContextDeps): BotContext & { plugin?: string } {
  const { event, room, outbox } = deps;
  let log: Logger | undefined;
  const ctx: BotContext & { plugin?: string } = {
    event,
    robot: deps.robot,
    ...(room ? { room } : {}),
    // A child logger per event is only made when a plugin logs (most events log nothing).
    get log() {
      return (log ??= deps.log.child({ eventId: event.id }));
    },
    state: {},
    async reply(content: OutboundContent | string, opts: ReplyOptions = {}): Promise<SendTicket> {
      const c: OutboundContent = typeof content === 'string' ? { type: 'text', text: content } : content;
      const conversationId = event.kind === 'message' ? (event.room?.id ?? event.talker.id) : event.room.id;
      const mentionIds = (opts.mention ?? []).map((m) => (typeof m === 'string' ? m : m.id));
      return outbox.enqueue({
        conversationId,
        content: c,
        ...(room ? { roomId: room.id } : {}),
        ...(mentionIds.length > 0 ? { mentionIds } : {}),
        source: `plugin:${ctx.plugin ?? 'unknown'}`,
      });
    },
  };
  return ctx;
}
