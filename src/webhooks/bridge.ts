import type { RobotManager, RuntimeEvents } from '../bot/robot-manager';
import type { RobotService } from '../bot/robot.service';
import type { RoomService } from '../bot/room.service';
import type { BotEvent } from '../bot/plugin';
import type { Logger } from '../logger';
import type { MentionService } from '../plugins/mention-capture/mention.service';
import type { PublishInput } from './events';
import type { WebhookOutbox } from './outbox';
import { toWebhook, wentOffline, type EventFacts, type LoginEvent, type MentionFacts } from './runtime-events';

export interface BridgeDeps {
  manager: Pick<RobotManager, 'on' | 'off'>;
  robots: Pick<RobotService, 'get'>;
  rooms: Pick<RoomService, 'peek'>;
  mentions: Pick<MentionService, 'on' | 'off'>;
  outbox: Pick<WebhookOutbox, 'publish' | 'enqueue' | 'subscriptions'>;
  now: () => number;
  log: Logger;
}

type Listeners = { [K in keyof RuntimeEvents]?: (...args: RuntimeEvents[K]) => void };

const OWNER_TTL_MS = 60_000;
const GATE_TTL_MS = 5_000;

/** The owner of a robot, remembered for a minute (events of one robot come in bursts). */
function ownerCache(robots: BridgeDeps['robots'], now: () => number) {
  const owners = new Map<string, { owner: string; at: number }>();
  return async (robotId: string): Promise<string | undefined> => {
    const hit = owners.get(robotId);
    if (hit && now() - hit.at < OWNER_TTL_MS) return hit.owner;
    const robot = await robots.get(robotId);
    if (robot) owners.set(robotId, { owner: robot.owner, at: now() });
    return robot?.owner;
  };
}

/** Whether any subscription wants `message.received`, asked again after a change or a few seconds. */
function receivedGate(subscriptions: BridgeDeps['outbox']['subscriptions'], now: () => number) {
  let gate = { version: -1, at: 0, open: false };
  return async (): Promise<boolean> => {
    const version = subscriptions.version;
    if (gate.version === version && now() - gate.at < GATE_TTL_MS) return gate.open;
    gate = { version, at: now(), open: await subscriptions.anyFor('message.received') };
    return gate.open;
  };
}

/**
 * Turns runtime events into webhook events (the mappers in runtime-events.ts). An event belongs
 * to its robot's owner. Per-message work is skipped unless some subscription asked for
 * `message.received`, so the message path stays cheap. Returns a function that detaches the bridge and resolves once
 * the events raised before are stored.
 */
export function bridgeRuntime(deps: BridgeDeps): () => Promise<void> {
  const { manager, outbox, rooms } = deps;
  const ownerOf = ownerCache(deps.robots, deps.now);
  const wantsReceived = receivedGate(outbox.subscriptions, deps.now);
  const fail = (what: string) => (err: unknown) =>
    deps.log.error({ err, module: 'webhooks' }, `webhook ${what} failed`);
  // Publishes under way: detaching waits for them, so events raised during shutdown are stored
  // before the database closes.
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>, what: string): void => {
    const settled = p.catch(fail(what)).finally(() => pending.delete(settled));
    pending.add(settled);
  };
  const publish = (robotId: string, make: (facts: EventFacts) => PublishInput, facts: EventFacts = {}) =>
    track(
      ownerOf(robotId).then((owner) => outbox.publish(make({ ...facts, owner }))),
      'publish',
    );

  async function onLogin(e: LoginEvent): Promise<void> {
    // Read afresh, not from the cache: the callback URL may have changed with this login.
    const robot = await deps.robots.get(e.robotId);
    const facts = { owner: robot?.owner };
    const { event } = await outbox.publish(toWebhook.login(e, facts));
    if (robot?.callbackUrl) await outbox.enqueue(toWebhook.loginCallback(e, event.id, robot.callbackUrl, facts));
  }

  async function onMessage(robotId: string, event: Extract<BotEvent, { kind: 'message' }>): Promise<void> {
    const room = event.room ? rooms.peek(robotId, event.room.id) : undefined;
    if (!(await wantsReceived())) return;
    await outbox.publish(toWebhook.message(robotId, event, { owner: await ownerOf(robotId), room }));
  }

  const listeners: Listeners = {
    qrcode: (e) => publish(e.robotId, (f) => toWebhook.qrcode(e, f)),
    login: (e) => track(onLogin(e), 'login'),
    logout: (e) => publish(e.robotId, (f) => toWebhook.logout(e, f)),
    status: (e) => {
      if (wentOffline(e)) publish(e.robotId, (f) => toWebhook.offline(e, f));
    },
    handled: ({ robotId, event }) => {
      if (event.kind === 'message') return track(onMessage(robotId, event), 'message');
      if (event.kind !== 'room-join') return;
      const room = rooms.peek(robotId, event.room.id);
      publish(robotId, (f) => toWebhook.roomJoin(robotId, event, f), { room });
    },
  };
  const onMention = (m: MentionFacts) => track(outbox.publish(toWebhook.mention(m)), 'mention');

  const each = (fn: (name: 'login', listener: never) => unknown) => {
    for (const [name, listener] of Object.entries(listeners)) fn(name as 'login', listener as never);
  };
  each((name, listener) => manager.on(name, listener));
  deps.mentions.on('captured', onMention);
  return async () => {
    each((name, listener) => manager.off(name, listener));
    deps.mentions.off('captured', onMention);
    while (pending.size > 0) await Promise.all(pending);
  };
}
