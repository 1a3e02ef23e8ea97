import { RobotNotFoundError } from '../../../bot/robot-manager';
import { loggedOut, type EndpointFactory } from './router';

/** POST /robots/:id/logout: logs the robot out of WeChat (1102 when it is not logged in). */
export const logoutEndpoints: EndpointFactory = (deps) => {
  const rt = deps.runtime;
  return [
    {
      method: 'post',
      path: '/robots/:id/logout',
      handle: async ({ principal, id }) => {
        await deps.robotOf(principal, id);
        if ((await rt.manager.statusOf(id)) !== 'logged_in') throw loggedOut();
        try {
          await rt.manager.logout(id);
        } catch (err) {
          if (err instanceof RobotNotFoundError) throw loggedOut();
          throw err;
        }
        return undefined;
      },
    },
  ];
};
