import { z } from 'zod';
import type { RobotView } from '../../bot/robot.service';
import { RobotNotFoundError } from '../../bot/robot-manager';
import { AppError, forbidden } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { idParam, okBody, pageOf, pageQuery } from '../../http/schemas';
import { createRobotBody, qrCodeView, robotView, updateRobotBody } from '../schemas/robot';
import { ownerName } from '../../http/schemas';
import { ROBOT_STATUSES } from '../../bot/robot.model';
import { ownerFilter, ownerForCreate, visibleRobot } from '../../http/access';
import type { V1Deps } from './deps';
import { notRunning } from './send';

const tag = 'robots';

/** The robot without its QR code (lists and changes; GET one robot includes it). */
function publicView(r: RobotView): Omit<RobotView, 'qr'> {
  const rest: Partial<RobotView> = { ...r };
  delete rest.qr;
  return rest as Omit<RobotView, 'qr'>;
}

/**
 * 404 no_qrcode, saying why: the status, the reason that came with it (an offline robot's
 * error) and, when offline, the next retry time, in the message and in `details`.
 */
export function noQrCode(robot: Pick<RobotView, 'status' | 'statusReason' | 'retryAt'>): AppError {
  const why = [
    robot.statusReason ? `: ${robot.statusReason}` : '',
    robot.retryAt ? `; next retry at ${robot.retryAt.toISOString()}` : '',
  ].join('');
  return new AppError(404, 'no_qrcode', `robot is ${robot.status}${why}; not waiting for a scan`, {
    status: robot.status,
    ...(robot.statusReason ? { reason: robot.statusReason } : {}),
    ...(robot.retryAt ? { retryAt: robot.retryAt.toISOString() } : {}),
  });
}

export function robotEndpoints(api: EndpointRouter, deps: V1Deps): void {
  const { runtime: rt } = deps;
  const robotWithQr = robotView.extend({ qr: qrCodeView.optional() });

  api.add({
    method: 'post',
    path: '/robots',
    tag,
    permission: 'robots.write',
    summary: 'Create a robot (not started)',
    status: 201,
    body: createRobotBody,
    response: robotView,
    handle: async ({ body, principal }) => {
      if (body.puppet && !principal.admin) throw forbidden('only an admin key may choose puppet settings');
      if (body.callbackUrl) await deps.checkCallbackUrl(body.callbackUrl);
      const owner = ownerForCreate(principal, body.owner);
      return publicView(await rt.manager.create({ ...body, owner }));
    },
  });

  api.add({
    method: 'get',
    path: '/robots',
    tag,
    permission: 'robots.read',
    summary: 'List robots',
    query: z.object({
      owner: ownerName.optional(),
      status: z.enum(ROBOT_STATUSES).optional(),
      ...pageQuery(deps.maxPageSize),
    }),
    response: pageOf(robotView),
    handle: async ({ query, principal }) => {
      const owner = ownerFilter(principal, query.owner);
      const page = await rt.robots.page(
        { ...(owner ? { owner } : {}), ...(query.status ? { status: query.status } : {}) },
        { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
      );
      return { ...page, items: page.items.map(publicView) };
    },
  });

  api.add({
    method: 'get',
    path: '/robots/:id',
    tag,
    permission: 'robots.read',
    summary: 'Get a robot and its status (with the login QR code while waiting for a scan)',
    params: idParam,
    response: robotWithQr,
    handle: async ({ params, principal }) => visibleRobot(rt, principal, params.id),
  });

  api.add({
    method: 'patch',
    path: '/robots/:id',
    tag,
    permission: 'robots.write',
    summary:
      "Change a robot's name, agent code, login callback, username, whether group owners may be assigned it, or (admins) its process pin",
    params: idParam,
    body: updateRobotBody,
    response: robotView,
    handle: async ({ params, body, principal }) => {
      await visibleRobot(rt, principal, params.id);
      if (body.pin !== undefined && !principal.admin) throw forbidden('only an admin pins a robot to a process');
      if (body.callbackUrl) await deps.checkCallbackUrl(body.callbackUrl);
      const updated = await rt.robots.update(params.id, body);
      await rt.manager.refresh(params.id);
      return publicView(updated as RobotView);
    },
  });

  api.add({
    method: 'delete',
    path: '/robots/:id',
    tag,
    permission: 'robots.write',
    summary: 'Stop and delete a robot with its rooms',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      await visibleRobot(rt, principal, params.id);
      await rt.manager.delete(params.id);
      return { ok: true as const };
    },
  });

  api.add({
    method: 'post',
    path: '/robots/:id/login',
    tag,
    permission: 'robots.write',
    summary: 'Start the robot: it shows a login QR code (GET the robot or /qrcode) or logs in from its session',
    params: idParam,
    response: robotWithQr,
    handle: async ({ params, principal }) => {
      await visibleRobot(rt, principal, params.id);
      await rt.manager.start(params.id);
      return visibleRobot(rt, principal, params.id);
    },
  });

  api.add({
    method: 'get',
    path: '/robots/:id/qrcode',
    tag,
    permission: 'robots.read',
    summary: 'The current login QR code (payload and PNG data URL)',
    description:
      'Answers 404 with code no_qrcode when the robot is not waiting for a scan; its details carry the status, ' +
      'the reason (e.g. why it is offline) and, when offline, the next retry time.',
    params: idParam,
    response: qrCodeView,
    handle: async ({ params, principal }) => {
      const robot = await visibleRobot(rt, principal, params.id);
      if (!robot.qr || robot.status !== 'waiting_for_scan') throw noQrCode(robot);
      return robot.qr;
    },
  });

  api.add({
    method: 'post',
    path: '/robots/:id/logout',
    tag,
    permission: 'robots.write',
    summary: 'Log the WeChat account out (the robot keeps running and shows a new QR code)',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      await visibleRobot(rt, principal, params.id);
      try {
        await rt.manager.logout(params.id);
      } catch (err) {
        if (err instanceof RobotNotFoundError) throw notRunning(params.id);
        throw err;
      }
      return { ok: true as const };
    },
  });

  api.add({
    method: 'post',
    path: '/robots/:id/stop',
    tag,
    permission: 'robots.write',
    summary: 'Stop the robot (it stays stopped across restarts)',
    params: idParam,
    response: robotView,
    handle: async ({ params, principal }) => {
      await visibleRobot(rt, principal, params.id);
      await rt.manager.stop(params.id);
      return publicView(await visibleRobot(rt, principal, params.id));
    },
  });
}
