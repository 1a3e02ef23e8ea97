import { z } from 'zod';
import { STAR_STATES } from '../../../owners';
import { badRequest, ok } from './envelope';
import { endpoint, type EndpointFactory } from './router';
import { groupId } from './schemas';

/**
 * Seed 002 群星级评定 (an external rating system's callback): the seed marks it unauthenticated;
 * here it takes an API key of the platform's owner (give the rating system its own key). Ratings
 * are kept as history, the group shows the latest (`quality_level`), and broadcasts may target
 * groups by stars (`minStar`). All or none: an unknown group is 1403 naming it.
 */
export const starEndpoints: EndpointFactory = (deps) => [
  endpoint({
    method: 'post',
    path: '/groups/star',
    caller: 'platform',
    body: z.object({
      command: z.literal('update_group_star'),
      data: z
        .array(
          z.object({
            groupId,
            state: z
              .number()
              .int()
              .refine((n) => (STAR_STATES as readonly number[]).includes(n), `one of ${STAR_STATES.join(', ')}`),
            star: z.number().int().min(1).max(5),
          }),
        )
        .min(1)
        .max(1000),
    }),
    handle: async ({ body, caller }) => {
      const robots = (await deps.runtime.robots.list({ owner: deps.tenant })).map((r) => r.id);
      const ids = body.data.map((d) => d.groupId.toLowerCase());
      const known = new Set(await deps.runtime.rooms.idsOfRobots(ids, robots));
      const unknown = ids.flatMap((id, i) =>
        known.has(id) ? [] : [{ path: `data.${i}.groupId`, message: 'no such group' }],
      );
      if (unknown.length > 0) throw badRequest('unknown groups; nothing was rated', unknown);
      await deps.groupOwners.stars.rate(
        body.data.map((d) => ({
          roomId: d.groupId.toLowerCase(),
          star: d.star,
          state: d.state,
          source: `api-key:${caller.keyId}`,
        })),
      );
      return ok(null);
    },
  }),
];
