import { AppError } from '../../../http/errors';
import { RetCode, Seed001Error } from './envelope';
import { parse, robotOut, type EndpointFactory } from './router';
import { loginBody } from './schemas';

/**
 * POST /robots/:id/login: stores callback_url and agent_id, starts the robot and answers the
 * signed qrcode_url (empty once logged in).
 */
export const loginEndpoints: EndpointFactory = (deps) => {
  const rt = deps.runtime;
  return [
    {
      method: 'post',
      path: '/robots/:id/login',
      handle: async ({ ctx, body, principal, id }) => {
        const input = parse(loginBody, body);
        const before = await deps.robotOf(principal, id);
        if (input.callback_url && deps.checkCallbackUrl) {
          try {
            await deps.checkCallbackUrl(input.callback_url);
          } catch (err) {
            // The guard's 4xx (a refused address) is a parameter error; anything else is a failure.
            if (err instanceof AppError && err.status < 500)
              throw new Seed001Error(RetCode.badParams, `参数错误: callback_url: ${err.message}`);
            throw err;
          }
        }
        const patch = {
          ...(input.agent_id ? { agentCode: input.agent_id } : {}),
          ...(input.callback_url ? { callbackUrl: input.callback_url } : {}),
        };
        if (Object.keys(patch).length > 0) await rt.robots.update(id, patch);
        await rt.manager.start(id);
        // A robot that was already running keeps the record it loaded: have it re-read the new values.
        await rt.manager.refresh(id);
        const robot = await deps.robotOf(principal, id);
        // Binding follows the agent code: re-evaluate it now when the robot is already logged in.
        if (input.agent_id && input.agent_id !== before.agentCode && (await rt.manager.statusOf(id)) === 'logged_in') {
          await rt.manager
            .syncRooms(id)
            .catch((err: unknown) => deps.log.warn({ err, robotId: id }, 'room rebind after agent_id change failed'));
        }
        // Without a configured public origin, the address the caller used (a relative link if it sent no Host).
        const origin = deps.publicOrigin ?? (ctx.host ? `${ctx.protocol}://${ctx.host}` : '');
        return {
          robot: robotOut(robot),
          qrcode_url: robot.status === 'logged_in' ? '' : origin + deps.prefix + deps.links.path(id),
        };
      },
    },
  ];
};
