import { z } from 'zod';
import { notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import type { V1Deps } from './deps';

const tag = 'processes';

const processLabel = z
  .string()
  .regex(/^[\w.:-]{1,64}$/, 'a process id or label: letters, digits, . : _ -')
  .meta({ description: 'a process id (host:pid:boot) or a process label (QUNBOT_PROCESS_LABEL)' });

const processView = z
  .object({
    id: z.string().meta({ description: 'host:pid:boot' }),
    label: z.string().meta({ description: 'QUNBOT_PROCESS_LABEL (robots are pinned to labels)' }),
    host: z.string(),
    pid: z.number().int(),
    startedAt: z.date(),
    expiresAt: z.date().meta({ description: 'alive until then unless it reports again (every third of a lease)' }),
    live: z.boolean(),
    hosted: z.number().int().meta({ description: 'robots it held at its last report' }),
    draining: z.boolean().meta({ description: 'hands its robots to the others and takes no new ones' }),
  })
  .meta({ id: 'FleetProcess' });

/**
 * The qunbot processes sharing this database (several processes: README "Running several
 * processes"): who is alive, how many robots each runs, and draining one before maintenance.
 * Admins only: processes run every tenant's robots.
 */
export function processEndpoints(api: EndpointRouter, deps: V1Deps): void {
  const fleet = deps.runtime.fleet;

  api.add({
    method: 'get',
    path: '/processes',
    tag,
    access: 'admin',
    permission: 'robots.read',
    summary: 'The qunbot processes on this database seen in the last day, live ones first',
    response: z.object({
      self: z.string().meta({ description: 'the id of the process that answered' }),
      items: z.array(processView),
    }),
    handle: async () => ({ self: fleet.member.id, items: await fleet.processes.list(Date.now()) }),
  });

  const drain = (draining: boolean) =>
    api.add({
      method: draining ? 'post' : 'delete',
      path: '/processes/:id/drain',
      tag,
      access: 'admin',
      permission: 'robots.write',
      summary: draining
        ? 'Drain a process: it hands its robots to the others, a round (every third of a lease) at a time, and takes no new ones'
        : 'End draining: the process takes robots again',
      params: z.object({ id: processLabel }).strict(),
      response: z.object({
        processes: z.number().int().meta({ description: 'processes changed (a label may name several)' }),
      }),
      handle: async ({ params }) => {
        const processes = await fleet.processes.setDraining(params.id, draining);
        if (processes === 0) throw notFound('process');
        return { processes };
      },
    });
  drain(true);
  drain(false);
}
