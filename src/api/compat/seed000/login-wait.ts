import type { RobotStatus } from '../../../bot/core/robot-state';
import type { RobotManager } from '../../../bot/robot-manager';
import type { QrCode } from '../../../bot/robot.service';

/** Where a robot's login got to while getqrcode waited. */
export type LoginStep =
  | { kind: 'qr'; qr: QrCode }
  | { kind: 'logged_in'; wxId: string; wxName: string }
  | { kind: 'failed'; status: RobotStatus; reason?: string }
  | { kind: 'timeout' };

/** Statuses in which a robot will show no QR code without being started again. */
export const STOPPED: ReadonlySet<RobotStatus> = new Set<RobotStatus>(['offline', 'error', 'stopped', 'created']);

/**
 * The robot's next login step: a QR code shown, a login (a session the puppet kept), or the
 * robot going offline/failing; `timeout` after `timeoutMs`. Listen before starting the robot
 * (or re-reading its state), so a step taken in between is not missed. `cancel` stops listening.
 */
export function watchLogin(
  manager: RobotManager,
  robotId: string,
  timeoutMs: number,
): { step: Promise<LoginStep>; cancel(): void } {
  let finish: (step: LoginStep) => void = () => undefined;
  const step = new Promise<LoginStep>((resolve) => {
    const onQr = (e: { robotId: string; qr: QrCode }) => {
      if (e.robotId === robotId) finish({ kind: 'qr', qr: e.qr });
    };
    const onLogin = (e: { robotId: string; wxId: string; wxName: string }) => {
      if (e.robotId === robotId) finish({ kind: 'logged_in', wxId: e.wxId, wxName: e.wxName });
    };
    const onStatus = (e: { robotId: string; status: RobotStatus; reason?: string }) => {
      if (e.robotId === robotId && STOPPED.has(e.status))
        finish({ kind: 'failed', status: e.status, ...(e.reason ? { reason: e.reason } : {}) });
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    timer.unref();
    finish = (s) => {
      clearTimeout(timer);
      manager.off('qrcode', onQr);
      manager.off('login', onLogin);
      manager.off('status', onStatus);
      resolve(s);
    };
    manager.on('qrcode', onQr);
    manager.on('login', onLogin);
    manager.on('status', onStatus);
  });
  return { step, cancel: () => finish({ kind: 'timeout' }) };
}
