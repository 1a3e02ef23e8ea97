import type { EndpointRouter } from '../../http/endpoint';
import { idParam, okBody } from '../../http/schemas';
import { welcomeBody, welcomeView } from '../schemas/welcome';
import { visibleRoom } from '../../http/access';
import type { V1Deps } from './deps';

const tag = 'welcome';

/** Seed 002 welcome_msg: the welcome text of one room (the welcome plugin sends it). */
export function welcomeEndpoints(api: EndpointRouter, deps: V1Deps): void {
  const { runtime: rt } = deps;

  api.add({
    method: 'get',
    path: '/rooms/:id/welcome',
    tag,
    summary: "The room's welcome setting (text null: the configured default applies)",
    params: idParam,
    response: welcomeView,
    handle: async ({ params, principal }) => {
      const { room } = await visibleRoom(rt, principal, params.id);
      const own = await rt.welcome.find(room.id);
      return own
        ? { ...own, isDefault: false }
        : { roomId: room.id, text: null, enabled: true, mention: true, isDefault: true };
    },
  });

  api.add({
    method: 'put',
    path: '/rooms/:id/welcome',
    tag,
    summary: "Set the room's welcome text (placeholders {names}, {topic}, {count})",
    params: idParam,
    body: welcomeBody,
    response: welcomeView,
    handle: async ({ params, body, principal }) => {
      const { room } = await visibleRoom(rt, principal, params.id);
      return rt.welcome.set(room.id, body);
    },
  });

  api.add({
    method: 'delete',
    path: '/rooms/:id/welcome',
    tag,
    summary: "Drop the room's own welcome setting (the default applies again)",
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      const { room } = await visibleRoom(rt, principal, params.id);
      await rt.welcome.reset(room.id);
      return { ok: true as const };
    },
  });
}
