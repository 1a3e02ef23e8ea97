import { dayText, wallTime } from '../../lib/wall-clock';

/** A daily time window in local time, "HH:MM" to "HH:MM"; start after end means overnight. */
export interface TimeWindow {
  start: string;
  end: string;
}

/** How many points a sign-in earns: a base, plus a bonus per extra streak day up to a cap. */
export interface AwardPolicy {
  points: number;
  /** Extra points per consecutive day after the first... */
  streakBonus: number;
  /** ...counted for at most this many days. */
  maxStreakBonusDays: number;
}

/** The calendar day of `at` in `timeZone`, as YYYY-MM-DD. */
export function localDay(at: Date, timeZone: string): string {
  return dayText(wallTime(at, timeZone));
}

/** Minutes since local midnight of `at` in `timeZone`. */
export function localMinutes(at: Date, timeZone: string): number {
  const w = wallTime(at, timeZone);
  return w.hour * 60 + w.minute;
}

/** The day before a YYYY-MM-DD day. */
export function dayBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** Whether local `minutes` fall in any window (no windows: always). */
export function inWindows(minutes: number, windows: readonly TimeWindow[]): boolean {
  if (windows.length === 0) return true;
  return windows.some((w) => {
    const s = toMinutes(w.start);
    const e = toMinutes(w.end);
    return s <= e ? minutes >= s && minutes < e : minutes >= s || minutes < e;
  });
}

/** The streak after signing in on `today`, given the member's record of the day before. */
export function nextStreak(previous: { day: string; streak: number } | undefined, today: string): number {
  return previous && previous.day === dayBefore(today) ? previous.streak + 1 : 1;
}

/** Points for a sign-in that makes a streak of `streak` days. */
export function award(policy: AwardPolicy, streak: number): number {
  return policy.points + Math.min(Math.max(0, streak - 1), policy.maxStreakBonusDays) * policy.streakBonus;
}
