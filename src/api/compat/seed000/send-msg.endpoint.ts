import { z } from 'zod';
import { linkContent, textContent, type OutboundContent } from '../../../bot/content';
import { BroadcastError, type Broadcasts } from '../../../broadcasts';
import { Seed000Error } from './envelope';
import { productionTargets } from './platform-robots';
import { endpoint, type EndpointDeps, type EndpointFactory } from './router';
import { mdUsernameField } from './schemas';

export const sendMsgBody = z.object({
  md_username: mdUsernameField,
  platform_id: z.string().trim().min(1).max(64).optional(),
  /** Texts and links ("http://xxx"), each sent as one message: a link as a link card, the rest as text. */
  data: z.array(textContent.shape.text).min(1).max(20),
});

/** A send_msg item that is a single http(s) URL (nothing else in it). */
const LINK_ONLY = /^https?:\/\/\S+$/i;

/**
 * What one send_msg item becomes: an item that is only an http(s) URL (the seed's
 * `"http://xxx"`) a link card titled with the URL's host and path (WeChat shows the card; the
 * seed gives no title), anything else a text.
 */
export function sendMsgMaterial(item: string): OutboundContent {
  const trimmed = item.trim();
  if (LINK_ONLY.test(trimmed) && linkContent.shape.url.safeParse(trimmed).success) {
    const u = new URL(trimmed);
    const title = `${u.host}${u.pathname === '/' ? '' : u.pathname}`.slice(0, 200);
    return { type: 'link', title, url: trimmed };
  }
  return { type: 'text', text: item };
}

/**
 * POST /robot/send_msg/ {md_username, data}: every item to every production group of the
 * platform's logged-in robots. It becomes one broadcast task per platform user whose robots
 * have such groups (schedule "now"), so the outbox pacing, crash safety and per-room reports of
 * broadcasts apply; `task_ids` can be followed at /api/v1/broadcasts/<id>. A group shared by two
 * accounts gets each item once.
 */
export function sendMsgEndpoints(broadcasts: Broadcasts): EndpointFactory {
  return (deps: EndpointDeps) => [
    endpoint({
      method: 'post',
      path: '/robot/send_msg',
      input: sendMsgBody,
      handle: async ({ platform, input }) => {
        const targets = await productionTargets(deps.runtime, platform.id);
        if (targets.length === 0)
          throw new Seed000Error(
            409,
            'no_targets',
            'no logged-in robot of this platform has a production group (add_production_chatroom first)',
          );
        const byOwner = new Map<string, string[]>();
        for (const t of targets) {
          const robot = await deps.runtime.robots.get(t.robotId);
          if (robot) byOwner.set(robot.owner, [...(byOwner.get(robot.owner) ?? []), t.roomId]);
        }
        const taskIds: string[] = [];
        try {
          for (const [owner, roomIds] of byOwner) {
            const task = await broadcasts.service.create({
              owner,
              name: `send_msg by ${input.md_username}`,
              materials: input.data.map(sendMsgMaterial),
              targets: { mode: 'rooms', roomIds },
              schedule: { kind: 'now' },
              source: `seed000:${platform.id}:${input.md_username}`,
            });
            taskIds.push(task.id);
          }
        } catch (err) {
          if (err instanceof BroadcastError)
            throw new Seed000Error(err.kind === 'conflict' ? 409 : 400, err.code, err.message);
          throw err;
        }
        broadcasts.runner.kick();
        deps.log.info(
          { platform: platform.id, tasks: taskIds.length, rooms: targets.length, items: input.data.length },
          'send_msg queued as broadcasts',
        );
        return { task_ids: taskIds, room_count: targets.length, item_count: input.data.length };
      },
    }),
  ];
}
