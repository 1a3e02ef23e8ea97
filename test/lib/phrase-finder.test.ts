import { LOOP_UP_TO, PhraseFinder, type PhraseHit } from '../../src/lib/phrase-finder';

const sorted = (hits: PhraseHit[]) =>
  [...hits].sort((a, b) => a.begin - b.begin || a.end - b.end || a.phrase.localeCompare(b.phrase));

describe('the phrase finder', () => {
  test.each([
    ['none in the text', ['优惠', '团购'], '今天天气不错', []],
    ['one at the start', ['优惠'], '优惠来了', [{ phrase: '优惠', begin: 0, end: 2 }]],
    [
      'overlapping and repeated',
      ['ab', 'b', 'abc'],
      'xabcab',
      [
        { phrase: 'ab', begin: 1, end: 3 },
        { phrase: 'abc', begin: 1, end: 4 },
        { phrase: 'b', begin: 2, end: 3 },
        { phrase: 'ab', begin: 4, end: 6 },
        { phrase: 'b', begin: 5, end: 6 },
      ],
    ],
    ['empty phrases are ignored', ['', '群'], '进群', [{ phrase: '群', begin: 1, end: 2 }]],
    ['a surrogate pair', ['😀好'], 'a😀好', [{ phrase: '😀好', begin: 1, end: 4 }]],
  ])('%s: both strategies find the same', (_what, phrases, text, expected) => {
    const loop = new PhraseFinder(phrases, Infinity);
    const automaton = new PhraseFinder(phrases, 0);
    expect([loop.strategy, automaton.strategy]).toEqual(['loop', 'automaton']);
    expect(sorted(loop.hits(text))).toEqual(expected);
    expect(sorted(automaton.hits(text))).toEqual(expected);
    expect(new Set(loop.found(text))).toEqual(new Set(expected.map((h) => h.phrase)));
    expect(new Set(automaton.found(text))).toEqual(new Set(expected.map((h) => h.phrase)));
  });

  test('when the set is small it loops, past LOOP_UP_TO it builds the automaton; 2,000 random texts agree', () => {
    let seed = 5;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const word = (min: number, max: number) =>
      Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () =>
        String.fromCharCode(0x4e00 + Math.floor(random() * 40)),
      ).join('');
    const unique = new Set<string>();
    while (unique.size <= LOOP_UP_TO) unique.add(word(1, 3));
    const phrases = [...unique];
    expect(new PhraseFinder(phrases.slice(0, LOOP_UP_TO)).strategy).toBe('loop');
    const big = new PhraseFinder(phrases);
    expect(big.strategy).toBe('automaton');
    const loop = new PhraseFinder(phrases, Infinity);
    let hits = 0;
    for (let i = 0; i < 2000; i++) {
      const text = word(0, 30);
      const a = sorted(big.hits(text));
      expect(sorted(loop.hits(text))).toEqual(a);
      hits += a.length;
    }
    expect(hits).toBeGreaterThan(1000);
  });
});
