import type { PublishInput } from './events';
import type { CallbackInput } from './outbox';
import { LOGIN_CALLBACK_FORMAT } from './login-callback.format';

/**
 * Runtime events as webhook events: one small pure mapper per event. The wiring (bridge.ts)
 * looks up what a mapper needs (the robot's owner, the room as last seen) and publishes the result.
 */

/** A person as the runtime hands it over (a Wechaty contact, or anything with an id and a name). */
export interface PersonLike {
  id: string;
  name(): string;
}

/** The room fields an event carries, from the runtime's room cache. */
export interface RoomFacts {
  id: string;
  topic?: string;
}

/** What the wiring looked up for a mapper. */
export interface EventFacts {
  /** The owner of the robot (undefined: the robot is gone; only admin subscriptions get it). */
  owner?: string | undefined;
  room?: RoomFacts | undefined;
}

export interface QrcodeEvent {
  robotId: string;
  qr: { payload: string; expiresAt: Date };
}
export interface LoginEvent {
  robotId: string;
  wxId: string;
  wxName: string;
}
export interface StatusEvent {
  robotId: string;
  status: string;
  prev: string;
  reason?: string | undefined;
  retryAt?: Date | undefined;
}
export interface RoomJoinFacts {
  id: string;
  at: Date;
  invitees: readonly PersonLike[];
  inviter?: PersonLike | undefined;
}
export interface MessageFacts {
  id: string;
  at: Date;
  message: { id: string };
  talker?: PersonLike | undefined;
  text: string;
}

/** A captured @-mention, as the mention service announces it. */
export interface MentionFacts {
  id: string;
  owner: string;
  robotId: string;
  roomId: string;
  roomTopic?: string | undefined;
  messageId: string;
  talkerId: string;
  talkerName?: string | undefined;
  text: string;
  at: Date;
  before: readonly { talkerId: string; talkerName?: string | undefined; text: string; at: Date }[];
}

const ownedBy = (owner: string | undefined) => (owner ? { owner } : {});

/** `{ id, name }`, the name left out when empty. */
export function person(c: PersonLike): { id: string; name?: string } {
  const name = c.name();
  return name ? { id: c.id, name } : { id: c.id };
}

function roomFields(room: RoomFacts | undefined): { roomId?: string; roomTopic?: string } {
  return room ? { roomId: room.id, ...(room.topic ? { roomTopic: room.topic } : {}) } : {};
}

const talkerOf = (id: string, name: string | undefined) => (name ? { id, name } : { id });

/** True when the robot went offline just now (only that transition is announced). */
export const wentOffline = (e: StatusEvent): boolean => e.status === 'offline' && e.prev !== 'offline';

/** The mappers, by event (see the README's webhook event list). */
export const toWebhook = {
  qrcode: (e: QrcodeEvent, f: EventFacts): PublishInput => ({
    type: 'robot.qrcode',
    ...ownedBy(f.owner),
    payload: { robotId: e.robotId, qrcode: e.qr.payload, expiresAt: e.qr.expiresAt.toISOString() },
  }),

  login: (e: LoginEvent, f: EventFacts): PublishInput => ({
    type: 'robot.login',
    ...ownedBy(f.owner),
    payload: { robotId: e.robotId, wxId: e.wxId, wxName: e.wxName },
  }),

  logout: (e: { robotId: string }, f: EventFacts): PublishInput => ({
    type: 'robot.logout',
    ...ownedBy(f.owner),
    payload: { robotId: e.robotId },
  }),

  /** Call only when wentOffline(e). */
  offline: (e: StatusEvent, f: EventFacts): PublishInput => ({
    type: 'robot.offline',
    ...ownedBy(f.owner),
    payload: {
      robotId: e.robotId,
      previous: e.prev,
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.retryAt ? { retryAt: e.retryAt.toISOString() } : {}),
    },
  }),

  roomJoin: (robotId: string, e: RoomJoinFacts, f: EventFacts): PublishInput => {
    const inviter = e.inviter ? person(e.inviter) : undefined;
    return {
      type: 'room.join',
      id: e.id,
      ...ownedBy(f.owner),
      payload: {
        robotId,
        ...roomFields(f.room),
        invitees: e.invitees.map(person),
        ...(inviter ? { inviter } : {}),
        at: e.at.toISOString(),
      },
    };
  },

  message: (robotId: string, e: MessageFacts, f: EventFacts): PublishInput => ({
    type: 'message.received',
    id: e.id,
    ...ownedBy(f.owner),
    payload: {
      robotId,
      messageId: e.message.id,
      ...roomFields(f.room),
      talker: e.talker ? person(e.talker) : { id: '' },
      text: e.text,
      at: e.at.toISOString(),
    },
  }),

  mention: (m: MentionFacts): PublishInput => ({
    type: 'message.mention',
    id: `mention-${m.id}`,
    owner: m.owner,
    payload: {
      mentionId: m.id,
      robotId: m.robotId,
      roomId: m.roomId,
      ...(m.roomTopic ? { roomTopic: m.roomTopic } : {}),
      messageId: m.messageId,
      talker: talkerOf(m.talkerId, m.talkerName),
      text: m.text,
      at: m.at.toISOString(),
      before: m.before.map((l) => ({
        talker: talkerOf(l.talkerId, l.talkerName),
        text: l.text,
        at: new Date(l.at).toISOString(),
      })),
    },
  }),

  /** The robot's login callback: a GET of its callback URL, with the robot.login event's id. */
  loginCallback: (e: { robotId: string }, eventId: string, url: string, f: EventFacts): CallbackInput => ({
    format: LOGIN_CALLBACK_FORMAT,
    eventId,
    eventType: 'robot.login',
    robotId: e.robotId,
    url,
    ...ownedBy(f.owner),
  }),
} as const;
