import QRCode from 'qrcode';
import type { Runtime } from '../../../bot/runtime';
import type { Logger } from '../../../logger';

/** What a group owner is shown of their robot. */
export interface RobotCard {
  id: string;
  /** The robot's WeChat name (the record's name before its first login). */
  name: string;
  /** Its WeChat number (微信号) where the puppet reports one, else its WeChat id ('' before the first login). */
  wechatNo: string;
  /** Its avatar URL where the puppet reports one, else ''. */
  headUrl: string;
  /** Its contact QR code as a PNG data URL (scan to add the robot); '' while it is not logged in. */
  qrCode: string;
}

/**
 * The robot's card for a group owner, from the running robot's own profile where it is logged in
 * here, else from its record. QR images are drawn once per QR text.
 */
export class RobotCards {
  private readonly images = new Map<string, string>();

  constructor(
    private readonly rt: Pick<Runtime, 'robots' | 'manager'>,
    private readonly log: Logger,
  ) {}

  async card(robotId: string): Promise<RobotCard | null> {
    const robot = await this.rt.robots.get(robotId);
    if (!robot) return null;
    const base: RobotCard = {
      id: robot.id,
      name: robot.wxName ?? robot.name,
      wechatNo: robot.wxId ?? '',
      headUrl: '',
      qrCode: '',
    };
    if (robot.status !== 'logged_in' || !(await this.rt.manager.isRunning(robot.id))) return base;
    try {
      const me = await this.rt.manager.selfProfile(robot.id);
      return {
        ...base,
        name: me.name || base.name,
        wechatNo: me.weixin ?? me.wxId,
        headUrl: me.avatarUrl ?? '',
        qrCode: me.qrcode ? await this.image(me.qrcode) : '',
      };
    } catch (err) {
      this.log.warn({ err, robotId }, 'robot profile unavailable; answering its record');
      return base;
    }
  }

  private async image(text: string): Promise<string> {
    let url = this.images.get(text);
    if (!url) {
      url = await QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 1, width: 256 });
      if (this.images.size >= 1000) this.images.clear();
      this.images.set(text, url);
    }
    return url;
  }
}
