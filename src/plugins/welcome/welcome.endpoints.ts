import type { EndpointRouter } from '../../http/endpoint';
import { idParam, okBody } from '../../http/schemas';
import { welcomeBody, welcomeView } from './welcome.schemas';
import { visibleRoom } from '../../http/access';
import type { PluginEndpointDeps } from '../plugin-package';
import type { WelcomeService } from './welcome.service';

const tag = 'welcome';

/** Seed 002 welcome_msg: the welcome text of one room (the welcome plugin sends it). */
export function welcomeEndpoints(api: EndpointRouter, deps: PluginEndpointDeps<{ welcome: WelcomeService }>): void {
  const { welcome } = deps.services;

  api.add({
    method: 'get',
    path: '/rooms/:id/welcome',
    tag,
    permission: 'welcome.read',
    summary: "The room's welcome setting (text null: the configured default applies)",
    params: idParam,
    response: welcomeView,
    handle: async ({ params, principal }) => {
      const { room } = await visibleRoom(deps, principal, params.id);
      const own = await welcome.find(room.id);
      return own
        ? { ...own, isDefault: false }
        : { roomId: room.id, text: null, enabled: true, mention: true, windowSec: null, isDefault: true };
    },
  });

  api.add({
    method: 'put',
    path: '/rooms/:id/welcome',
    tag,
    permission: 'welcome.write',
    summary: "Set the room's welcome text (placeholders {names}, {topic}, {count})",
    params: idParam,
    body: welcomeBody,
    response: welcomeView,
    handle: async ({ params, body, principal }) => {
      const { room, robot } = await visibleRoom(deps, principal, params.id);
      await deps.screen?.(robot.owner, [{ path: 'text', text: body.text }]);
      return welcome.set(room.id, body);
    },
  });

  api.add({
    method: 'delete',
    path: '/rooms/:id/welcome',
    tag,
    permission: 'welcome.write',
    summary: "Drop the room's own welcome setting (the default applies again)",
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      const { room } = await visibleRoom(deps, principal, params.id);
      await welcome.reset(room.id);
      return { ok: true as const };
    },
  });
}
