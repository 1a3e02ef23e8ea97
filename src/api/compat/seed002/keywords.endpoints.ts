import { z } from 'zod';
import type { KeywordRule } from '../../../plugins/keyword-reply/keyword-rule.service';
import type { GroupOwnerView } from '../../../owners';
import { badRequest, notFound, ok } from './envelope';
import { groupsOf } from './owner-groups';
import { endpoint, type EndpointFactory, type Seed002Deps } from './router';
import { groupId, ownerText } from './schemas';

/** The author mark of a group owner's keyword rules. */
export const authorOf = (owner: GroupOwnerView) => `group-owner:${owner.userId}`;

/** A batch (one keyword rule of the owner: its keywords, one text reply, its groups). */
const batchFields = {
  group_codes: z.array(groupId).min(1).max(1000),
  keywords: z.array(z.string().trim().min(1).max(100)).min(1).max(50),
  reply_content: ownerText(1000),
};

/** The seed's answer for a batch. */
function batchView(rule: KeywordRule) {
  const reply = rule.replies[0];
  return {
    batch_id: rule.id,
    keywords: rule.keywords,
    bind_group_counts: rule.roomIds.length,
    reply_content: reply && reply.type === 'text' ? reply.text : '',
    trigger_times: rule.triggerTimes,
    group_codes: rule.roomIds,
  };
}

/** The owner's batch by id; another owner's, an operator's or an unknown one is 1404 alike. */
async function batchOf(deps: Seed002Deps, owner: GroupOwnerView, id: string): Promise<KeywordRule> {
  const rule = await deps.keywords.get(deps.tenant, id);
  if (!rule || rule.author !== authorOf(owner)) throw notFound('关键字');
  return rule;
}

/** Every group code must be one of the owner's groups (else 1403 naming them); checks the reply for sensitive words (2003). */
async function checkBatch(
  deps: Seed002Deps,
  owner: GroupOwnerView,
  body: { group_codes: string[]; reply_content: string },
): Promise<string[]> {
  const mine = new Set((await groupsOf(deps, owner)).map(({ room }) => room.id));
  const codes = [...new Set(body.group_codes.map((c) => c.toLowerCase()))];
  const foreign = codes.filter((c) => !mine.has(c));
  if (foreign.length > 0)
    throw badRequest(
      'group_codes names groups that are not yours',
      foreign.map((c) => ({ path: `group_codes.${body.group_codes.indexOf(c)}`, message: 'not one of your groups' })),
    );
  await deps.screen?.(deps.tenant, [{ path: 'reply_content', text: body.reply_content }]);
  return codes;
}

const ruleOf = (keywords: string[], reply: string, roomIds: string[]) => ({
  keywords,
  mode: 'contains' as const,
  replies: [{ type: 'text' as const, text: reply }],
  roomIds,
});

/**
 * Seed 002 keywords (新增/修改/删除/查询关键字, 关键字详情) on the keyword-reply plugin: a batch is one
 * rule of the platform's owner, marked as the group owner's, limited to their groups, answering
 * `reply_content` when a message contains a keyword; `trigger_times` counts its answers.
 */
export const keywordEndpoints: EndpointFactory = (deps) => [
  endpoint({
    method: 'post',
    path: '/keywords',
    caller: 'owner',
    body: z.object(batchFields),
    handle: async ({ owner, body }) => {
      const roomIds = await checkBatch(deps, owner, body);
      const rule = await deps.keywords.create(
        deps.tenant,
        ruleOf(body.keywords, body.reply_content, roomIds),
        authorOf(owner),
      );
      // Not in the seed's answer: the new batch's id, so a client need not list to find it.
      return { ...ok('SUCCESS'), batch_id: rule.id } as ReturnType<typeof ok>;
    },
  }),
  endpoint({
    method: 'put',
    path: '/keywords',
    caller: 'owner',
    body: z.object({ id: z.string().min(1).max(64), ...batchFields }),
    handle: async ({ owner, body }) => {
      const rule = await batchOf(deps, owner, body.id);
      const roomIds = await checkBatch(deps, owner, body);
      await deps.keywords.update(deps.tenant, rule.id, {
        ...ruleOf(body.keywords, body.reply_content, roomIds),
        enabled: rule.enabled,
        priority: rule.priority,
        cooldownSec: rule.cooldownSec,
      });
      return ok('SUCCESS');
    },
  }),
  endpoint({
    method: 'delete',
    path: '/keywords',
    caller: 'owner',
    // The seed sends the id in the JSON body; ?id= is taken too (clients that send no DELETE body).
    query: z.object({ id: z.string().min(1).max(64).optional() }),
    body: z.object({ id: z.string().min(1).max(64).optional() }),
    handle: async ({ owner, query, body }) => {
      const id = body.id ?? query.id;
      if (!id) throw badRequest('id is required', [{ path: 'id', message: 'required' }]);
      const rule = await batchOf(deps, owner, id);
      await deps.keywords.remove(deps.tenant, rule.id);
      return ok('SUCCESS');
    },
  }),
  endpoint({
    method: 'get',
    path: '/keywords',
    caller: 'owner',
    handle: async ({ owner }) => ok((await deps.keywords.byAuthor(deps.tenant, authorOf(owner))).map(batchView)),
  }),
  endpoint({
    method: 'get',
    path: '/keywords/:id',
    caller: 'owner',
    handle: async ({ owner, params }) => ok(batchView(await batchOf(deps, owner, params.id ?? ''))),
  }),
];
