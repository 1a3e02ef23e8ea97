import { CronExpressionParser } from 'cron-parser';

/**
 * When a broadcast runs: once as soon as possible, once at a time, or on a cron expression
 * (5 fields, or 6 with seconds) read in a time zone.
 */
export type Schedule =
  { kind: 'now' } | { kind: 'once'; at: Date } | { kind: 'cron'; expression: string; timeZone: string };

/** Limits that end a repeating task. */
export interface ScheduleLimits {
  endAt?: Date | undefined;
  /** Runs that may be executed (missed ones do not count). */
  maxRuns?: number | undefined;
}

/** Missed occurrences counted one by one up to this many (an every-second task down for a day). */
const MAX_COUNTED_MISSES = 10_000;

/** True when `tz` is an IANA time zone this Node knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Null when the expression is valid in the zone; otherwise why not. */
export function cronProblem(expression: string, timeZone: string): string | null {
  if (!isTimeZone(timeZone)) return `unknown time zone "${timeZone}"`;
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6)
    return 'a cron expression has 5 fields (minute hour day month weekday) or 6 (with seconds first)';
  try {
    CronExpressionParser.parse(expression, { tz: timeZone, strict: false }).next();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

function cron(expression: string, timeZone: string, currentDate: Date) {
  return CronExpressionParser.parse(expression, { tz: timeZone, currentDate });
}

/** Whole seconds: schedules fire on second boundaries, which is where the ticker looks. */
export function ceilToSecond(d: Date): Date {
  return new Date(Math.ceil(d.getTime() / 1000) * 1000);
}

/** Days stepped over when cron-parser gives up at a clock change, before the schedule is called finished. */
const STEPS_OVER_CLOCK_CHANGES = 3;

/**
 * The first occurrence strictly after `after`, or null when the schedule has no more. Around
 * some clock changes (Lord Howe's half-hour one, say) cron-parser gives up ("loop limit
 * exceeded") although later occurrences exist: the search then starts again a day later, a few
 * times, so one odd night neither ends the schedule nor throws into the ticker.
 */
export function nextOccurrence(s: Schedule, after: Date): Date | null {
  if (s.kind !== 'cron') return null;
  let from = after;
  for (let step = 0; step <= STEPS_OVER_CLOCK_CHANGES; step++) {
    try {
      return cron(s.expression, s.timeZone, from).next().toDate();
    } catch {
      from = new Date(from.getTime() + 86_400_000);
    }
  }
  return null;
}

/** When a new task first runs. `now` runs at creation; a time in the past is refused by the API. */
export function firstRunAt(s: Schedule, createdAt: Date, limits: ScheduleLimits = {}): Date | null {
  let first: Date | null;
  if (s.kind === 'now') first = createdAt;
  else if (s.kind === 'once') first = ceilToSecond(s.at);
  else first = nextOccurrence(s, new Date(createdAt.getTime() - 1));
  return withinLimits(first, limits, 0);
}

/**
 * The next `count` runs of a schedule starting at `from`, within its limits (a preview for people:
 * `once` and `now` have one run).
 */
export function upcomingRuns(s: Schedule, from: Date, limits: ScheduleLimits = {}, count = 5): Date[] {
  const runs: Date[] = [];
  let at = firstRunAt(s, from, limits);
  while (at && runs.length < count) {
    runs.push(at);
    at = withinLimits(nextOccurrence(s, at), limits, runs.length);
  }
  return runs;
}

function withinLimits(at: Date | null, limits: ScheduleLimits, executed: number): Date | null {
  if (!at) return null;
  if (limits.endAt && at.getTime() > limits.endAt.getTime()) return null;
  if (limits.maxRuns !== undefined && executed >= limits.maxRuns) return null;
  return at;
}

/** What to do with a task whose `due` time has come, decided at `now`. */
export interface FiringPlan {
  /** `run`: send now (possibly late, within the grace period); `missed`: too late, record it. */
  action: 'run' | 'missed';
  /** The occurrence this firing stands for. */
  scheduledFor: Date;
  /** Occurrences not run (qunbot was down), including this one when `action` is `missed`. */
  missed: number;
  /** The task's next run, or null when it is finished. */
  next: Date | null;
}

/**
 * Decides a due firing. Only the latest occurrence that has passed can run, and only within
 * `graceMs` of its time; earlier ones (qunbot was down) are counted as missed, so a restart
 * never sends a burst of catch-up runs.
 */
export function planFiring(
  s: Schedule,
  due: Date,
  now: Date,
  graceMs: number,
  limits: ScheduleLimits,
  executed: number,
): FiringPlan {
  let latest = due;
  let missed = 0;
  if (s.kind === 'cron') {
    for (
      let next = nextOccurrence(s, latest);
      next && next.getTime() <= now.getTime();
      next = nextOccurrence(s, latest)
    ) {
      if (limits.endAt && next.getTime() > limits.endAt.getTime()) break;
      missed++;
      latest = next;
      if (missed >= MAX_COUNTED_MISSES) {
        // Jump to the last occurrence before now without counting each one.
        const prev = cron(s.expression, s.timeZone, new Date(now.getTime() + 1))
          .prev()
          .toDate();
        if (prev.getTime() > latest.getTime()) latest = prev;
        break;
      }
    }
  }
  const late = now.getTime() - latest.getTime();
  const action = late <= graceMs ? 'run' : 'missed';
  if (action === 'missed') missed++;
  const executedAfter = executed + (action === 'run' ? 1 : 0);
  return { action, scheduledFor: latest, missed, next: withinLimits(nextOccurrence(s, latest), limits, executedAfter) };
}
