/** A wall-clock date and time in some time zone. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of an instant in `timeZone` (one formatter per zone, reused). */
export function wallTime(at: number | Date, timeZone: string): WallTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a wall-clock time. */
export const dayText = (w: WallTime): string => `${w.year}-${two(w.month)}-${two(w.day)}`;

/** `YYYY-MM-DD HH:mm:ss` of an instant in `timeZone` (how the seeds show dates). */
export function wallText(at: number | Date, timeZone: string): string {
  const w = wallTime(at, timeZone);
  return `${dayText(w)} ${two(w.hour)}:${two(w.minute)}:${two(w.second)}`;
}

/** True for a real `YYYY-MM-DD` calendar day (2026-02-30 is none). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === text;
}

/** The calendar day `n` days after (before, when negative) a `YYYY-MM-DD` day. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The number of days from `from` to `to` (`YYYY-MM-DD`; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The instant at which the wall clock of `timeZone` shows `w` (seconds 0); DST gaps resolve forward. */
export function instantOf(w: Omit<WallTime, 'second'>, timeZone: string): number {
  const target = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  let t = target;
  for (let i = 0; i < 3; i++) {
    const seen = wallTime(t, timeZone);
    const shown = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    if (shown === target) break;
    t += target - shown;
  }
  return t;
}
