import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import type { QrCode } from '../../../bot/robot.service';

/**
 * Signed, expiring links to a robot's login QR code. The seed answers `qrcode_url` for someone to
 * open or embed; putting the caller's API key into that URL would hand the key to whoever sees
 * the link, so the link carries an HMAC of the robot id and an expiry instead. qunbot gives it a stable
 * secret (SEED001_QR_LINK_SECRET, else one derived from the webhook master key), so a link stays
 * valid for its lifetime across restarts and in every process; without one it is random per process.
 */
export class QrLinks {
  private readonly secret: Buffer;

  constructor(
    private readonly ttlMs: number,
    secret?: string,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  private sign(robotId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`seed001-qrcode\n${robotId}\n${expires}`).digest('base64url');
  }

  /** The path and query of the QR code link for a robot (prefix it with the public origin). */
  path(robotId: string): string {
    const expires = this.now() + this.ttlMs;
    return `/robots/${encodeURIComponent(robotId)}/qrcode?expires=${expires}&sig=${this.sign(robotId, expires)}`;
  }

  /** True when `sig` is this process's signature for the robot and the link has not expired. */
  verify(robotId: string, expires: unknown, sig: unknown): boolean {
    if (typeof expires !== 'string' || typeof sig !== 'string' || !/^\d{1,15}$/.test(expires)) return false;
    const at = Number(expires);
    if (at < this.now()) return false;
    const want = Buffer.from(this.sign(robotId, at));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

const PNG_DATA_URL = 'data:image/png;base64,';

/** The PNG bytes of a stored QR code: its data URL, else drawn from the payload. */
export async function qrPng(qr: Pick<QrCode, 'payload' | 'dataUrl'>): Promise<Buffer> {
  if (qr.dataUrl.startsWith(PNG_DATA_URL)) return Buffer.from(qr.dataUrl.slice(PNG_DATA_URL.length), 'base64');
  return QRCode.toBuffer(qr.payload, { type: 'png', errorCorrectionLevel: 'M', margin: 2 });
}
