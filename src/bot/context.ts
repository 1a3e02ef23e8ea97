import type { Logger } from '../logger';
import type { OutboundContent } from './content';
import type { RobotOutbox } from './outbox';
import type { BotContext, BotEvent, ReplyOptions, SendTicket } from './plugin';
import type { RoomView } from './room.service';

export interface ContextDeps {
  event: BotEvent;
  robot: BotContext['robot'];
  room?: RoomView | undefined;
  outbox: Pick<RobotOutbox, 'enqueue'>;
  log: Logger;
}

/** The context of one pipeline run. `plugin` names the stage running now (for the send log). */
class PipelineContext implements BotContext {
  readonly state: Record<string | symbol, unknown> = {};
  plugin: string | undefined;
  private childLog: Logger | undefined;

  constructor(
    readonly event: BotEvent,
    readonly robot: BotContext['robot'],
    readonly room: RoomView | undefined,
    private readonly outbox: Pick<RobotOutbox, 'enqueue'>,
    private readonly baseLog: Logger,
  ) {}

  /** A child logger per event, made only when a plugin logs (most events log nothing). */
  get log(): Logger {
    return (this.childLog ??= this.baseLog.child({ eventId: this.event.id }));
  }

  reply(content: OutboundContent | string, opts: ReplyOptions = {}): Promise<SendTicket> {
    const { event, room } = this;
    const c: OutboundContent = typeof content === 'string' ? { type: 'text', text: content } : content;
    const conversationId = event.kind === 'message' ? (event.room?.id ?? event.talker.id) : event.room.id;
    const mentionIds = (opts.mention ?? []).map((m) => (typeof m === 'string' ? m : m.id));
    return this.outbox.enqueue({
      conversationId,
      content: c,
      ...(room ? { roomId: room.id } : {}),
      ...(mentionIds.length > 0 ? { mentionIds } : {}),
      source: `plugin:${this.plugin ?? 'unknown'}`,
    });
  }
}

/**
 * Builds the context a pipeline run hands to each plugin (one per event: its fields are passed
 * as they are, without an options object, as this runs for every message).
 */
export function createContext(deps: ContextDeps): BotContext & { plugin?: string } {
  return new PipelineContext(deps.event, deps.robot, deps.room, deps.outbox, deps.log);
}
