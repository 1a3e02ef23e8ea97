import { z } from 'zod';
import { ok } from './envelope';
import { groupOf, groupsOf } from './owner-groups';
import { pageFields, pageOfList } from './paging';
import { endpoint, type EndpointFactory } from './router';
import { ownerText } from './schemas';

/**
 * Seed 002 welcome messages (查询/修改用户群欢迎语) on the welcome plugin's per-room settings:
 * `welcome_msg` is the group's own text ('' while the configured default applies).
 */
export const welcomeEndpoints: EndpointFactory = (deps) => [
  endpoint({
    method: 'get',
    path: '/groups/welcome',
    caller: 'owner',
    query: z.object(pageFields),
    handle: async ({ owner, query }) => {
      const { items, info } = pageOfList(await groupsOf(deps, owner), query.current_page, query.page_size);
      const own = await deps.welcome.listFor(items.map(({ room }) => room.id));
      return ok(
        items.map(({ room }) => ({ id: room.id, name: room.topic, welcome_msg: own.get(room.id)?.text ?? '' })),
        info,
      );
    },
  }),
  endpoint({
    method: 'post',
    path: '/groups/:group_id/welcome',
    caller: 'owner',
    body: z.object({ welcome_msg: ownerText(1000) }),
    handle: async ({ owner, params, body }) => {
      const { room } = await groupOf(deps, owner, params.group_id ?? '');
      await deps.screen?.(deps.tenant, [{ path: 'welcome_msg', text: body.welcome_msg }]);
      // The group's other welcome settings (on/off, @-mention, window) stay as they were.
      const current = await deps.welcome.find(room.id);
      await deps.welcome.set(room.id, {
        ...(current ? { enabled: current.enabled, mention: current.mention, windowSec: current.windowSec } : {}),
        text: body.welcome_msg,
      });
      return ok('SUCCESS');
    },
  }),
];
