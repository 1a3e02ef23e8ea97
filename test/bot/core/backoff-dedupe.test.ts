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

  test('when more than max ids arrive, then the oldest are forgotten and the size stays bounded', () => {
    const c = new DedupeCache(3, 60_000, () => 0);
    for (const id of ['a', 'b', 'c', 'd']) c.seen(id);
    expect(c.size).toBe(3);
    expect(c.seen('d')).toBe(true);
    expect(c.seen('a')).toBe(false);
  });
});
