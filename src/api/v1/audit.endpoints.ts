import { z } from 'zod';
import { ownerFilter } from '../../http/access';
import type { EndpointRouter } from '../../http/endpoint';
import { ownerName, pageOf, pageQuery, recordId } from '../../http/schemas';
import type { People } from './people';

const entryView = z
  .object({
    id: z.string(),
    at: z.date(),
    operatorId: z.string().optional(),
    username: z.string().optional(),
    owner: z.string().optional(),
    action: z.string().meta({ description: 'method and route, e.g. PATCH /api/v1/operators/:id' }),
    targetId: z.string().optional(),
    status: z.number().int(),
    result: z.enum(['ok', 'refused', 'failed']),
    code: z.string().optional(),
    address: z.string().optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'AuditEntry' });

/** The audit log of operators' actions and sign-ins, newest first. */
export function auditEndpoints(api: EndpointRouter, people: People, maxPageSize: number): void {
  api.add({
    method: 'get',
    path: '/audit',
    tag: 'audit',
    permission: 'audit.read',
    summary: 'The audit log: operators’ state-changing actions and sign-in attempts, newest first',
    description: 'An owner-limited caller sees the entries of its owner. Kept QUNBOT_AUDIT_KEEP_DAYS (90) days.',
    query: z.object({
      ...pageQuery(maxPageSize),
      owner: ownerName.optional(),
      operatorId: recordId.optional(),
      result: z.enum(['ok', 'refused', 'failed']).optional(),
      action: z.string().max(200).optional().meta({ description: 'prefix, e.g. DELETE or POST /api/v1/operators' }),
      from: z.coerce.date().optional(),
      to: z.coerce.date().optional(),
    }),
    response: pageOf(entryView),
    handle: async ({ query, principal }) =>
      people.audit.page(
        {
          owner: ownerFilter(principal, query.owner),
          operatorId: query.operatorId,
          result: query.result,
          action: query.action,
          from: query.from,
          to: query.to,
        },
        { limit: query.limit, cursor: query.cursor },
      ),
  });
}
