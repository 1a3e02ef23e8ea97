import type { Contact, Room } from 'wechaty';
import { z } from 'zod';
import type { Clock } from '../../bot/core/clock';
import type { BotContext, Next } from '../../bot/plugin';
import { definePlugin } from '../plugin-package';
import { welcomeEndpoints } from './welcome.endpoints';
import { WelcomeService } from './welcome.service';
import { parseJoinNotice, renderWelcome, WelcomeBatcher } from './welcome-rules';

const configSchema = z
  .object({
    defaultText: z.string().min(1).max(1000).default('欢迎 {names} 加入{topic}！'),
    /** Joins within this window after the first get one welcome. */
    windowMs: z.number().int().min(0).max(600_000).default(10_000),
    /** At least this long between two welcomes in one room. */
    cooldownMs: z.number().int().min(0).max(86_400_000).default(60_000),
  })
  .strict();

/** Message type of system notices (joins, recalls) on Wechaty puppets. */
const SYSTEM_MESSAGE_TYPE = 0;

/** What the welcome plugin needs: the rooms' welcome settings, and the clock (batching). */
export interface WelcomeDeps {
  welcome: WelcomeService;
  clock: Clock;
}

type RoomEvent = BotContext<'room-join' | 'message', 'rooms'>;

interface Newcomer {
  name: string;
  contact?: Contact;
}

/**
 * Welcomes newcomers with the room's welcome text (seed 002 welcome_msg) or the default. Joins
 * within a short window get one welcome naming them all, and each room has a cool-down: bursts
 * of welcomes look like spam and get accounts flagged. Reacts to `room-join` events and, where a
 * puppet misses them, to the system message that announces a join. Always passes the event on.
 */
export const welcomePlugin = definePlugin({
  name: 'welcome',
  events: ['room-join', 'message'],
  scope: 'rooms',
  description: 'Welcomes newcomers, batching joins and keeping a per-room cool-down',
  parseConfig: (raw): z.infer<typeof configSchema> => configSchema.parse(raw ?? {}),
  services: ({ db, clock }): WelcomeDeps => ({ welcome: new WelcomeService(db), clock }),
  endpoints: welcomeEndpoints,
  create({ config, services, log }) {
    const { clock } = services;
    const batcher = new WelcomeBatcher<Newcomer>({ windowMs: config.windowMs, cooldownMs: config.cooldownMs });
    const latest = new Map<string, { ctx: RoomEvent; room: Room }>();
    const timers = new Set<AbortController>();

    const flush = async (roomId: string) => {
      const entry = latest.get(roomId);
      const people = batcher.take(roomId, clock.now());
      if (!entry || people.length === 0) return;
      latest.delete(roomId);
      const setting = await services.welcome.get(roomId, config.defaultText);
      if (!setting.enabled) return;
      const topic = entry.room.payload?.topic ?? (await entry.room.topic());
      const count = entry.room.payload?.memberIdList?.length ?? entry.ctx.room.memberCount ?? 0;
      const text = renderWelcome(setting.text, { names: people.map((p) => p.name), topic, count });
      const mention = setting.mention ? people.flatMap((p) => (p.contact ? [p.contact] : [])) : [];
      await entry.ctx.reply(text, { mention });
    };

    // Reads the room's setting first: a room with welcomes off opens no batch, and a room's own
    // window applies to the batch its first newcomer opens.
    const add = async (ctx: RoomEvent, room: Room, people: Newcomer[]): Promise<void> => {
      const roomId = ctx.room.id;
      const setting = await services.welcome.get(roomId, config.defaultText);
      if (!setting.enabled) return;
      const windowMs = setting.windowSec === null ? config.windowMs : setting.windowSec * 1000;
      latest.set(roomId, { ctx, room });
      for (const p of people) {
        const flushAt = batcher.add(roomId, p.name, p, clock.now(), windowMs);
        if (flushAt === null) continue;
        const ctl = new AbortController();
        timers.add(ctl);
        clock.sleep(Math.max(0, flushAt - clock.now()), ctl.signal).then(
          () => {
            timers.delete(ctl);
            flush(roomId).catch((err) => log.error({ err, roomId }, 'welcome failed'));
          },
          () => timers.delete(ctl),
        );
      }
    };

    const fromNotice = async (ctx: RoomEvent, room: Room, names: string[], next: Next): Promise<void> => {
      const people = await Promise.all(
        names.map(async (name) => ({
          name,
          ...(await room.member(name).then(
            (c) => (c ? { contact: c } : {}),
            () => ({}),
          )),
        })),
      );
      await add(ctx, room, people);
      return next();
    };

    return {
      // Not async for ordinary messages: only joins are noted (the welcome goes out later, from a timer).
      handle(ctx, next) {
        const { event } = ctx;
        if (event.kind === 'room-join') {
          const people = event.invitees
            .filter((c) => c.id !== ctx.robot.wxId)
            .map((c) => ({ name: c.name(), contact: c }));
          if (people.length > 0) return add(ctx, event.room, people).then(next);
        } else if (event.message.type() === SYSTEM_MESSAGE_TYPE) {
          const names = parseJoinNotice(event.text).filter((n) => n !== ctx.robot.wxName);
          if (names.length > 0) return fromNotice(ctx, event.room, names, next);
        }
        return next();
      },
      async dispose() {
        for (const t of timers) t.abort();
        timers.clear();
      },
    };
  },
});
