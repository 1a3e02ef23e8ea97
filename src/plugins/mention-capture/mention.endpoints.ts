import { z } from 'zod';
import type { Principal } from '../../http/principal';
import type { Mention, MentionService } from './mention.service';
import { notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { idParam, pageOf, pageQuery } from '../../http/schemas';
import {
  markReadBody,
  mentionListFilter,
  mentionNotifyBody,
  mentionNotifyView,
  mentionReplyBody,
  mentionReplyView,
  mentionSummaryView,
  mentionView,
} from './mention.schemas';
import { ownerName } from '../../http/schemas';
import { canSee, ownerFilter } from '../../http/access';
import type { PluginEndpointDeps } from '../plugin-package';
import { namedOwner } from '../../http/access';

const tag = 'mentions';

async function visibleMention(mentions: MentionService, p: Principal, id: string): Promise<Mention> {
  const m = await mentions.byId(id);
  if (!m || !canSee(p, m.owner)) throw notFound('mention');
  return m;
}

/** A list item: the capture without its context (GET one mention has it). */
function summary(m: Mention): Omit<Mention, 'before' | 'after' | 'afterComplete'> {
  const rest: Partial<Mention> = { ...m };
  delete rest.before;
  delete rest.after;
  delete rest.afterComplete;
  return rest as Omit<Mention, 'before' | 'after' | 'afterComplete'>;
}

/** Seed 002 @消息: captured @-mentions of the robots, their context, replies and the notify switch. */
export function mentionEndpoints(api: EndpointRouter, deps: PluginEndpointDeps<{ mentions: MentionService }>): void {
  const { mentions } = deps.services;

  api.add({
    method: 'get',
    path: '/mentions',
    tag,
    permission: 'mentions.read',
    summary: 'List captured @-mentions, newest first',
    query: z.object({ ...mentionListFilter, ...pageQuery(deps.maxPageSize) }),
    response: pageOf(mentionSummaryView),
    handle: async ({ query, principal }) => {
      const owner = ownerFilter(principal, query.owner);
      const page = await mentions.page(
        { owner, unread: query.unread, robotId: query.robotId, roomId: query.roomId },
        { limit: query.limit, cursor: query.cursor },
      );
      return { ...page, items: page.items.map(summary) };
    },
  });

  api.add({
    method: 'get',
    path: '/mentions/:id',
    tag,
    permission: 'mentions.read',
    summary: 'A captured @-mention with the messages before and after it (seed 002 context)',
    params: idParam,
    response: mentionView,
    handle: async ({ params, principal }) => visibleMention(mentions, principal, params.id),
  });

  api.add({
    method: 'post',
    path: '/mentions/:id/read',
    tag,
    permission: 'mentions.write',
    summary: 'Mark a mention read (or unread with {"read": false})',
    params: idParam,
    body: markReadBody,
    response: mentionSummaryView,
    handle: async ({ params, body, principal }) => {
      const m = await visibleMention(mentions, principal, params.id);
      if (!(await mentions.markRead(m.owner, m.id, body.read))) throw notFound('mention');
      return summary({ ...m, read: body.read });
    },
  });

  api.add({
    method: 'post',
    path: '/mentions/:id/reply',
    tag,
    permission: 'mentions.write',
    status: 202,
    summary:
      "Reply in the mention's room, @-mentioning the member (through the robot's paced outbox); marks the mention read",
    description: 'Answers 409 robot_not_running when the robot is not running, 429 outbox_full when its queue is full.',
    params: idParam,
    body: mentionReplyBody,
    response: mentionReplyView,
    handle: async ({ params, body, principal }) => {
      const m = await visibleMention(mentions, principal, params.id);
      const target = await mentions.replyTarget(m.owner, m.id);
      if (!target) throw notFound('mention');
      // The room's current puppet id (it can change across logins); the captured one if the room record is gone.
      const room = await deps.rooms.get(target.roomId);
      const conversationId = room?.puppetId ?? m.conversationId;
      const r = await deps.send(target.robotId, {
        conversationId,
        roomId: target.roomId,
        content: { type: 'text', text: body.text },
        mentionIds: target.mentionIds,
        source: 'api:mention-reply',
      });
      await mentions.markRead(m.owner, m.id, true);
      return {
        sendId: r.id,
        robotId: r.robotId,
        conversationId: r.conversationId,
        mentionIds: r.mentionIds,
        status: r.status,
      };
    },
  });

  api.add({
    method: 'get',
    path: '/mention-notify',
    tag,
    permission: 'mentions.read',
    summary: 'Whether the owner is notified of mentions (seed 002 alt_switch)',
    description: 'An admin key names the owner with ?owner=.',
    query: z.object({ owner: ownerName.optional() }),
    response: mentionNotifyView,
    handle: async ({ query, principal }) => {
      const owner = namedOwner(principal, query.owner, 'query');
      return { owner, enabled: await mentions.notifyEnabled(owner) };
    },
  });

  api.add({
    method: 'put',
    path: '/mention-notify',
    tag,
    permission: 'mentions.write',
    summary: 'Switch mention notifications on or off for the owner (seed 002 alt_switch)',
    body: mentionNotifyBody,
    response: mentionNotifyView,
    handle: async ({ body, principal }) => {
      const owner = namedOwner(principal, body.owner, 'body');
      await mentions.setNotify(owner, body.enabled);
      return { owner, enabled: body.enabled };
    },
  });
}
