import type { Contact } from 'wechaty';
import { z } from 'zod';
import type { Clock } from '../../bot/core/clock';
import type { BotContext, MessageEvent, Next } from '../../bot/plugin';
import type { RoomView } from '../../bot/room.service';
import { definePlugin } from '../plugin-package';
import { mentionEndpoints } from './mention.endpoints';
import { MentionService } from './mention.service';
import { isRobotMentioned, RecentMessages, type ContextLine, type RecentMessage } from './mention-rules';

const configSchema = z
  .object({
    /** Messages kept before a mention. */
    before: z.number().int().min(0).max(100).default(10),
    /** Messages appended after a mention, within afterWindowMs. */
    after: z.number().int().min(0).max(100).default(5),
    afterWindowMs: z.number().int().min(0).max(3_600_000).default(120_000),
    /** Rooms whose recent traffic is kept in memory (the earliest met dropped first). */
    maxRooms: z.number().int().min(1).max(1_000_000).default(5_000),
  })
  .strict();

/** What the mention-capture plugin needs: where mentions are stored, and the clock (windows). */
export interface MentionCaptureDeps {
  mentions: MentionService;
  clock: Clock;
}

function toLine(e: MessageEvent): ContextLine {
  return { messageId: e.id, talkerId: e.talker.id, talkerName: e.talker.name(), text: e.text, at: e.at };
}

/** A remembered message as a context line (the talker's name as of the capture, as for events). */
function recentLine(m: RecentMessage<Contact>): ContextLine {
  return { messageId: m.messageId, talkerId: m.talker.id, talkerName: m.talker.name(), text: m.text, at: m.at };
}

interface OpenWindow {
  id: string;
  remaining: number;
  timer: AbortController;
}

/**
 * Captures messages that @-mention the robot with their context. Recent room traffic is kept in
 * a bounded in-memory ring per room and written only with a capture (no write per ordinary
 * message). The capture is stored, with its trailing context window (deadline and size), before
 * the event is passed on; each message of the window is appended as it comes (at most `after`
 * writes per capture), so a kill -9 loses nothing stored. At start the windows still open in the
 * database are resumed and those whose time is over are closed. Always passes the event on.
 */
export const mentionCapturePlugin = definePlugin({
  name: 'mention-capture',
  events: ['message'],
  scope: 'rooms',
  description: 'Stores @-mentions of the robot with the messages around them',
  parseConfig: (raw): z.infer<typeof configSchema> => configSchema.parse(raw ?? {}),
  services: ({ db, clock }): MentionCaptureDeps => ({ mentions: new MentionService(db), clock }),
  endpoints: mentionEndpoints,
  create({ config, services, log }) {
    const rings = new Map<string, RecentMessages<Contact>>();
    const open = new Map<string, OpenWindow[]>();

    /** Forgets a window here; false when it was already gone. */
    const detach = (roomId: string, w: OpenWindow): boolean => {
      const list = open.get(roomId);
      if (!list?.includes(w)) return false;
      list.splice(list.indexOf(w), 1);
      if (list.length === 0) open.delete(roomId);
      w.timer.abort();
      return true;
    };

    /** Time is up: the window is closed in the database with what it got. */
    const expire = async (roomId: string, w: OpenWindow) => {
      if (!detach(roomId, w)) return;
      try {
        await services.mentions.completeAfter(w.id, []);
      } catch (err) {
        log.error({ err, mentionId: w.id }, 'trailing context window not closed (closed at the next start)');
      }
    };

    const arm = (roomId: string, id: string, remaining: number, ms: number) => {
      const w: OpenWindow = { id, remaining, timer: new AbortController() };
      open.set(roomId, [...(open.get(roomId) ?? []), w]);
      services.clock.sleep(ms, w.timer.signal).then(
        () => expire(roomId, w),
        () => undefined,
      );
    };

    /** The windows a previous run left: closed when their time is over, else resumed. */
    let restored = false;
    const restoring = (async () => {
      try {
        const now = new Date(services.clock.now());
        await services.mentions.closeExpiredWindows(now);
        for (const w of await services.mentions.openWindows(now)) {
          if (w.remaining > 0) arm(w.roomId, w.mentionId, w.remaining, w.until.getTime() - now.getTime());
          else await services.mentions.completeAfter(w.mentionId, []);
        }
      } catch (err) {
        log.warn({ err }, 'open trailing context windows not resumed');
      } finally {
        restored = true;
      }
    })();

    const ringOf = (roomId: string): RecentMessages<Contact> => {
      let ring = rings.get(roomId);
      if (!ring) {
        ring = new RecentMessages<Contact>(config.before);
        // Bounded: past maxRooms, the room met longest ago loses its recent traffic.
        if (rings.size >= config.maxRooms) rings.delete(rings.keys().next().value as string);
        rings.set(roomId, ring);
      }
      return ring;
    };

    /** Appends to open windows, captures a mention, then remembers the message. */
    const slowPath = async (
      ctx: BotContext<'message', 'rooms'>,
      event: MessageEvent,
      room: RoomView,
      next: Next,
    ): Promise<void> => {
      if (!restored) await restoring;
      const windows = open.get(room.id);
      if (windows) {
        const line = toLine(event);
        for (const w of [...windows]) {
          const last = --w.remaining <= 0;
          if (last) detach(room.id, w);
          await services.mentions
            .appendAfter(w.id, line, last)
            .catch((err: unknown) => log.error({ err, mentionId: w.id }, 'trailing context line not stored'));
        }
      }
      const ring = ringOf(room.id);
      // Every mention puts "@name" in the text; only then ask the puppet (mentionSelf may do I/O).
      const mentioned =
        event.text.includes('@') &&
        isRobotMentioned({
          mentionSelf: await event.message.mentionSelf().catch(() => false),
          text: event.text,
          names: [ctx.robot.wxName, room.robotNickname],
        });
      if (mentioned) {
        const line = toLine(event);
        const until = new Date(services.clock.now() + config.afterWindowMs);
        const mention = await services.mentions.capture(
          {
            owner: ctx.robot.owner,
            robotId: ctx.robot.id,
            roomId: room.id,
            roomTopic: room.topic,
            conversationId: room.puppetId,
            messageId: event.id,
            talkerId: line.talkerId,
            talkerName: line.talkerName,
            text: event.text,
            at: event.at,
            before: ring.snapshot().map(recentLine),
          },
          { until, wanted: config.after },
        );
        // A message seen again (redelivered) finds its capture stored: its window is not opened twice.
        const armed = open.get(room.id)?.some((w) => w.id === mention.id);
        const remaining = config.after - mention.after.length;
        if (remaining > 0 && !mention.afterComplete && !armed)
          arm(room.id, mention.id, remaining, config.afterWindowMs);
      }
      ring.push(event.id, event.talker, event.text, event.at);
      return next();
    };

    return {
      // Not async: an ordinary message (no @, no open window) is remembered and passed on at once.
      handle(ctx, next) {
        const { event, room } = ctx;
        if (restored && !event.text.includes('@') && !open.has(room.id)) {
          ringOf(room.id).push(event.id, event.talker, event.text, event.at);
          return next();
        }
        return slowPath(ctx, event, room, next);
      },
      // Open windows stay open in the database: the next start resumes or closes them.
      async dispose() {
        await restoring;
        for (const [roomId, ws] of [...open]) for (const w of [...ws]) detach(roomId, w);
      },
    };
  },
});
