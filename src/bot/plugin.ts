import type { Contact, Message, Room } from 'wechaty';
import type { Logger } from '../logger';
import type { OutboundContent } from './content';
import type { SendRecord } from './send-log.service';
import type { RoomView } from './room.service';
import type { RobotView } from './robot.service';

/** A message the robot received, in a room or directly. `id` is the message's own id. */
export interface MessageEvent {
  kind: 'message';
  id: string;
  robotId: string;
  at: Date;
  message: Message;
  talker: Contact;
  room?: Room | undefined;
  /** The message text as the puppet decoded it. */
  text: string;
}

/** People joined a room the robot is in. */
export interface RoomJoinEvent {
  kind: 'room-join';
  id: string;
  robotId: string;
  at: Date;
  room: Room;
  invitees: Contact[];
  inviter?: Contact;
}

/** People left a room the robot is in (they quit, or were removed by `remover`). */
export interface RoomLeaveEvent {
  kind: 'room-leave';
  id: string;
  robotId: string;
  at: Date;
  room: Room;
  leavers: Contact[];
  remover?: Contact;
}

/** What a plugin can react to. `id` is unique per event (used for dedupe and logs). */
export type BotEvent = MessageEvent | RoomJoinEvent | RoomLeaveEvent;

/** The kinds of bot events: `message`, `room-join`, `room-leave`. */
export type BotEventKind = BotEvent['kind'];

/** The event type of the given kinds: `EventOf<'message'>` is a `MessageEvent`. */
export type EventOf<K extends BotEventKind> = Extract<BotEvent, { kind: K }>;

/**
 * Where a plugin acts: `rooms` (only events in a room the runtime knows: `ctx.room` and
 * `ctx.event.room` are always there) or `anywhere` (also direct messages: both may be absent).
 */
export type PluginScope = 'rooms' | 'anywhere';

/** The event a plugin of kinds `K` and scope `S` sees. */
export type ScopedEvent<K extends BotEventKind, S extends PluginScope> = S extends 'rooms'
  ? EventOf<K> & { room: Room }
  : EventOf<K>;

/** How a reply is sent. */
export interface ReplyOptions {
  /** Contacts (or their puppet ids) to @-mention in a room. */
  mention?: (Contact | string)[];
}

/** A queued send: its log id and a promise of its outcome. */
export interface SendTicket {
  record: SendRecord;
  settled: Promise<SendRecord>;
}

/** The robot an event belongs to, as plugins see it. */
export type ContextRobot = Pick<RobotView, 'id' | 'name' | 'owner' | 'agentCode' | 'wxId' | 'wxName'>;

/**
 * What a handler gets for one event. `K` narrows the event to the kinds the plugin declared;
 * `S = 'rooms'` makes the room (record and Wechaty room) always present.
 */
export interface BotContext<K extends BotEventKind = BotEventKind, S extends PluginScope = 'anywhere'> {
  readonly event: ScopedEvent<K, S>;
  readonly robot: ContextRobot;
  /** The room record (per-room settings) when the event happened in a room. */
  readonly room: S extends 'rooms' ? RoomView : RoomView | undefined;
  readonly log: Logger;
  /** Scratch space shared by the plugins along the chain for this event. */
  readonly state: Record<string | symbol, unknown>;
  /** Replies where the event happened (the room, else the talker), through the paced outbox. */
  reply(content: OutboundContent | string, opts?: ReplyOptions): Promise<SendTicket>;
}

/** Passes the event on to the rest of the chain; at most once per handler call. */
export type Next = () => Promise<void>;

/** A plugin's middleware: `await next()` passes the event on, returning without it consumes it. */
export type Handler<K extends BotEventKind = BotEventKind, S extends PluginScope = 'anywhere'> = (
  ctx: BotContext<K, S>,
  next: Next,
) => Promise<void> | void;

/** A plugin made ready to run: its handler and what it releases at shutdown. */
export interface PluginInstance<K extends BotEventKind = BotEventKind, S extends PluginScope = 'anywhere'> {
  handle: Handler<K, S>;
  /** Flushes and releases what the plugin holds (timers, buffered counts). */
  dispose?(): Promise<void>;
}

/**
 * A plugin: a factory for a handler over bot events. Plugins run in the configured order;
 * `await next()` passes the event on, returning without it consumes it. A plugin never calls
 * `bot.on`, never sleeps, and sends only through `ctx.reply()` (the outbox paces it).
 *
 * `C` is its parsed config, `D` the narrow dependencies it declared (its own services, the
 * clock), `K` the event kinds it takes and `S` where it acts.
 */
export interface BotPlugin<C, D, K extends BotEventKind = BotEventKind, S extends PluginScope = 'anywhere'> {
  /** kebab-case: the folder, the config key and the log field. */
  name: string;
  /** The kinds of events the runtime hands this plugin; others skip it. */
  events: readonly K[];
  /** `rooms`: the runtime skips this plugin for events outside a known room. */
  scope: S;
  /** One line for people: what the plugin does. */
  description: string;
  /** Validates the plugin's config at boot; throws naming the bad key. */
  parseConfig(raw: unknown): C;
  /** Builds the handler from the parsed config, the plugin's dependencies and its logger. */
  create(deps: { config: C; services: D; log: Logger }): PluginInstance<K, S>;
}
