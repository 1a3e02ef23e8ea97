import type { Contact } from 'wechaty';
import type { Logger } from '../logger';
import type { RobotManager } from '../bot/robot-manager';
import type { RobotService } from '../bot/robot.service';
import type { RoomService, RoomView } from '../bot/room.service';
import type { BotEvent } from '../bot/plugin';
import type { MentionService, Mention } from '../plugins/mention-capture/mention.service';
import type { PublishInput } from './events';
import type { WebhookOutbox } from './outbox';

export interface BridgeDeps {
  manager: RobotManager;
  robots: Pick<RobotService, 'get'>;
  rooms: Pick<RoomService, 'peek'>;
  mentions: Pick<MentionService, 'on' | 'off'>;
  outbox: Pick<WebhookOutbox, 'publish' | 'enqueuePlain' | 'subscriptions'>;
  /** Seed 001 developer callback: group messages of bound rooms are POSTed here when enabled. */
  seed001: { enabled: boolean; callbackUrl?: string };
  now: () => number;
  log: Logger;
}

const OWNER_TTL_MS = 60_000;
const GATE_TTL_MS = 5_000;

function person(c: Contact | undefined): { id: string; name?: string } | undefined {
  if (!c) return undefined;
  const name = c.name();
  return name ? { id: c.id, name } : { id: c.id };
}

/**
 * Turns runtime events into webhook events (and seed 001 callbacks). An event belongs to its
 * robot's owner. Per-message work is skipped unless some subscription asked for
 * `message.received` or the seed 001 developer callback is on, so the message path stays cheap.
 * Returns a function that detaches the bridge.
 */
export function bridgeRuntime(deps: BridgeDeps): () => void {
  const { manager, outbox, log } = deps;
  const owners = new Map<string, { owner: string; at: number }>();
  let gate = { version: -1, at: 0, open: false };

  const ownerOf = async (robotId: string): Promise<string | undefined> => {
    const hit = owners.get(robotId);
    if (hit && deps.now() - hit.at < OWNER_TTL_MS) return hit.owner;
    const robot = await deps.robots.get(robotId);
    if (robot) owners.set(robotId, { owner: robot.owner, at: deps.now() });
    return robot?.owner;
  };
  const wantsReceived = async (): Promise<boolean> => {
    const version = outbox.subscriptions.version;
    if (gate.version === version && deps.now() - gate.at < GATE_TTL_MS) return gate.open;
    gate = { version, at: deps.now(), open: await outbox.subscriptions.anyFor('message.received') };
    return gate.open;
  };
  const fail = (what: string) => (err: unknown) => log.error({ err, module: 'webhooks' }, `webhook ${what} failed`);
  const publish = (robotId: string, make: (owner: string | undefined) => PublishInput) =>
    ownerOf(robotId)
      .then((owner) => outbox.publish(make(owner)))
      .catch(fail('publish'));

  const listeners = {
    qrcode: ({ robotId, qr }: { robotId: string; qr: { payload: string; expiresAt: Date } }) =>
      void publish(robotId, (owner) => ({
        type: 'robot.qrcode',
        ...(owner ? { owner } : {}),
        payload: { robotId, qrcode: qr.payload, expiresAt: qr.expiresAt.toISOString() },
      })),
    login: ({ robotId, wxId, wxName }: { robotId: string; wxId: string; wxName: string }) =>
      void onLogin(robotId, wxId, wxName).catch(fail('login')),
    logout: ({ robotId }: { robotId: string }) =>
      void publish(robotId, (owner) => ({ type: 'robot.logout', ...(owner ? { owner } : {}), payload: { robotId } })),
    status: ({ robotId, status, prev, reason }: { robotId: string; status: string; prev: string; reason?: string }) => {
      if (status !== 'offline' || prev === 'offline') return;
      void publish(robotId, (owner) => ({
        type: 'robot.offline',
        ...(owner ? { owner } : {}),
        payload: { robotId, previous: prev, ...(reason ? { reason } : {}) },
      }));
    },
    handled: ({ robotId, event }: { robotId: string; event: BotEvent }) => {
      if (event.kind === 'room-join') {
        const room = deps.rooms.peek(robotId, event.room.id);
        const inviter = person(event.inviter);
        void publish(robotId, (owner) => ({
          type: 'room.join',
          id: event.id,
          ...(owner ? { owner } : {}),
          payload: {
            robotId,
            ...roomFields(room),
            invitees: event.invitees.map((c) => person(c) as { id: string }),
            ...(inviter ? { inviter } : {}),
            at: event.at.toISOString(),
          },
        }));
        return;
      }
      void onMessage(robotId, event).catch(fail('message'));
    },
  };

  async function onLogin(robotId: string, wxId: string, wxName: string): Promise<void> {
    const robot = await deps.robots.get(robotId);
    const owner = robot?.owner;
    const { event } = await outbox.publish({
      type: 'robot.login',
      ...(owner ? { owner } : {}),
      payload: { robotId, wxId, wxName },
    });
    // Seed 001: GET the robot's callback_url after each QR login (same event id, for dedupe).
    if (robot?.callbackUrl)
      await outbox.enqueuePlain({
        format: 'login-callback',
        eventId: event.id,
        robotId,
        url: robot.callbackUrl,
        ...(owner ? { owner } : {}),
      });
  }

  async function onMessage(robotId: string, event: Extract<BotEvent, { kind: 'message' }>): Promise<void> {
    const room = event.room ? deps.rooms.peek(robotId, event.room.id) : undefined;
    const talker = person(event.talker) ?? { id: '' };
    if (deps.seed001.enabled && deps.seed001.callbackUrl && room?.bound) {
      await outbox.enqueuePlain({
        format: 'seed001-developer',
        eventId: event.id,
        robotId,
        url: deps.seed001.callbackUrl,
        body: {
          action: 'send_message',
          data: { content: event.text, robot_id: robotId, room_id: room.id, nickname: talker.name ?? '' },
        },
      });
    }
    if (!(await wantsReceived())) return;
    const owner = await ownerOf(robotId);
    await outbox.publish({
      type: 'message.received',
      id: event.id,
      ...(owner ? { owner } : {}),
      payload: {
        robotId,
        messageId: event.message.id,
        ...roomFields(room),
        talker,
        text: event.text,
        at: event.at.toISOString(),
      },
    });
  }

  const onMention = (m: Mention) =>
    void outbox
      .publish({
        type: 'message.mention',
        id: `mention-${m.id}`,
        owner: m.owner,
        payload: {
          mentionId: m.id,
          robotId: m.robotId,
          roomId: m.roomId,
          ...(m.roomTopic ? { roomTopic: m.roomTopic } : {}),
          messageId: m.messageId,
          talker: m.talkerName ? { id: m.talkerId, name: m.talkerName } : { id: m.talkerId },
          text: m.text,
          at: m.at.toISOString(),
          before: m.before.map((l) => ({
            talker: l.talkerName ? { id: l.talkerId, name: l.talkerName } : { id: l.talkerId },
            text: l.text,
            at: new Date(l.at).toISOString(),
          })),
        },
      })
      .catch(fail('mention'));

  for (const [name, fn] of Object.entries(listeners)) manager.on(name as 'login', fn as never);
  deps.mentions.on('captured', onMention);
  return () => {
    for (const [name, fn] of Object.entries(listeners)) manager.off(name as 'login', fn as never);
    deps.mentions.off('captured', onMention);
  };
}

function roomFields(room: RoomView | undefined): { roomId?: string; roomTopic?: string } {
  return room ? { roomId: room.id, ...(room.topic ? { roomTopic: room.topic } : {}) } : {};
}
