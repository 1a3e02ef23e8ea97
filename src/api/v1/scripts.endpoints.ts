import type { TextScreen } from '../../http/text-screen';
import { z } from 'zod';
import { imageContent, textContent } from '../../bot/content';
import type { Runtime } from '../../bot/runtime';
import { canSee, ownerForCreate, ownerFilter, visibleRoom } from '../../http/access';
import { AppError, notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import type { Principal } from '../../http/principal';
import { idParam, nameText, okBody, ownerName, recordId } from '../../http/schemas';
import type { MentionService } from '../../plugins/mention-capture/mention.service';
import type { ScriptGroup, ScriptItem, ScriptService } from '../../scripts/scripts.service';
import { queueSends } from './send';

const tag = 'scripts';

const groupView = z
  .object({
    id: z.string(),
    number: z.number().int().optional().meta({ description: 'the seed 004 id' }),
    owner: z.string(),
    name: z.string(),
    description: z.string().optional(),
    assignee: z.string().optional().meta({ description: 'who the group belongs to (seed 004 userProfile)' }),
    createdBy: z.string().optional(),
    itemCount: z.number().int(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'ScriptGroup' });

const itemView = z
  .object({
    id: z.string(),
    number: z.number().int().optional().meta({ description: 'the seed 004 id' }),
    groupId: z.string(),
    owner: z.string(),
    text: z.string(),
    imageUrl: z.string().optional(),
    sort: z.number().int(),
    sendCount: z.number().int(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'ScriptItem' });

const itemBody = z.object({
  text: textContent.shape.text,
  imageUrl: imageContent.shape.url.optional(),
  sort: z.number().int().min(0).max(1_000_000).optional(),
});

export interface ScriptDeps {
  scripts: ScriptService;
  runtime: Pick<Runtime, 'manager' | 'robots' | 'rooms'>;
  /** Captured mentions, for replies (absent when the mention-capture plugin is not installed). */
  mentions?: Pick<MentionService, 'byId' | 'replyTarget' | 'markRead' | 'on'>;
  /** Refuses item texts holding a sensitive word (400 sensitive_word); absent: none screened. */
  screen?: TextScreen;
}

/** Reply scripts (seed 004 话术): groups and items per owner, and sending an item through the outbox. */
export function scriptEndpoints(api: EndpointRouter, deps: ScriptDeps): void {
  const { scripts, runtime } = deps;

  async function visibleGroup(p: Principal, id: string): Promise<ScriptGroup> {
    const g = await scripts.group(id);
    if (!g || !canSee(p, g.owner)) throw notFound('script group');
    return g;
  }
  async function visibleItem(p: Principal, id: string): Promise<ScriptItem> {
    const i = await scripts.item(id);
    if (!i || !canSee(p, i.owner)) throw notFound('script item');
    return i;
  }

  api.add({
    method: 'get',
    path: '/script-groups',
    tag,
    permission: 'scripts.read',
    summary: 'Reply-script groups (话术分组), with their item counts',
    query: z.object({ owner: ownerName.optional() }),
    response: z.object({ items: z.array(groupView) }),
    handle: async ({ query, principal }) => ({ items: await scripts.groups(ownerFilter(principal, query.owner)) }),
  });

  api.add({
    method: 'post',
    path: '/script-groups',
    tag,
    permission: 'scripts.write',
    status: 201,
    summary: 'Create a reply-script group (409 script_group_name_taken)',
    body: z
      .object({
        name: nameText(64),
        description: z.string().trim().max(200).optional(),
        assignee: nameText(64).optional(),
        owner: ownerName.optional(),
      })
      .strict(),
    response: groupView,
    handle: async ({ body, principal }) =>
      scripts.createGroup({
        owner: ownerForCreate(principal, body.owner),
        name: body.name,
        ...(body.description ? { description: body.description } : {}),
        ...(body.assignee ? { assignee: body.assignee } : {}),
        ...(principal.operator ? { createdBy: principal.operator.username } : {}),
      }),
  });

  api.add({
    method: 'get',
    path: '/script-groups/:id',
    tag,
    permission: 'scripts.read',
    summary: 'One reply-script group',
    params: idParam,
    response: groupView,
    handle: async ({ params, principal }) => visibleGroup(principal, params.id),
  });

  api.add({
    method: 'patch',
    path: '/script-groups/:id',
    tag,
    permission: 'scripts.write',
    summary: 'Rename or describe a reply-script group',
    params: idParam,
    body: z
      .object({
        name: nameText(64).optional(),
        description: z.string().trim().max(200).optional(),
        assignee: nameText(64).optional(),
      })
      .strict()
      .refine((b) => Object.keys(b).length > 0, 'send at least one field'),
    response: groupView,
    handle: async ({ params, body, principal }) => {
      await visibleGroup(principal, params.id);
      return scripts.updateGroup(params.id, body);
    },
  });

  api.add({
    method: 'delete',
    path: '/script-groups/:id',
    tag,
    permission: 'scripts.write',
    summary: 'Delete a reply-script group with its items',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      await visibleGroup(principal, params.id);
      await scripts.deleteGroup(params.id);
      return { ok: true as const };
    },
  });

  api.add({
    method: 'get',
    path: '/script-groups/:id/items',
    tag,
    permission: 'scripts.read',
    summary: "A group's items in order, with their send counts",
    params: idParam,
    response: z.object({ items: z.array(itemView) }),
    handle: async ({ params, principal }) => {
      await visibleGroup(principal, params.id);
      return { items: await scripts.items(params.id) };
    },
  });

  api.add({
    method: 'post',
    path: '/script-groups/:id/items',
    tag,
    permission: 'scripts.write',
    status: 201,
    summary: 'Add an item (a text, optionally an image) to a group; last unless `sort` says where',
    params: idParam,
    body: itemBody.strict(),
    response: itemView,
    handle: async ({ params, body, principal }) => {
      const group = await visibleGroup(principal, params.id);
      await deps.screen?.(group.owner, [{ path: 'text', text: body.text }]);
      return scripts.addItem(group, {
        text: body.text,
        ...(body.imageUrl ? { imageUrl: body.imageUrl } : {}),
        ...(body.sort !== undefined ? { sort: body.sort } : {}),
      });
    },
  });

  api.add({
    method: 'patch',
    path: '/script-items/:id',
    tag,
    permission: 'scripts.write',
    summary: 'Change an item (`imageUrl: null` removes the image)',
    params: idParam,
    body: itemBody
      .extend({
        text: itemBody.shape.text.optional(),
        imageUrl: itemBody.shape.imageUrl.unwrap().nullable().optional(),
      })
      .strict()
      .refine((b) => Object.keys(b).length > 0, 'send at least one field'),
    response: itemView,
    handle: async ({ params, body, principal }) => {
      const item = await visibleItem(principal, params.id);
      if (body.text !== undefined) await deps.screen?.(item.owner, [{ path: 'text', text: body.text }]);
      return scripts.updateItem(params.id, body);
    },
  });

  api.add({
    method: 'delete',
    path: '/script-items/:id',
    tag,
    permission: 'scripts.write',
    summary: 'Delete an item',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      await visibleItem(principal, params.id);
      await scripts.deleteItem(params.id);
      return { ok: true as const };
    },
  });

  api.add({
    method: 'post',
    path: '/script-items/:id/send',
    tag,
    permission: 'scripts.send',
    status: 202,
    summary: 'Send an item into a room, or as the reply to a captured mention (@-mentioning the member)',
    description:
      "Exactly one of roomId and mentionId; the room or mention must be of the item's owner. The text, then the image, go through the robot's paced outbox (409 robot_not_running, 429 outbox_full); the item's sendCount grows; a replied mention is marked read.",
    params: idParam,
    body: z
      .object({ roomId: recordId.optional(), mentionId: recordId.optional() })
      .strict()
      .refine(
        (b) => (b.roomId === undefined) !== (b.mentionId === undefined),
        'send exactly one of roomId and mentionId',
      ),
    response: z.object({
      sendIds: z.array(z.string()),
      robotId: z.string(),
      roomId: z.string(),
      sendCount: z.number(),
    }),
    handle: async ({ params, body, principal }) => {
      const item = await visibleItem(principal, params.id);
      let target: { robotId: string; roomId: string; mentionIds: string[] };
      if (body.roomId) {
        const { room, robot } = await visibleRoom(runtime, principal, body.roomId);
        if (robot.owner !== item.owner) throw notFound('room');
        target = { robotId: robot.id, roomId: room.id, mentionIds: [] };
      } else {
        const m = deps.mentions && (await deps.mentions.byId(body.mentionId as string));
        if (!deps.mentions || !m || !canSee(principal, m.owner) || m.owner !== item.owner) throw notFound('mention');
        const found = await deps.mentions.replyTarget(m.owner, m.id);
        if (!found) throw notFound('mention');
        target = found;
      }
      const room = await runtime.rooms.get(target.roomId);
      if (!room) throw new AppError(404, 'not_found', 'room not found');
      const base = { conversationId: room.puppetId, roomId: room.id, source: 'api:script' };
      // The text and its image are queued together or not at all (a retried 429 repeats nothing).
      const sent = await queueSends(runtime, target.robotId, [
        {
          ...base,
          content: { type: 'text', text: item.text },
          ...(target.mentionIds.length ? { mentionIds: target.mentionIds } : {}),
        },
        ...(item.imageUrl ? [{ ...base, content: { type: 'image' as const, url: item.imageUrl } }] : []),
      ]);
      if (body.mentionId && deps.mentions) await deps.mentions.markRead(item.owner, body.mentionId, true);
      const sendCount = await scripts.countSend(item.id);
      return { sendIds: sent.map((s) => s.id), robotId: target.robotId, roomId: room.id, sendCount };
    },
  });
}
