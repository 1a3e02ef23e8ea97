import { Pacer } from '../../../src/bot/core/pacer';

const policy = { ratePerSec: 0.5, burst: 2, roomGapMs: 3000, jitterMs: 1000 };

describe('Pacer', () => {
  test.each([
    // [description, sends already committed as [room, at], asking room, now, expected wait]
    ['when nothing was sent, then any room is ready', [], 'a', 0, 0],
    ['when one send used a token, then another room is ready (burst 2)', [['a', 0]], 'b', 0, 0],
    [
      'when the burst is spent, then the next waits for a token (2 s at 0.5/s)',
      [
        ['a', 0],
        ['b', 0],
      ],
      'c',
      0,
      2000,
    ],
    [
      'when half a token has refilled, then the wait halves',
      [
        ['a', 0],
        ['b', 0],
      ],
      'c',
      1000,
      1000,
    ],
    ['when the same room was just sent to, then its gap applies', [['a', 0]], 'a', 1000, 2000],
    ['when the room gap has passed, then the room is ready', [['a', 0]], 'a', 3000, 0],
    [
      'when both limits apply, then the longer wins',
      [
        ['a', 0],
        ['a', 100],
      ],
      'a',
      200,
      2900,
    ],
  ] as [string, [string, number][], string, number, number][])('%s', (_d, sent, room, now, expected) => {
    const p = new Pacer(policy);
    for (const [r, at] of sent) p.commit(r, at);
    expect(p.readyIn(room, now)).toBe(expected);
  });

  test('when jitter is drawn, then it adds between 0 and jitterMs', () => {
    const p = new Pacer(policy);
    expect(p.delayFor('a', 0, () => 0)).toBe(0);
    expect(p.delayFor('a', 0, () => 0.5)).toBe(500);
    expect(p.delayFor('a', 0, () => 0.999)).toBe(999);
  });

  test('when sends go as fast as allowed for a minute, then the rate stays at the policy', () => {
    const p = new Pacer({ ...policy, roomGapMs: 0 });
    let now = 0;
    let sent = 0;
    while (now <= 60_000) {
      const wait = p.readyIn(`r${sent}`, now);
      now += wait;
      if (now > 60_000) break;
      p.commit(`r${sent}`, now);
      sent++;
    }
    // burst of 2, then one every 2 s: 2 + 30
    expect(sent).toBe(32);
  });
});
