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
  events: MessageEvent[];
  remaining: number;
  timer: AbortController;
}

/**
 * Captures messages that @-mention the robot with their context. Recent room traffic is kept in
 * a bounded in-memory ring per room and written only with a capture (no write per ordinary
 * message). The capture is stored before the event is passed on; the trailing context is
 * appended when its window closes (count or time) or at shutdown. Always passes the event on.
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

    const close = async (roomId: string, w: OpenWindow) => {
      const list = open.get(roomId);
      if (!list?.includes(w)) return;
      list.splice(list.indexOf(w), 1);
      if (list.length === 0) open.delete(roomId);
      w.timer.abort();
      try {
        await services.mentions.completeAfter(w.id, w.events.map(toLine));
      } catch (err) {
        log.error({ err, mentionId: w.id }, 'trailing context not stored');
      }
    };

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
      const windows = open.get(room.id);
      if (windows) {
        for (const w of [...windows]) {
          w.events.push(event);
          if (--w.remaining <= 0) await close(room.id, w);
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
        const mention = await services.mentions.capture({
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
        });
        if (config.after > 0) {
          const w: OpenWindow = { id: mention.id, events: [], remaining: config.after, timer: new AbortController() };
          open.set(room.id, [...(open.get(room.id) ?? []), w]);
          services.clock.sleep(config.afterWindowMs, w.timer.signal).then(
            () => close(room.id, w),
            () => undefined,
          );
        } else {
          await services.mentions.completeAfter(mention.id, []);
        }
      }
      ring.push(event.id, event.talker, event.text, event.at);
      return next();
    };

    return {
      // Not async: an ordinary message (no @, no open window) is remembered and passed on at once.
      handle(ctx, next) {
        const { event, room } = ctx;
        if (!event.text.includes('@') && !open.has(room.id)) {
          ringOf(room.id).push(event.id, event.talker, event.text, event.at);
          return next();
        }
        return slowPath(ctx, event, room, next);
      },
      async dispose() {
        await Promise.all([...open].flatMap(([roomId, ws]) => [...ws].map((w) => close(roomId, w))));
      },
    };
  },
});
