import { z } from 'zod';
import { namedOwner } from '../../../http/access';
import type { EndpointRouter } from '../../../http/endpoint';
import { notFound } from '../../../http/errors';
import { httpUrl, okBody, ownerName } from '../../../http/schemas';
import type { DeveloperCallbacks } from './developer-callbacks.service';

const tag = 'seed001';

const callbackView = z
  .object({
    owner: z.string(),
    url: z.string(),
    token: z.string().meta({
      description:
        'the `token` field of every callback to this URL (the seed: 访问令牌，由平台分配): check it to know the call is from qunbot',
    }),
    updatedAt: z.date(),
  })
  .meta({ id: 'Seed001DeveloperCallback' });

const ownerQuery = z.object({ owner: ownerName.optional() });

/**
 * Native endpoints of seed 001's developer callback (通知开发者), one per owner: where the group
 * messages of the owner's robots (bound rooms) are POSTed in the seed's shape.
 */
export function developerCallbackEndpoints(
  api: EndpointRouter,
  deps: { callbacks: DeveloperCallbacks; checkCallbackUrl(url: string): Promise<void> },
): void {
  const { callbacks } = deps;
  api.add({
    method: 'get',
    path: '/seed001/developer-callback',
    tag,
    permission: 'webhooks.read',
    summary: "The owner's seed 001 developer callback",
    description: 'An admin key names the owner with ?owner=. 404 when the owner has none (the default applies).',
    query: ownerQuery,
    response: callbackView,
    handle: async ({ query, principal }) => {
      const found = await callbacks.get(namedOwner(principal, query.owner, 'query'));
      if (!found) throw notFound('developer callback');
      return found;
    },
  });

  api.add({
    method: 'put',
    path: '/seed001/developer-callback',
    tag,
    permission: 'webhooks.write',
    summary: "Set the owner's seed 001 developer callback URL",
    description:
      "Group messages of the owner's robots in bound rooms are POSTed there (seed 001 通知开发者) instead of the default SEED001_CALLBACK_URL. The answer shows the token sent with them.",
    body: z.object({ url: httpUrl, owner: ownerName.optional() }),
    response: callbackView,
    handle: async ({ body, principal }) => {
      const owner = namedOwner(principal, body.owner, 'body');
      await deps.checkCallbackUrl(body.url);
      return callbacks.set(owner, body.url);
    },
  });

  api.add({
    method: 'delete',
    path: '/seed001/developer-callback',
    tag,
    permission: 'webhooks.write',
    summary: "Remove the owner's seed 001 developer callback (the default applies again)",
    query: ownerQuery,
    response: okBody,
    handle: async ({ query, principal }) => {
      if (!(await callbacks.remove(namedOwner(principal, query.owner, 'query')))) throw notFound('developer callback');
      return { ok: true as const };
    },
  });
}
