import { DayTally } from '../../src/stats/day-tally';
import { addDays, daysBetween, isCalendarDay } from '../../src/lib/wall-clock';

describe('the day tally of room statistics', () => {
  test('when messages, joins, exits and sends come in, then one update per room and day carries their sums and distinct speakers', () => {
    const t = new DayTally();
    t.message('r1', 'b', '2026-12-04', 'amy');
    t.message('r1', 'b', '2026-12-04', 'amy');
    t.message('r1', 'b', '2026-12-04', 'ben');
    t.sent('r1', 'b', '2026-12-04');
    t.joined('r1', 'b', '2026-12-04', 2, 12);
    t.left('r1', 'b', '2026-12-04', 1, 11);
    t.message('r1', 'b', '2026-12-05', 'amy');
    t.left('r2', 'b', '2026-12-04', 3);
    expect(t.size).toBe(3);
    expect(t.drain()).toEqual([
      {
        roomId: 'r1',
        robotId: 'b',
        day: '2026-12-04',
        messages: 3,
        sent: 1,
        joins: 2,
        exits: 1,
        speakers: ['amy', 'ben'],
        members: 11,
      },
      { roomId: 'r1', robotId: 'b', day: '2026-12-05', messages: 1, sent: 0, joins: 0, exits: 0, speakers: ['amy'] },
      { roomId: 'r2', robotId: 'b', day: '2026-12-04', messages: 0, sent: 0, joins: 0, exits: 3, speakers: [] },
    ]);
    expect([t.size, t.drain()]).toEqual([0, []]);
  });

  test('when a write failed and counts came in meanwhile, then restoring adds both and keeps the newer member count', () => {
    const t = new DayTally();
    t.message('r', 'b', 'd', 'amy');
    t.joined('r', 'b', 'd', 1, 5);
    const failed = t.drain();
    t.message('r', 'b', 'd', 'ben');
    t.joined('r', 'b', 'd', 1, 6);
    t.restore(failed);
    expect(t.drain()).toEqual([
      {
        roomId: 'r',
        robotId: 'b',
        day: 'd',
        messages: 2,
        sent: 0,
        joins: 2,
        exits: 0,
        speakers: ['ben', 'amy'],
        members: 6,
      },
    ]);
    t.restore(failed);
    expect(t.drain()[0]).toMatchObject({ messages: 1, joins: 1, members: 5 });
  });

  test.each([
    ['2026-12-04', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['20261204', false],
    ['2026-12-04T00:00', false],
  ])('isCalendarDay(%j) is %j', (text, ok) => {
    expect(isCalendarDay(text)).toBe(ok);
  });

  test.each([
    ['2026-12-04', -6, '2026-11-28'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
  ])('addDays(%j, %j) is %j, and daysBetween gives the count back', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
    expect(daysBetween(day, expected)).toBe(n);
  });
});
