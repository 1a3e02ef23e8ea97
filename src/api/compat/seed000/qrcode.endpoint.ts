import type { RobotView, QrCode } from '../../../bot/robot.service';
import { isActive } from '../../../bot/core/robot-state';
import { qrPng } from '../seed001/qrcode-link';
import { Seed000Error } from './envelope';
import { STOPPED, watchLogin, type LoginStep } from './login-wait';
import { liveStatus, liveStatuses, pickRobotToLogin, robotByWxId, userRobots } from './platform-robots';
import { ownerOf } from './platforms';
import { endpoint, type EndpointDeps, type EndpointFactory } from './router';
import { getQrcodeBody } from './schemas';

const RETRY_AFTER_SEC = 5;

/** The QR code as a PNG data URL (the stored one, else drawn from the payload). */
async function qrImage(qr: QrCode): Promise<string> {
  return `data:image/png;base64,${(await qrPng(qr)).toString('base64')}`;
}

/**
 * POST /robot/getqrcode/ {md_username, platform_id}: starts a login for one of the user's
 * robots that is not logged in (see pickRobotToLogin; a new robot when all are) and answers its
 * QR code, waiting a bounded time for a robot that is still starting.
 */
export const qrcodeEndpoints: EndpointFactory = (deps: EndpointDeps) => {
  const rt = deps.runtime;

  /** The robot's step now, if it already shows a QR code or is logged in; else undefined. */
  async function currentStep(robotId: string): Promise<LoginStep | undefined> {
    const status = await liveStatus(rt, robotId);
    const view = await rt.robots.get(robotId);
    if (!view) return { kind: 'failed', status: 'stopped', reason: 'the robot was deleted' };
    if (status === 'logged_in') return { kind: 'logged_in', wxId: view.wxId ?? '', wxName: view.wxName ?? '' };
    if (status === 'waiting_for_scan' && view.qr && view.qr.expiresAt.getTime() > rt.clock.now())
      return { kind: 'qr', qr: view.qr };
    return undefined;
  }

  /** Picks (or creates) the robot and starts it; one call per platform user at a time, so two retries share one robot. */
  function chooseAndStart(
    platformId: string,
    mdUsername: string,
    wxUsername: string | undefined,
  ): Promise<{ robot: RobotView; watch: ReturnType<typeof watchLogin> }> {
    const owner = ownerOf(platformId, mdUsername);
    return deps.serialize(owner, async () => {
      let robot: RobotView | undefined;
      if (wxUsername !== undefined) {
        robot = await robotByWxId(rt, platformId, wxUsername, mdUsername);
        if (!robot)
          throw new Seed000Error(
            404,
            'unknown_wx_username',
            `${mdUsername} has no robot that was WeChat account ${wxUsername}`,
          );
      } else {
        const mine = await userRobots(rt, platformId, mdUsername);
        const statuses = await liveStatuses(
          rt,
          mine.map((r) => r.id),
        );
        robot = pickRobotToLogin(mine, (id) => statuses.get(id));
        robot ??= await rt.manager.create({ name: `${platformId} ${mdUsername}`, owner });
      }
      // Listen first: a robot may show its QR code (or log in) while start() is still resolving.
      const watch = watchLogin(rt.manager, robot.id, deps.qrWaitMs);
      try {
        // Running robots (logged in, or a login under way) are left as they are; others start.
        const status = await liveStatus(rt, robot.id);
        if (status === undefined || !isActive(status)) await rt.manager.start(robot.id);
      } catch (err) {
        watch.cancel();
        throw err;
      }
      return { robot, watch };
    });
  }

  return [
    endpoint({
      method: 'post',
      path: '/robot/getqrcode',
      input: getQrcodeBody,
      handle: async ({ ctx, platform, input }) => {
        const { robot, watch } = await chooseAndStart(platform.id, input.md_username, input.wx_username);
        const now = await currentStep(robot.id);
        if (now) watch.cancel();
        const step = now ?? (await watch.step);
        switch (step.kind) {
          case 'qr':
            return {
              status: 'waiting_for_scan',
              robot_id: robot.id,
              qrcode: step.qr.payload,
              qrcode_img: await qrImage(step.qr),
              expires_at: step.qr.expiresAt.toISOString(),
            };
          case 'logged_in':
            return {
              status: 'logged_in',
              robot_id: robot.id,
              qrcode: '',
              qrcode_img: '',
              wx_username: step.wxId,
              name: step.wxName,
            };
          case 'failed':
            throw new Seed000Error(
              503,
              'login_unavailable',
              `the robot could not start a login (${step.status}${step.reason ? `: ${step.reason}` : ''}); try again later`,
            );
          case 'timeout': {
            const status = await liveStatus(rt, robot.id);
            if (status !== undefined && STOPPED.has(status))
              throw new Seed000Error(
                503,
                'login_unavailable',
                `the robot could not start a login (${status}); try again later`,
              );
            // Not an error: the login is under way (202) and the robot keeps starting; the next
            // call picks the same robot and answers its code.
            ctx.status = 202;
            ctx.set('Retry-After', String(RETRY_AFTER_SEC));
            return {
              msg: `the robot shows no QR code yet; call getqrcode again in ${RETRY_AFTER_SEC} s`,
              status: 'starting',
              robot_id: robot.id,
              qrcode: '',
              qrcode_img: '',
            };
          }
        }
      },
    }),
  ];
};
