import type { Db } from '../../db/types';
import { z } from 'zod';
import { welcomeSettingModel, type WelcomeSettingDoc } from './welcome-setting.model';

/** A room's welcome as callers write it: text (placeholders {names}, {topic}, {count}), on/off, @-mention. */
export const welcomeInput = z.object({
  text: z.string().trim().min(1).max(1000),
  enabled: z.boolean().default(true),
  mention: z.boolean().default(true),
  /** Joins within this many seconds after the first get one welcome; null: the plugin's configured window. */
  windowSec: z.number().int().min(0).max(600).nullable().default(null),
});

/** A room's welcome before defaults are applied. */
export type WelcomeInput = z.input<typeof welcomeInput>;

/** A room's welcome as the plugin applies it. */
export interface WelcomeSetting {
  roomId: string;
  text: string;
  enabled: boolean;
  mention: boolean;
  /** The room's own batching window in seconds, or null for the configured one. */
  windowSec: number | null;
  /** True when the room has no setting of its own and the default applies. */
  isDefault: boolean;
}

type StoredSetting = Pick<WelcomeSettingDoc, 'roomId' | 'text' | 'enabled' | 'mention' | 'windowSec'>;

/** A stored setting with the defaults of fields older documents lack. */
function ownSetting(d: StoredSetting): Omit<WelcomeSetting, 'isDefault'> {
  return {
    roomId: d.roomId,
    text: d.text,
    enabled: d.enabled ?? true,
    mention: d.mention ?? true,
    windowSec: d.windowSec ?? null,
  };
}

/** Per-room welcome text (seed 002 welcome_msg) over a configured default. */
export class WelcomeService {
  private readonly Setting;
  constructor(conn: Db) {
    this.Setting = welcomeSettingModel(conn);
  }

  /** The room's welcome setting, or the default text when it has none (`isDefault`). */
  async get(roomId: string, defaultText: string): Promise<WelcomeSetting> {
    const d = await this.Setting.findOne({ roomId }).lean();
    if (!d) return { roomId, text: defaultText, enabled: true, mention: true, windowSec: null, isDefault: true };
    return { ...ownSetting(d), isDefault: false };
  }

  /** Sets the room's own welcome (created or replaced). */
  async set(roomId: string, input: WelcomeInput): Promise<WelcomeSetting> {
    const data = welcomeInput.parse(input);
    await this.Setting.updateOne({ roomId }, { $set: data }, { upsert: true });
    return { roomId, ...data, isDefault: false };
  }

  /** The room's own setting, or null when the default applies. */
  async find(roomId: string): Promise<Omit<WelcomeSetting, 'isDefault'> | null> {
    const d = await this.Setting.findOne({ roomId }).lean();
    return d ? ownSetting(d) : null;
  }

  /** Drops the room's own setting (the default applies again); false when it had none. */
  async reset(roomId: string): Promise<boolean> {
    const r = await this.Setting.deleteOne({ roomId });
    return r.deletedCount === 1;
  }

  /** The own settings of the given rooms, by room id (rooms without one are absent). */
  async listFor(roomIds: readonly string[]): Promise<Map<string, WelcomeSetting>> {
    const docs = await this.Setting.find({ roomId: { $in: roomIds } }).lean();
    return new Map(docs.map((d) => [d.roomId, { ...ownSetting(d), isDefault: false }]));
  }
}
