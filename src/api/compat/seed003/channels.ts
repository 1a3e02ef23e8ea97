import type { Config } from '../../../../config';

/** A configured channel (chid) with its key, notification URL and robot owner. */
export type Seed003Channel = Config['compat']['seed003']['channels'][number];

/** Channels by chid. */
export function channelMap(channels: readonly Seed003Channel[]): ReadonlyMap<string, Seed003Channel> {
  return new Map(channels.map((c) => [c.chid, c]));
}
