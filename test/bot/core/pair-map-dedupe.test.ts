import { DedupeCache } from '../../../src/bot/core/dedupe';
import { PairMap } from '../../../src/bot/core/pair-map';

type Op = ['set', string, string, number] | ['delete', string, string] | ['deleteFirst', string];

describe('PairMap', () => {
  test.each([
    [
      'set and get',
      [
        ['set', 'r1', 'a', 1],
        ['set', 'r1', 'b', 2],
        ['set', 'r2', 'a', 3],
      ],
      { 'r1/a': 1, 'r1/b': 2, 'r2/a': 3 },
    ],
    [
      'replacing keeps one entry',
      [
        ['set', 'r1', 'a', 1],
        ['set', 'r1', 'a', 2],
      ],
      { 'r1/a': 2 },
    ],
    [
      'delete one pair',
      [
        ['set', 'r1', 'a', 1],
        ['set', 'r1', 'b', 2],
        ['delete', 'r1', 'a'],
      ],
      { 'r1/b': 2 },
    ],
    [
      'delete a missing pair',
      [
        ['set', 'r1', 'a', 1],
        ['delete', 'r1', 'zz'],
        ['delete', 'r9', 'a'],
      ],
      { 'r1/a': 1 },
    ],
    [
      'deleteFirst drops the robot only',
      [
        ['set', 'r1', 'a', 1],
        ['set', 'r2', 'a', 2],
        ['set', 'r1', 'b', 3],
        ['deleteFirst', 'r1'],
      ],
      { 'r2/a': 2 },
    ],
    [
      'no separator confusion',
      [
        ['set', 'a', 'b\u0000c', 1],
        ['set', 'a\u0000b', 'c', 2],
      ],
      { 'a/b\u0000c': 1, 'a\u0000b/c': 2 },
    ],
    [
      'past max, the first inserted goes',
      [
        ['set', 'r1', 'a', 1],
        ['set', 'r1', 'b', 2],
        ['set', 'r2', 'a', 3],
        ['set', 'r2', 'b', 4],
      ],
      { 'r1/b': 2, 'r2/a': 3, 'r2/b': 4 },
    ],
    [
      'replacing does not refresh the place',
      [
        ['set', 'r1', 'a', 1],
        ['set', 'r1', 'b', 2],
        ['set', 'r1', 'a', 9],
        ['set', 'r2', 'c', 3],
        ['set', 'r2', 'd', 4],
      ],
      { 'r1/b': 2, 'r2/c': 3, 'r2/d': 4 },
    ],
    [
      'after a delete, there is room again',
      [
        ['set', 'r1', 'a', 1],
        ['set', 'r1', 'b', 2],
        ['set', 'r1', 'c', 3],
        ['delete', 'r1', 'a'],
        ['set', 'r1', 'd', 4],
      ],
      { 'r1/b': 2, 'r1/c': 3, 'r1/d': 4 },
    ],
  ] as [string, Op[], Record<string, number>][])('%s', (_name, ops, expected) => {
    const m = new PairMap<number>(3);
    const keys = new Set<string>();
    for (const op of ops) {
      if (op[0] === 'set') {
        m.set(op[1], op[2], op[3]);
        keys.add(`${op[1]}/${op[2]}`);
      } else if (op[0] === 'delete') m.delete(op[1], op[2]);
      else m.deleteFirst(op[1]);
    }
    const got: Record<string, number> = {};
    for (const k of keys) {
      const [first, second] = k.split('/');
      const v = m.get(first, second);
      if (v !== undefined) got[k] = v;
    }
    expect(got).toEqual(expected);
    expect(m.size).toBe(Object.keys(expected).length);
  });
});

describe('DedupeCache keeps exact times across generations', () => {
  const T0 = Date.parse('2026-11-22T00:00:00Z');
  test.each([
    // [ttlMs, steps as [ms after T0, id, expected seen]]
    [
      1000,
      [
        [0, 'a', false],
        [999, 'a', true],
        [1000, 'a', false],
        [1500, 'a', true],
      ],
    ],
    [
      1000,
      [
        [0, 'a', false],
        [10, 'b', false],
        [20, 'c', false],
        [30, 'a', true],
        [1005, 'b', true],
        [1010, 'b', false],
      ],
    ],
    // Generations of 2 (max 4): 'a' moves to the previous generation and keeps its own time.
    [
      5000,
      [
        [0, 'a', false],
        [100, 'b', false],
        [200, 'c', false],
        [4999, 'a', true],
        [5000, 'a', false],
        [5199, 'c', true],
        [5200, 'c', false],
      ],
    ],
    // Thirty days after the cache was made: times far from the first generation's start.
    [
      60_000,
      [
        [30 * 86_400_000, 'x', false],
        [30 * 86_400_000 + 59_999, 'x', true],
        [30 * 86_400_000 + 60_000, 'x', false],
      ],
    ],
  ] as [number, [number, string, boolean][]][])('with ttl %i', (ttl, steps) => {
    let now = T0;
    const c = new DedupeCache(4, ttl, () => now);
    for (const [at, id, expected] of steps) {
      now = T0 + at;
      expect([at, id, c.seen(id)]).toEqual([at, id, expected]);
    }
  });
});
