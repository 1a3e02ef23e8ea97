import { dayText, wallText, wallTime } from '../../src/lib/wall-clock';

describe('wall-clock time in a time zone', () => {
  test.each([
    ['2026-12-03T16:05:09Z', 'Asia/Shanghai', '2026-12-04 00:05:09'],
    ['2026-12-03T16:05:09Z', 'UTC', '2026-12-03 16:05:09'],
    ['2026-03-29T00:59:59Z', 'Europe/Berlin', '2026-03-29 01:59:59'],
    ['2026-03-29T01:00:00Z', 'Europe/Berlin', '2026-03-29 03:00:00'],
    ['2026-01-01T00:00:00Z', 'America/New_York', '2025-12-31 19:00:00'],
  ])('when %s is shown in %s, then it reads %s (midnight as 00, not 24)', (iso, zone, want) => {
    expect(wallText(new Date(iso), zone)).toBe(want);
    expect(wallText(Date.parse(iso), zone)).toBe(want);
  });

  test('when a wall time is taken apart, then its fields are numbers and its day text is zero-padded', () => {
    const w = wallTime(Date.parse('2026-02-03T04:05:06Z'), 'UTC');
    expect(w).toEqual({ year: 2026, month: 2, day: 3, hour: 4, minute: 5, second: 6 });
    expect(dayText(w)).toBe('2026-02-03');
  });
});
