import { robotOut, parse, type EndpointFactory } from './router';
import { createBody } from './schemas';

/** POST /robots (create, idempotent per owner and WeChat account), GET and DELETE /robots/:id. */
export const robotEndpoints: EndpointFactory = (deps) => {
  const rt = deps.runtime;
  return [
    {
      method: 'post',
      path: '/robots',
      handle: async ({ body, principal }) => {
        const { username } = parse(createBody, body);
        const owner = principal.owner ?? deps.adminOwner;
        // Creating is idempotent per owner and WeChat account: a retried request gets the same robot.
        const existing = (await rt.robots.list({ owner })).find((r) => r.username === username);
        const robot = existing ?? (await rt.manager.create({ name: username, owner, username }));
        return { robot: robotOut(robot) };
      },
    },
    {
      method: 'get',
      path: '/robots/:id',
      handle: async ({ principal, id }) => ({ robot: robotOut(await deps.robotOf(principal, id)) }),
    },
    {
      method: 'delete',
      path: '/robots/:id',
      handle: async ({ principal, id }) => {
        const robot = await deps.robotOf(principal, id);
        await rt.manager.delete(id);
        return { robot: robotOut(robot) };
      },
    },
  ];
};
