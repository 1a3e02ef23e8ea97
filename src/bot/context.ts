import type { Logger } from '../logger';
import type { OutboundContent } from './content';
import type { RobotOutbox } from './outbox';
import type { BotEvent, ContextRobot, ReplyOptions, SendTicket } from './plugin';
import type { RoomView } from './room.service';

/**
 * What every stage of one pipeline run shares: the event, the robot, the room record, the
 * scratch state and the log. Plugins see it through their own stage's view (pipeline.ts), which
 * names the stage in each send.
 */
export interface RunContext {
  readonly event: BotEvent;
  readonly robot: ContextRobot;
  readonly room: RoomView | undefined;
  readonly log: Logger;
  readonly state: Record<string | symbol, unknown>;
  /** Replies where the event happened, recorded in the send log as `plugin:<stage>`. */
  send(stage: string, content: OutboundContent | string, opts?: ReplyOptions): Promise<SendTicket>;
}

/** What one pipeline run is built from. */
export interface ContextDeps {
  event: BotEvent;
  robot: ContextRobot;
  room?: RoomView | undefined;
  outbox: Pick<RobotOutbox, 'enqueue'>;
  log: Logger;
}

/** The shared part of one pipeline run. */
class EventRun implements RunContext {
  readonly state: Record<string | symbol, unknown> = {};
  private childLog: Logger | undefined;

  constructor(
    readonly event: BotEvent,
    readonly robot: ContextRobot,
    readonly room: RoomView | undefined,
    private readonly outbox: Pick<RobotOutbox, 'enqueue'>,
    private readonly baseLog: Logger,
  ) {}

  /** A child logger per event, made only when a plugin logs (most events log nothing). */
  get log(): Logger {
    return (this.childLog ??= this.baseLog.child({ eventId: this.event.id }));
  }

  send(stage: string, content: OutboundContent | string, opts: ReplyOptions = {}): Promise<SendTicket> {
    const { event, room } = this;
    const c: OutboundContent = typeof content === 'string' ? { type: 'text', text: content } : content;
    const conversationId = event.kind === 'message' ? (event.room?.id ?? event.talker.id) : event.room.id;
    const mentionIds = (opts.mention ?? []).map((m) => (typeof m === 'string' ? m : m.id));
    return this.outbox.enqueue({
      conversationId,
      content: c,
      ...(room ? { roomId: room.id } : {}),
      ...(mentionIds.length > 0 ? { mentionIds } : {}),
      source: `plugin:${stage}`,
    });
  }
}

/**
 * Builds the shared context of one pipeline run (one per event: its fields are passed as they
 * are, without an options object, as this runs for every message).
 */
export function createContext(deps: ContextDeps): RunContext {
  return new EventRun(deps.event, deps.robot, deps.room, deps.outbox, deps.log);
}
