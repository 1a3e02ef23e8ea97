import type { Db } from '../../db/types';
import { z } from 'zod';
import { welcomeSettingModel } from './welcome-setting.model';

export const welcomeInput = z.object({
  text: z.string().trim().min(1).max(1000),
  enabled: z.boolean().default(true),
  mention: z.boolean().default(true),
});

export type WelcomeInput = z.input<typeof welcomeInput>;

export interface WelcomeSetting {
  roomId: string;
  text: string;
  enabled: boolean;
  mention: boolean;
  /** True when the room has no setting of its own and the default applies. */
  isDefault: boolean;
}

/** Per-room welcome text (seed 002 welcome_msg) over a configured default. */
export class WelcomeService {
  private readonly Setting;
  constructor(conn: Db) {
    this.Setting = welcomeSettingModel(conn);
  }

  async get(roomId: string, defaultText: string): Promise<WelcomeSetting> {
    const d = await this.Setting.findOne({ roomId }).lean();
    if (!d) return { roomId, text: defaultText, enabled: true, mention: true, isDefault: true };
    return { roomId, text: d.text, enabled: d.enabled ?? true, mention: d.mention ?? true, isDefault: false };
  }

  async set(roomId: string, input: WelcomeInput): Promise<WelcomeSetting> {
    const data = welcomeInput.parse(input);
    await this.Setting.updateOne({ roomId }, { $set: data }, { upsert: true });
    return { roomId, ...data, isDefault: false };
  }

  /** The room's own setting, or null when the default applies. */
  async find(roomId: string): Promise<Omit<WelcomeSetting, 'isDefault'> | null> {
    const d = await this.Setting.findOne({ roomId }).lean();
    return d ? { roomId, text: d.text, enabled: d.enabled ?? true, mention: d.mention ?? true } : null;
  }

  /** Drops the room's own setting (the default applies again); false when it had none. */
  async reset(roomId: string): Promise<boolean> {
    const r = await this.Setting.deleteOne({ roomId });
    return r.deletedCount === 1;
  }

  async listFor(roomIds: readonly string[]): Promise<Map<string, WelcomeSetting>> {
    const docs = await this.Setting.find({ roomId: { $in: roomIds } }).lean();
    return new Map(
      docs.map((d) => [
        d.roomId,
        { roomId: d.roomId, text: d.text, enabled: d.enabled ?? true, mention: d.mention ?? true, isDefault: false },
      ]),
    );
  }
}
