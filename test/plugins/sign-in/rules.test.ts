import {
  award,
  dayBefore,
  inWindows,
  localDay,
  localMinutes,
  nextStreak,
} from '../../../src/plugins/sign-in/sign-in-rules';

describe('sign-in rules', () => {
  const tz = 'Asia/Shanghai';
  test.each([
    ['2026-11-21T15:59:59Z', '2026-11-21', 23 * 60 + 59],
    ['2026-11-21T16:00:00Z', '2026-11-22', 0],
    ['2026-11-22T01:30:00Z', '2026-11-22', 9 * 60 + 30],
  ])('at %s the Shanghai day is %s, minute %i', (iso, day, minutes) => {
    expect(localDay(new Date(iso), tz)).toBe(day);
    expect(localMinutes(new Date(iso), tz)).toBe(minutes);
  });

  test.each([
    ['2026-11-22', '2026-11-21'],
    ['2026-03-01', '2026-02-28'],
    ['2028-03-01', '2028-02-29'],
    ['2027-01-01', '2026-12-31'],
  ])('dayBefore(%s) is %s', (day, expected) => expect(dayBefore(day)).toBe(expected));

  test.each([
    [8 * 60, [], true],
    [8 * 60, [{ start: '07:00', end: '10:00' }], true],
    [10 * 60, [{ start: '07:00', end: '10:00' }], false],
    [23 * 60, [{ start: '22:00', end: '02:00' }], true],
    [60, [{ start: '22:00', end: '02:00' }], true],
    [3 * 60, [{ start: '22:00', end: '02:00' }], false],
    [
      13 * 60,
      [
        { start: '07:00', end: '09:00' },
        { start: '12:00', end: '14:00' },
      ],
      true,
    ],
  ] as [number, { start: string; end: string }[], boolean][])('inWindows(%i, %j) is %j', (m, w, expected) =>
    expect(inWindows(m, w)).toBe(expected),
  );

  test.each([
    [undefined, '2026-11-22', 1],
    [{ day: '2026-11-21', streak: 4 }, '2026-11-22', 5],
    [{ day: '2026-11-20', streak: 4 }, '2026-11-22', 1],
  ] as [{ day: string; streak: number } | undefined, string, number][])(
    'nextStreak(%j, %s) is %i',
    (prev, today, expected) => expect(nextStreak(prev, today)).toBe(expected),
  );

  test.each([
    [1, 10],
    [2, 12],
    [4, 16],
    [10, 16],
  ])('award on streak %i is %i (10 points, +2 per day, bonus capped at 3 days)', (streak, expected) => {
    expect(award({ points: 10, streakBonus: 2, maxStreakBonusDays: 3 }, streak)).toBe(expected);
  });
});
