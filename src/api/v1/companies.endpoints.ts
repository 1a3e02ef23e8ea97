import { z } from 'zod';
import { ownerFilter } from '../../http/access';
import type { EndpointRouter } from '../../http/endpoint';
import { nameText, ownerName } from '../../http/schemas';
import type { People } from './people';

const companyView = z
  .object({
    number: z.number().int().meta({ description: 'the seed 004 company_id' }),
    owner: z.string(),
    name: z.string().meta({ description: 'the seed 004 company_name / companyName' }),
    createdAt: z.date(),
  })
  .meta({ id: 'Company' });

/**
 * Companies: how seed 004 names owners (company_id, company_name). One per owner, made when first
 * needed and named after the owner; only the name can change.
 */
export function companyEndpoints(api: EndpointRouter, people: People): void {
  const { companies } = people;

  api.add({
    method: 'get',
    path: '/companies',
    tag: 'operators',
    permission: 'operators.manage',
    summary: 'Companies (the seed 004 names of owners); an owner-limited caller sees its own',
    response: z.object({ items: z.array(companyView) }),
    handle: async ({ principal }) => {
      const owner = ownerFilter(principal);
      if (owner !== undefined) await companies.ofOwner(owner);
      return { items: await companies.list(owner) };
    },
  });

  api.add({
    method: 'put',
    path: '/companies/:owner',
    tag: 'operators',
    permission: 'operators.manage',
    access: 'admin',
    summary: "Name an owner's company (made if it has none; 409 company_name_taken)",
    params: z.object({ owner: ownerName }),
    body: z.object({ name: nameText(100) }).strict(),
    response: companyView,
    handle: async ({ params, body }) => companies.rename(params.owner, body.name),
  });
}
