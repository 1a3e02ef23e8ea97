import type { Contact, Message, Room } from 'wechaty';
import type { Logger } from '../logger';
import type { Clock } from './core/clock';
import { DedupeCache } from './core/dedupe';
import type { BotEvent } from './plugin';

/** How a robot filters what its puppet reports. */
export interface InboundPolicy {
  /** Messages older than this (replayed after a reconnect) are dropped. */
  maxMessageAgeMs: number;
  dedupe: { size: number; ttlMs: number };
}

/** What a robot's inbound side needs: its id, the policy, the clock and its logger. */
export interface InboundDeps {
  robotId: string;
  policy: InboundPolicy;
  clock: Clock;
  log: Logger;
}

/**
 * Turns one robot's Wechaty events into BotEvents: its own messages, repeats and stale messages
 * are dropped; a room join or leave gets an id of its own (room, people, second) for dedupe.
 */
export class RobotInbound {
  /** Message ids and room join/leave keys seen lately, apart: a message's own id is its key, no copy. */
  private readonly seenMessages: DedupeCache;
  private readonly seenJoins: DedupeCache;

  constructor(private readonly deps: InboundDeps) {
    const now = () => deps.clock.now();
    this.seenMessages = new DedupeCache(deps.policy.dedupe.size, deps.policy.dedupe.ttlMs, now);
    this.seenJoins = new DedupeCache(deps.policy.dedupe.size, deps.policy.dedupe.ttlMs, now);
  }

  /** The event for a message, or undefined when it is the robot's own (`selfId`), a repeat or too old. */
  message(message: Message, selfId: string | undefined): BotEvent | undefined {
    // What message.self() does, without loading the talker a second time for the event.
    const talker = message.talker();
    if (talker.id === selfId) return undefined;
    const now = this.deps.clock.now();
    if (this.seenMessages.seen(message.id, now)) return undefined;
    const at = message.date();
    const age = now - at.getTime();
    if (age > this.deps.policy.maxMessageAgeMs) {
      this.deps.log.debug({ messageId: message.id, ageMs: age }, 'dropping an old message');
      return undefined;
    }
    return {
      kind: 'message',
      id: message.id,
      robotId: this.deps.robotId,
      at,
      message,
      talker,
      room: message.room(),
      text: message.text(),
    };
  }

  /** The event for members joining a room, or undefined when it was reported already. */
  roomJoin(room: Room, invitees: Contact[], inviter: Contact | undefined, date?: Date): BotEvent | undefined {
    const at = date ?? new Date(this.deps.clock.now());
    const id = this.membershipId('join', room, invitees, at);
    if (id === undefined) return undefined;
    return { kind: 'room-join', id, robotId: this.deps.robotId, at, room, invitees, ...(inviter ? { inviter } : {}) };
  }

  /** The event for members leaving a room, or undefined when it was reported already. */
  roomLeave(room: Room, leavers: Contact[], remover: Contact | undefined, date?: Date): BotEvent | undefined {
    const at = date ?? new Date(this.deps.clock.now());
    const id = this.membershipId('leave', room, leavers, at);
    if (id === undefined) return undefined;
    return { kind: 'room-leave', id, robotId: this.deps.robotId, at, room, leavers, ...(remover ? { remover } : {}) };
  }

  /** A join's or leave's own id (room, people, second), or undefined when it was seen lately. */
  private membershipId(what: 'join' | 'leave', room: Room, people: Contact[], at: Date): string | undefined {
    const ids = people
      .map((c) => c.id)
      .sort()
      .join(',');
    const id = `${what}:${room.id}:${ids}:${Math.floor(at.getTime() / 1000)}`;
    return this.seenJoins.seen(id) ? undefined : id;
  }
}
