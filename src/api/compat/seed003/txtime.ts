/**
 * The seed's `txtime` (yyyymmddhhmmss, the channel's wall-clock time). qunbot reads it in the
 * configured time zone (config.timeZone) and refuses requests whose txtime is too far from now.
 */
import { wallTime, type WallTime } from '../../../lib/wall-clock';

export { wallTime, type WallTime };

/** The fields of a valid yyyymmddhhmmss (a real calendar date and time), else null. */
export function parseTxtime(text: string): WallTime | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    year >= 1970 &&
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  return valid ? { year, month, day, hour, minute, second } : null;
}

const asUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/**
 * The instant a wall-clock time names in `timeZone`. Two passes over the zone's offset handle
 * offset changes (DST); a time skipped by a DST jump lands just after it, a repeated one on its
 * first occurrence or later (either way within an hour, well inside any sane window).
 */
export function zonedEpoch(w: WallTime, timeZone: string): number {
  const target = asUtc(w);
  let guess = target;
  for (let i = 0; i < 2; i++) guess = target - (asUtc(wallTime(guess, timeZone)) - guess);
  return guess;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** yyyymmddhhmmss of `epochMs` in `timeZone` (for notifications qunbot sends). */
export function formatTxtime(epochMs: number, timeZone: string): string {
  const w = wallTime(epochMs, timeZone);
  return `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
}

export type TxtimeVerdict = { ok: true; day: string } | { ok: false; reason: 'invalid' | 'stale' };

/**
 * Whether a request's txtime is acceptable now: a valid yyyymmddhhmmss within `windowSec` of
 * `nowMs` (either side: clocks drift both ways). `day` (yyyymmdd of the txtime) scopes the
 * txcode: a replay carries the same signed txtime, so it falls on the same day even around
 * midnight.
 */
export function checkTxtime(text: string, nowMs: number, timeZone: string, windowSec: number): TxtimeVerdict {
  const w = parseTxtime(text);
  if (!w) return { ok: false, reason: 'invalid' };
  const at = zonedEpoch(w, timeZone);
  if (Math.abs(nowMs - at) > windowSec * 1000) return { ok: false, reason: 'stale' };
  return { ok: true, day: text.slice(0, 8) };
}
