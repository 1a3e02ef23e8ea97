import type { Contact, Message, Room } from 'wechaty';
import type { BotContext, BotEvent, ReplyOptions } from '../../src/bot/plugin';
import type { RoomView } from '../../src/bot/room.service';
import type { OutboundContent } from '../../src/bot/content';
import { silentLog } from './logger';

export const talker = (id: string, name: string) => ({ id, name: () => name }) as unknown as Contact;

export function wxRoom(id: string, topic: string, members: Contact[] = []): Room {
  return {
    id,
    payload: { topic, memberIdList: members.map((m) => m.id) },
    topic: async () => topic,
    member: async (name: string) => members.find((m) => m.name() === name),
  } as unknown as Room;
}

export function roomView(id: string, over: Partial<RoomView> = {}): RoomView {
  return {
    id,
    robotId: 'robot-1',
    puppetId: `${id}@chatroom`,
    topic: 'Test room',
    memberCount: 10,
    present: true,
    bound: false,
    production: false,
    launch: false,
    plugins: {},
    ...over,
  };
}

let seq = 0;

export function messageEvent(opts: {
  text: string;
  from: Contact;
  room?: Room;
  type?: number;
  mentionSelf?: boolean;
  at?: Date;
  id?: string;
}): BotEvent {
  const id = opts.id ?? `msg-${++seq}`;
  const message = {
    id,
    text: () => opts.text,
    type: () => opts.type ?? 7,
    mentionSelf: async () => opts.mentionSelf ?? false,
  } as unknown as Message;
  return {
    kind: 'message',
    id,
    robotId: 'robot-1',
    at: opts.at ?? new Date(),
    message,
    talker: opts.from,
    text: opts.text,
    ...(opts.room ? { room: opts.room } : {}),
  };
}

export function joinEvent(room: Room, invitees: Contact[], at = new Date()): BotEvent {
  return { kind: 'room-join', id: `join-${++seq}`, robotId: 'robot-1', at, room, invitees };
}

export interface Sent {
  content: OutboundContent;
  mention: string[];
}

/** A context whose replies are collected in `sent` (what the outbox would have been given). */
export function fakeContext(event: BotEvent, room: RoomView | undefined, robot: Partial<BotContext['robot']> = {}) {
  const sent: Sent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const ctx: BotContext = {
    event,
    robot: { id: 'robot-1', name: 'r', owner: 'owner-1', wxId: 'wx-robot', wxName: '小助手', ...robot },
    room,
    log: silentLog,
    state: {},
    async reply(content: OutboundContent | string, opts: ReplyOptions = {}) {
      const c: OutboundContent = typeof content === 'string' ? { type: 'text', text: content } : content;
      sent.push({ content: c, mention: (opts.mention ?? []).map((m) => (typeof m === 'string' ? m : m.id)) });
      for (const w of waiters.filter((x) => sent.length >= x.n)) w.resolve();
      const record = {
        id: `s${sent.length}`,
        robotId: 'robot-1',
        conversationId: room?.puppetId ?? '',
        content: c,
        mentionIds: [],
        status: 'queued' as const,
      };
      return { record, settled: Promise.resolve({ ...record, status: 'sent' as const }) };
    },
  };
  const next = jest.fn(async () => undefined);
  /** Resolves once `n` replies were sent (plugins that reply later, from a timer). */
  const replied = (n = 1) =>
    sent.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }));
  return {
    ctx,
    next,
    sent,
    replied,
    texts: () => sent.map((s) => (s.content.type === 'text' ? s.content.text : s.content.type)),
  };
}
