import { z } from 'zod';
import type { ContextLine } from '../../../plugins/mention-capture/mention-rules';
import type { Mention } from '../../../plugins/mention-capture/mention.service';
import { wallText } from '../../../lib/wall-clock';
import { queueSend } from '../../v1/send';
import { badRequest, notFound, ok } from './envelope';
import { groupOf, groupsOf } from './owner-groups';
import { pageFields, pageInfo } from './paging';
import { endpoint, type EndpointFactory } from './router';
import { groupId, ownerText, platformId } from './schemas';
import { noticeKeyOf } from './mention-notices';

/** Seed 002 message type 3: text (the only one a reply may be). */
const TEXT = 3;

/**
 * Seed 002 @-messages (获取/设置@消息通知开关, @消息列表, @消息上下文, 回复@消息) on the mention-capture
 * plugin: the captures of the owner's groups; the switch turns on a private notice to the owner
 * for each (mention-notices.ts); a reply goes into the group @-mentioning the member.
 */
export const mentionEndpoints: EndpointFactory = (deps) => {
  const { mentions } = deps;
  /** The capture in one of the owner's groups; anything else is 1404 alike. */
  const mentionOf = async (m: Mention | null, roomIds: Set<string>) => {
    if (!m || !roomIds.has(m.roomId)) throw notFound('消息');
    return m;
  };
  const line = (l: ContextLine, groupCode: string) => ({
    head_url: '',
    nickname: l.talkerName,
    content: { url: '', desc: '', type: TEXT, title: '', content: l.text, voice_time: 0 },
    send_date: wallText(l.at, deps.timeZone),
    mem_code: l.talkerId,
    group_code: groupCode,
  });
  return [
    endpoint({
      method: 'get',
      path: '/alt/switch',
      caller: 'owner',
      handle: async ({ owner }) => ok((await mentions.notifyEnabled(noticeKeyOf(owner.userId))) ? 1 : 0),
    }),
    endpoint({
      method: 'put',
      path: '/alt/switch',
      caller: 'owner',
      body: z.object({ alt_switch: z.union([z.literal(0), z.literal(1)]) }),
      handle: async ({ owner, body }) => {
        await mentions.setNotify(noticeKeyOf(owner.userId), body.alt_switch === 1);
        return ok(body.alt_switch);
      },
    }),
    endpoint({
      method: 'get',
      path: '/alt_msg',
      caller: 'owner',
      query: z.object(pageFields),
      handle: async ({ owner, query }) => {
        const groups = await groupsOf(deps, owner);
        const { items, total } = await mentions.listInRooms(
          deps.tenant,
          // Only what was said while the group was theirs.
          groups.map(({ room, group }) => ({ roomId: room.id, since: group.since })),
          { skip: query.current_page * query.page_size, limit: query.page_size },
        );
        return ok(
          items.map((m) => ({
            msg_id: m.id,
            group_name: m.roomTopic ?? '',
            msg_content: m.text,
            group_id: m.roomId,
            status: m.read ? 1 : 0,
          })),
          pageInfo(query.current_page, query.page_size, total),
        );
      },
    }),
    endpoint({
      method: 'get',
      path: '/groups/:group_id/msg/:msg_id/context',
      caller: 'owner',
      handle: async ({ owner, params }) => {
        const { room, group } = await groupOf(deps, owner, params.group_id ?? '');
        const m = await mentionOf(await mentions.get(deps.tenant, params.msg_id ?? ''), new Set([room.id]));
        if (m.at < group.since) throw notFound('消息');
        await mentions.markRead(deps.tenant, m.id, true);
        const self: ContextLine = {
          messageId: m.messageId,
          talkerId: m.talkerId,
          talkerName: m.talkerName ?? '',
          text: m.text,
          at: m.at,
        };
        return ok([...m.before, self, ...m.after].map((l) => line(l, room.id)));
      },
    }),
    endpoint({
      method: 'post',
      path: '/alt_msg/reply',
      caller: 'owner',
      body: z.object({
        group_code: groupId,
        mem_code: platformId,
        content: ownerText(2000),
        type: z.number().int(),
      }),
      handle: async ({ owner, body }) => {
        if (body.type !== TEXT)
          throw badRequest('only text (type 3) can be sent', [{ path: 'type', message: 'must be 3' }]);
        const { room } = await groupOf(deps, owner, body.group_code);
        await deps.screen?.(deps.tenant, [{ path: 'content', text: body.content }]);
        await queueSend(deps.runtime, room.robotId, {
          conversationId: room.puppetId,
          roomId: room.id,
          content: { type: 'text', text: body.content },
          mentionIds: [body.mem_code],
          source: 'seed002:alt-reply',
        });
        return ok(null);
      },
    }),
  ];
};
