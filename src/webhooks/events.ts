import { randomUUID } from 'node:crypto';

/** Native webhook event types. `message.received` goes only to subscriptions that list it. */
export const EVENT_TYPES = [
  'robot.qrcode',
  'robot.login',
  'robot.logout',
  'robot.offline',
  'message.mention',
  'room.join',
  'broadcast.finished',
  'message.received',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

interface Person {
  id: string;
  name?: string;
}

/** The payload of each event type (JSON-safe: dates are ISO strings). */
export interface EventPayloads {
  'robot.qrcode': { robotId: string; qrcode: string; expiresAt: string };
  'robot.login': { robotId: string; wxId: string; wxName: string };
  'robot.logout': { robotId: string };
  'robot.offline': { robotId: string; previous: string; reason?: string; retryAt?: string };
  'message.mention': {
    mentionId: string;
    robotId: string;
    roomId: string;
    roomTopic?: string;
    messageId: string;
    talker: Person;
    text: string;
    at: string;
    before: { talker: Person; text: string; at: string }[];
  };
  'room.join': {
    robotId: string;
    roomId?: string;
    roomTopic?: string;
    invitees: Person[];
    inviter?: Person;
    at: string;
  };
  'broadcast.finished': {
    broadcastId: string;
    runId: string;
    run: number;
    name: string;
    scheduledFor: string;
    finishedAt: string;
    /** Rooms per outcome: queued, sending, sent, partial, failed, room_not_found, unknown, cancelled, recalled, total. */
    counts: Record<string, number>;
    sent: number;
    failed: number;
  };
  'message.received': {
    robotId: string;
    messageId: string;
    roomId?: string;
    roomTopic?: string;
    talker: Person;
    text: string;
    at: string;
  };
}

/** What a producer hands to `publish`: the owner the event belongs to decides who receives it. */
export type PublishInput = {
  [T in EventType]: {
    type: T;
    /** The owner of the robot the event is about; undefined: only admin (owner-less) subscriptions. */
    owner?: string;
    payload: EventPayloads[T];
    /** A stable id makes publishing idempotent (same id, same subscription: one delivery). */
    id?: string;
    time?: Date;
  };
}[EventType];

/** The JSON every native webhook carries. `id` stays the same across retries (for dedupe). */
export interface EventEnvelope {
  id: string;
  type: EventType;
  time: string;
  owner?: string;
  payload: EventPayloads[EventType];
}

export function makeEnvelope(input: PublishInput, now: Date, newId: () => string = randomUUID): EventEnvelope {
  return {
    id: input.id ?? newId(),
    type: input.type,
    time: (input.time ?? now).toISOString(),
    ...(input.owner !== undefined ? { owner: input.owner } : {}),
    payload: input.payload,
  };
}
