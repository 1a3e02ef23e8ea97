import type { QrCode, RobotView } from '../../../bot/robot.service';
import { fail, RetCode, Seed001Error } from './envelope';
import { qrPng } from './qrcode-link';
import type { EndpointDeps, EndpointFactory } from './router';

/**
 * GET /robots/:id/qrcode: the login QR code as a PNG. Authorised by the signed link from /login,
 * or by ?token=; mounted first because its link carries no token.
 */
export const qrcodeEndpoints: EndpointFactory = (deps) => {
  const rt = deps.runtime;
  const currentQr = qrToShow(deps);
  return [
    {
      method: 'get',
      path: '/robots/:id/qrcode',
      raw: async (ctx) => {
        try {
          const id = ctx.params.id as string;
          let robot: RobotView;
          if (deps.links.verify(id, ctx.query.expires, ctx.query.sig)) {
            const found = await rt.robots.get(id);
            if (!found) throw new Seed001Error(RetCode.invalidOperation, '无效操作: no such robot', 404);
            robot = found;
          } else if (ctx.query.token !== undefined) {
            robot = await deps.robotOf(await deps.principalOf(ctx, {}), id).catch((err: unknown) => {
              // Over the failure limit stays 429; a bad token is 401, an unknown robot 404 (the link serves an image).
              if (!(err instanceof Seed001Error) || err.status === 429) throw err;
              throw new Seed001Error(err.retCode, err.message, err.retCode === RetCode.appNotFound ? 401 : 404);
            });
          } else {
            throw new Seed001Error(
              RetCode.appNotFound,
              '应用不存在 (the link expired or is not valid; call login again)',
              401,
            );
          }
          const qr = await currentQr(robot);
          ctx.set('Cache-Control', 'no-store');
          ctx.type = 'image/png';
          ctx.body = await qrPng(qr);
        } catch (err) {
          if (!(err instanceof Seed001Error)) throw err;
          ctx.status = err.status;
          ctx.body = fail(err.retCode, err.message);
        }
      },
    },
  ];
};

/**
 * The QR code to show: the stored one while waiting for a scan; for a robot still starting,
 * the first one it shows (bounded wait), so a client may open qrcode_url right after login.
 */
function qrToShow(deps: EndpointDeps): (robot: RobotView) => Promise<QrCode> {
  const rt = deps.runtime;
  const valid = (r: RobotView) =>
    r.status === 'waiting_for_scan' && r.qr && r.qr.expiresAt.getTime() > rt.clock.now() ? r.qr : undefined;
  const noQr = (status: string) =>
    new Seed001Error(RetCode.invalidOperation, `无效操作: no QR code to show (robot is ${status})`, 404);

  /** The next QR code the robot shows; undefined if it leaves starting/waiting first or after qrWaitMs. */
  function nextQr(robotId: string): { shown: Promise<QrCode | undefined>; cancel(): void } {
    let finish: (qr: QrCode | undefined) => void = () => undefined;
    const shown = new Promise<QrCode | undefined>((resolve) => {
      const onQr = (e: { robotId: string; qr: QrCode }) => {
        if (e.robotId === robotId) finish(e.qr);
      };
      const onStatus = (e: { robotId: string; status: string }) => {
        if (e.robotId === robotId && e.status !== 'starting' && e.status !== 'waiting_for_scan') finish(undefined);
      };
      const timer = setTimeout(() => finish(undefined), deps.qrWaitMs);
      timer.unref();
      finish = (qr) => {
        clearTimeout(timer);
        rt.manager.off('qrcode', onQr);
        rt.manager.off('status', onStatus);
        resolve(qr);
      };
      rt.manager.on('qrcode', onQr);
      rt.manager.on('status', onStatus);
    });
    return { shown, cancel: () => finish(undefined) };
  }

  return async (robot) => {
    if (valid(robot)) return robot.qr as QrCode;
    if (robot.status !== 'starting' && robot.status !== 'waiting_for_scan') throw noQr(robot.status);
    // Listen before re-reading, so a code shown in between is not missed.
    const waiter = nextQr(robot.id);
    const again = await rt.robots.get(robot.id);
    const stored = again && valid(again);
    if (stored) {
      waiter.cancel();
      return stored;
    }
    const qr = await waiter.shown;
    if (!qr) throw noQr((await rt.robots.get(robot.id))?.status ?? 'gone');
    return qr;
  };
}
