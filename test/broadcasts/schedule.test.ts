import {
  ceilToSecond,
  cronProblem,
  firstRunAt,
  nextOccurrence,
  planFiring,
  type Schedule,
  upcomingRuns,
} from '../../src/broadcasts/schedule';

const at = (iso: string) => new Date(iso);
const SH = 'Asia/Shanghai';
const MIN = 60_000;

describe('cron validation', () => {
  test.each([
    ['*/5 * * * *', SH, null],
    ['0 30 9 * * 1-5', SH, null],
    ['0 9 * * *', 'UTC', null],
    ['61 * * * *', SH, 'Constraint'],
    ['* * *', SH, '5 fields'],
    ['* * * * * * *', SH, '5 fields'],
    ['not a cron', SH, 'fields'],
    ['0 9 * * *', 'Mars/Olympus', 'unknown time zone'],
  ])('when the expression is %p in %p, then the problem is %p', (expression, tz, problem) => {
    const got = cronProblem(expression, tz);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toContain(problem);
  });
});

describe('first and next runs', () => {
  const created = at('2026-11-22T01:00:00.250Z');
  test.each<[string, Schedule, string | null]>([
    ['now runs at creation', { kind: 'now' }, '2026-11-22T01:00:00.250Z'],
    [
      'once runs at its time, on a whole second',
      { kind: 'once', at: at('2026-11-23T02:00:00.400Z') },
      '2026-11-23T02:00:01.000Z',
    ],
    [
      'cron 09:30 Shanghai on weekdays is 01:30 UTC next Monday',
      { kind: 'cron', expression: '30 9 * * 1-5', timeZone: SH },
      '2026-11-23T01:30:00.000Z',
    ],
    [
      'cron every minute starts at the next minute',
      { kind: 'cron', expression: '* * * * *', timeZone: 'UTC' },
      '2026-11-22T01:01:00.000Z',
    ],
    [
      'cron at the creation second itself counts',
      { kind: 'cron', expression: '0 0 1 * * *', timeZone: 'UTC' },
      '2026-11-23T01:00:00.000Z',
    ],
  ])('when %s', (_name, schedule, expected) => {
    expect(firstRunAt(schedule, created)?.toISOString() ?? null).toBe(expected);
  });

  test('when the end date is before the first occurrence, then there is no run', () => {
    expect(
      firstRunAt({ kind: 'cron', expression: '0 9 * * *', timeZone: 'UTC' }, created, {
        endAt: at('2026-11-22T05:00:00Z'),
      }),
    ).toBeNull();
  });

  test('when maxRuns is 0, then there is no run', () => {
    expect(firstRunAt({ kind: 'now' }, created, { maxRuns: 0 })).toBeNull();
  });

  test('when a schedule runs once, then it has no next occurrence', () => {
    expect(nextOccurrence({ kind: 'once', at: created }, created)).toBeNull();
    expect(nextOccurrence({ kind: 'now' }, created)).toBeNull();
  });

  test('when a time has milliseconds, then it rounds up to the whole second', () => {
    expect(ceilToSecond(at('2026-11-22T01:00:00.001Z')).toISOString()).toBe('2026-11-22T01:00:01.000Z');
    expect(ceilToSecond(at('2026-11-22T01:00:00.000Z')).toISOString()).toBe('2026-11-22T01:00:00.000Z');
  });
});

describe('upcoming runs (the console preview)', () => {
  const from = at('2026-11-22T01:00:00.250Z');
  test.each<[string, Schedule, { endAt?: Date; maxRuns?: number }, string[]]>([
    ['now: one run, at once', { kind: 'now' }, {}, ['2026-11-22T01:00:00.250Z']],
    ['once: one run', { kind: 'once', at: at('2026-11-23T02:00:00Z') }, {}, ['2026-11-23T02:00:00.000Z']],
    [
      'cron 09:30 Shanghai on weekdays: five weekdays from Monday',
      { kind: 'cron', expression: '30 9 * * 1-5', timeZone: SH },
      {},
      [
        '2026-11-23T01:30:00.000Z',
        '2026-11-24T01:30:00.000Z',
        '2026-11-25T01:30:00.000Z',
        '2026-11-26T01:30:00.000Z',
        '2026-11-27T01:30:00.000Z',
      ],
    ],
    [
      'cron daily with maxRuns 2',
      { kind: 'cron', expression: '0 9 * * *', timeZone: 'UTC' },
      { maxRuns: 2 },
      ['2026-11-22T09:00:00.000Z', '2026-11-23T09:00:00.000Z'],
    ],
    [
      'cron daily ending before the third',
      { kind: 'cron', expression: '0 9 * * *', timeZone: 'UTC' },
      { endAt: at('2026-11-24T08:59:59Z') },
      ['2026-11-22T09:00:00.000Z', '2026-11-23T09:00:00.000Z'],
    ],
    [
      'a once in the past still shows its time (the API refuses it)',
      { kind: 'once', at: at('2026-11-01T00:00:00Z') },
      {},
      ['2026-11-01T00:00:00.000Z'],
    ],
  ])('when %s, then those are the runs', (_, schedule, limits, want) => {
    expect(upcomingRuns(schedule, from, limits).map((d) => d.toISOString())).toEqual(want);
  });
});

describe('a clock change cron-parser cannot step over', () => {
  // Lord Howe moves its clocks by half an hour; at 2027-04-03T14:00Z cron-parser throws "loop
  // limit exceeded" for this expression although the next occurrence is half an hour later.
  const s = { kind: 'cron' as const, expression: '0 0 1 * 4 *', timeZone: 'Australia/Lord_Howe' };

  test('when the next occurrence is asked at that instant, then the search goes on from a day later instead of throwing', () => {
    expect(nextOccurrence(s, new Date('2027-04-03T14:00:00Z'))?.toISOString()).toBe('2027-04-04T14:30:00.000Z');
  });

  test('when its runs are previewed or planned across that night, then there are runs and nothing throws', () => {
    expect(upcomingRuns(s, new Date('2027-04-03T13:00:00Z'), {}, 3).map((d) => d.toISOString())).toEqual([
      '2027-04-03T14:00:00.000Z',
      '2027-04-04T14:30:00.000Z',
      '2027-04-05T14:30:00.000Z',
    ]);
    const plan = planFiring(s, new Date('2027-04-03T14:00:00Z'), new Date('2027-04-03T14:00:01Z'), 600_000, {}, 0);
    expect(plan).toMatchObject({ action: 'run', next: new Date('2027-04-04T14:30:00Z') });
  });
});

describe('planFiring: what a due task does', () => {
  const hourly: Schedule = { kind: 'cron', expression: '0 * * * *', timeZone: 'UTC' };
  const due = at('2026-11-22T02:00:00Z');
  const grace = 10 * MIN;
  test.each<
    [string, Schedule, string, number, { action: string; scheduledFor: string; missed: number; next: string | null }]
  >([
    [
      'on time: runs, next hour follows',
      hourly,
      '2026-11-22T02:00:00.004Z',
      0,
      { action: 'run', scheduledFor: '2026-11-22T02:00:00.000Z', missed: 0, next: '2026-11-22T03:00:00.000Z' },
    ],
    [
      'late within grace: runs late',
      hourly,
      '2026-11-22T02:09:00Z',
      0,
      { action: 'run', scheduledFor: '2026-11-22T02:00:00.000Z', missed: 0, next: '2026-11-22T03:00:00.000Z' },
    ],
    [
      'late past grace: missed, next hour follows',
      hourly,
      '2026-11-22T02:11:00Z',
      0,
      { action: 'missed', scheduledFor: '2026-11-22T02:00:00.000Z', missed: 1, next: '2026-11-22T03:00:00.000Z' },
    ],
    [
      'down three hours, latest within grace: earlier ones missed, latest runs',
      hourly,
      '2026-11-22T05:05:00Z',
      0,
      { action: 'run', scheduledFor: '2026-11-22T05:00:00.000Z', missed: 3, next: '2026-11-22T06:00:00.000Z' },
    ],
    [
      'down three hours, latest past grace: all missed',
      hourly,
      '2026-11-22T05:30:00Z',
      0,
      { action: 'missed', scheduledFor: '2026-11-22T05:00:00.000Z', missed: 4, next: '2026-11-22T06:00:00.000Z' },
    ],
    [
      'once, on time: runs and ends',
      { kind: 'once', at: due },
      '2026-11-22T02:00:00.5Z',
      0,
      { action: 'run', scheduledFor: '2026-11-22T02:00:00.000Z', missed: 0, next: null },
    ],
    [
      'once, past grace: missed and ends',
      { kind: 'once', at: due },
      '2026-11-22T03:00:00Z',
      0,
      { action: 'missed', scheduledFor: '2026-11-22T02:00:00.000Z', missed: 1, next: null },
    ],
  ])('when %s', (_name, schedule, now, executed, expected) => {
    const plan = planFiring(schedule, due, at(now), grace, {}, executed);
    expect({
      action: plan.action,
      scheduledFor: plan.scheduledFor.toISOString(),
      missed: plan.missed,
      next: plan.next?.toISOString() ?? null,
    }).toEqual(expected);
  });

  test('when the run reaches maxRuns, then there is no next run', () => {
    expect(planFiring(hourly, due, due, grace, { maxRuns: 3 }, 2).next).toBeNull();
    expect(planFiring(hourly, due, due, grace, { maxRuns: 3 }, 1).next?.toISOString()).toBe('2026-11-22T03:00:00.000Z');
  });

  test('when a missed run would have reached maxRuns, then it does not count and the task goes on', () => {
    expect(planFiring(hourly, due, at('2026-11-22T03:30:00Z'), grace, { maxRuns: 3 }, 2).next?.toISOString()).toBe(
      '2026-11-22T04:00:00.000Z',
    );
  });

  test('when the next occurrence is after the end date, then the task ends', () => {
    expect(planFiring(hourly, due, due, grace, { endAt: at('2026-11-22T02:30:00Z') }, 0).next).toBeNull();
  });

  test('when qunbot was down past the end date, then occurrences after it are not counted', () => {
    const plan = planFiring(hourly, due, at('2026-11-22T09:00:00Z'), grace, { endAt: at('2026-11-22T04:00:00Z') }, 0);
    expect({
      action: plan.action,
      scheduledFor: plan.scheduledFor.toISOString(),
      missed: plan.missed,
      next: plan.next,
    }).toEqual({ action: 'missed', scheduledFor: '2026-11-22T04:00:00.000Z', missed: 3, next: null });
  });

  test('when an every-second task was down for a day, then the plan jumps to the latest second without counting each', () => {
    const everySecond: Schedule = { kind: 'cron', expression: '* * * * * *', timeZone: 'UTC' };
    const plan = planFiring(everySecond, due, at('2026-11-23T02:00:00.300Z'), grace, {}, 0);
    expect(plan.action).toBe('run');
    expect(plan.scheduledFor.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    expect(plan.missed).toBeGreaterThanOrEqual(10_000);
    expect(plan.next?.toISOString()).toBe('2026-11-23T02:00:01.000Z');
  });

  test('when a cron is read in Shanghai, then the day boundary is Shanghai midnight', () => {
    const daily: Schedule = { kind: 'cron', expression: '0 0 * * *', timeZone: SH };
    expect(nextOccurrence(daily, at('2026-11-22T01:00:00Z'))?.toISOString()).toBe('2026-11-22T16:00:00.000Z');
  });
});
