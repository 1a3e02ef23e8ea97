import type { Contact, Message, Room } from 'wechaty';
import type { Logger } from '../logger';
import type { OutboundContent } from './content';
import type { SendRecord } from './send-log.service';
import type { RoomView } from './room.service';
import type { RobotView } from './robot.service';

/** What a plugin can react to. `id` is unique per event (used for dedupe and logs). */
export type BotEvent =
  | {
      kind: 'message';
      id: string;
      robotId: string;
      at: Date;
      message: Message;
      talker: Contact;
      room?: Room | undefined;
      text: string;
    }
  | { kind: 'room-join'; id: string; robotId: string; at: Date; room: Room; invitees: Contact[]; inviter?: Contact };

export type BotEventKind = BotEvent['kind'];

export interface ReplyOptions {
  /** Contacts (or their puppet ids) to @-mention in a room. */
  mention?: (Contact | string)[];
}

/** A queued send: its log id and a promise of its outcome. */
export interface SendTicket {
  record: SendRecord;
  settled: Promise<SendRecord>;
}

/** What a handler gets for one event. */
export interface BotContext {
  readonly event: BotEvent;
  readonly robot: Pick<RobotView, 'id' | 'name' | 'owner' | 'agentCode' | 'wxId' | 'wxName'>;
  /** The room record (per-room settings) when the event happened in a room. */
  readonly room?: RoomView;
  readonly log: Logger;
  /** Scratch space shared by the plugins along the chain for this event. */
  readonly state: Record<string | symbol, unknown>;
  /** Replies where the event happened (the room, else the talker), through the paced outbox. */
  reply(content: OutboundContent | string, opts?: ReplyOptions): Promise<SendTicket>;
}

export type Next = () => Promise<void>;
export type Handler = (ctx: BotContext, next: Next) => Promise<void> | void;

export interface PluginInstance {
  handle: Handler;
  dispose?(): Promise<void>;
}

/**
 * A plugin: a factory for a handler over bot events. Plugins run in the configured order;
 * `await next()` passes the event on, returning without it consumes it. A plugin never calls
 * `bot.on`, never sleeps, and sends only through `ctx.reply()` (the outbox paces it).
 */
export interface BotPlugin<C = unknown, S = unknown> {
  /** kebab-case: the folder, the config key and the log field. */
  name: string;
  events: readonly BotEventKind[];
  description: string;
  /** Validates the plugin's config at boot; throws naming the bad key. */
  parseConfig(raw: unknown): C;
  create(deps: { config: C; services: S; log: Logger }): PluginInstance;
}
