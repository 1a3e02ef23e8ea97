import { answer, RtCode } from './envelope';
import { iface, parse, type InterfaceFactory } from './endpoint';
import { emptyBody } from './schemas';

const OK = '成功';

/**
 * login: binds the botcode (creating the robot if needed) and starts the robot; the QR code and
 * the login come later as notifications.
 */
export const loginInterfaces: InterfaceFactory = (deps) => {
  const rt = deps.runtime;
  return {
    login: iface({
      parse: (b) => parse(emptyBody, b, 'reqBody'),
      async act({ channel, head }) {
        const { robotId } = await deps.bindings.ensure(channel, head.botcode);
        const before = await rt.manager.statusOf(robotId);
        await rt.manager.start(robotId);
        // Already logged in: no QR code will come, so say so now (the seed's second login case).
        // Already showing a QR code: send it again, the first notification may have been missed.
        const robot = before === 'logged_in' || before === 'waiting_for_scan' ? await rt.robots.get(robotId) : null;
        if (robot && before === 'logged_in') {
          await deps.notifier.toChannel(channel, head.botcode, robotId, {
            event: 'login',
            ...(robot.wxId ? { wxId: robot.wxId } : {}),
            ...(robot.wxName ? { wxName: robot.wxName } : {}),
          });
        } else if (robot?.qr && robot.status === 'waiting_for_scan' && robot.qr.expiresAt.getTime() > rt.clock.now()) {
          await deps.notifier.toChannel(channel, head.botcode, robotId, { event: 'qrcode', qr: robot.qr });
        }
        return { answer: answer(RtCode.ok, OK), meta: { robotId } };
      },
    }),
  };
};
