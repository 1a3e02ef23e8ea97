import { backoffDelay } from '../../../src/bot/core/backoff';
import { DedupeCache } from '../../../src/bot/core/dedupe';

describe('backoffDelay', () => {
  const policy = { initialMs: 1000, maxMs: 60_000, jitter: 0.5 };
  test.each([
    [1, 0, 1000],
    [2, 0, 2000],
    [3, 0, 4000],
    [7, 0, 60_000],
    [30, 0, 60_000],
    [3, 1, 2000],
    [1, 0.5, 750],
  ])('when attempt %i with random %f, then %i ms', (attempt, random, expected) => {
    expect(backoffDelay(policy, attempt, () => random)).toBe(expected);
  });
});

describe('DedupeCache', () => {
  test('when an id repeats within the ttl, then it is seen; after the ttl, then it is new again', () => {
    let now = 0;
    const c = new DedupeCache(100, 1000, () => now);
    expect(c.seen('a')).toBe(false);
    expect(c.seen('a')).toBe(true);
    now = 1500;
    expect(c.seen('a')).toBe(false);
  });

  test('when the caller passes the time it read, then that time is used and not the clock', () => {
    const clock = jest.fn(() => 0);
    const c = new DedupeCache(100, 1000, clock);
    clock.mockClear();
    expect(c.seen('a', 5000)).toBe(false);
    expect(c.seen('a', 5999)).toBe(true);
    expect(c.seen('a', 6000)).toBe(false);
    expect(clock).not.toHaveBeenCalled();
  });

  test('when more than max ids arrive, then the oldest are forgotten and the size stays bounded', () => {
    const c = new DedupeCache(4, 60_000, () => 0);
    for (const id of ['a', 'b', 'c', 'd', 'e']) c.seen(id);
    expect(c.size).toBeLessThanOrEqual(4);
    expect(c.seen('e')).toBe(true);
    expect(c.seen('d')).toBe(true);
    expect(c.seen('a')).toBe(false);
  });
});

describe('DedupeCache under churn', () => {
  test('when an expired id is recorded again, then it is remembered afresh', () => {
    let now = 0;
    const c = new DedupeCache(10, 100, () => now);
    c.seen('a');
    now = 200;
    expect(c.seen('a')).toBe(false);
    now = 210;
    expect(c.seen('a')).toBe(true);
  });

  test('when a million ids pass through, then the size stays within max and the newest half is remembered', () => {
    const c = new DedupeCache(1000, 60_000, () => 0);
    for (let i = 0; i < 1_000_000; i++) c.seen(`id${i}`);
    expect(c.size).toBeLessThanOrEqual(1000);
    expect(c.size).toBeGreaterThanOrEqual(500);
    expect(c.seen('id999500')).toBe(true);
    expect(c.seen('id0')).toBe(false);
  });
});
