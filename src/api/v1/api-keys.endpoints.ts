import { z } from 'zod';
import { notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { idParam, nameText, okBody } from '../../http/schemas';
import { ownerName } from '../../http/schemas';
import { ALL_PERMISSIONS } from '../../http/permissions';
import type { V1Deps } from './deps';
import { checkGrant } from './people';

const tag = 'api-keys';

const apiKeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    owner: z.string().optional(),
    admin: z.boolean(),
    revoked: z.boolean(),
    createdAt: z.date(),
    lastUsedAt: z.date().optional(),
  })
  .meta({ id: 'ApiKey' });

export function apiKeyEndpoints(api: EndpointRouter, deps: V1Deps): void {
  const { keys } = deps;

  api.add({
    method: 'post',
    path: '/api-keys',
    tag,
    permission: 'api_keys.manage',
    access: 'admin',
    status: 201,
    summary:
      'Create an API key (for one owner, or an admin key without owner); the key is shown only in this answer. ' +
      'A key may do everything in its owner scope, so only a caller holding every permission may make one.',
    body: z.object({ name: nameText(100), owner: ownerName.optional() }).strict(),
    response: apiKeyView.extend({ key: z.string().meta({ description: 'shown once; stored only as a hash' }) }),
    handle: async ({ body, principal }) => {
      checkGrant(principal, ALL_PERMISSIONS);
      return keys.create({ name: body.name, ...(body.owner ? { owner: body.owner } : {}) });
    },
  });

  api.add({
    method: 'get',
    path: '/api-keys',
    tag,
    permission: 'api_keys.manage',
    access: 'admin',
    summary: 'List API keys (never the keys themselves)',
    query: z.object({ owner: ownerName.optional() }),
    response: z.object({ items: z.array(apiKeyView) }),
    handle: async ({ query }) => ({ items: await keys.list(query.owner ? { owner: query.owner } : {}) }),
  });

  api.add({
    method: 'delete',
    path: '/api-keys/:id',
    tag,
    permission: 'api_keys.manage',
    access: 'admin',
    summary: 'Revoke an API key',
    params: idParam,
    response: okBody,
    handle: async ({ params }) => {
      if (!(await keys.revoke(params.id))) throw notFound('active API key');
      return { ok: true as const };
    },
  });
}
