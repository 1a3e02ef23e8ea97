import { alphabetPattern } from '../../../src/lib/alphabet';
import { KeywordMatcher, regexProblem, type MatchRule } from '../../../src/plugins/keyword-reply/matcher';
import { foldText } from '../../../src/plugins/shared/text';

describe('KeywordMatcher', () => {
  const rules: MatchRule[] = [
    { id: 'price', keywords: ['价格', '多少钱'], mode: 'contains', priority: 0, roomIds: [] },
    { id: 'hello', keywords: ['Hello'], mode: 'exact', priority: 0, roomIds: [] },
    { id: 'vip-price', keywords: ['价格'], mode: 'contains', priority: 5, roomIds: ['room-vip'] },
    { id: 'order', keywords: ['^订单\\d{6}$'], mode: 'regex', priority: 0, roomIds: [] },
    { id: 'tie-a', keywords: ['发货'], mode: 'contains', priority: 1, roomIds: [] },
    { id: 'tie-b', keywords: ['发货'], mode: 'contains', priority: 1, roomIds: [] },
  ];
  const m = new KeywordMatcher(rules);

  test.each([
    ['请问价格是多少', 'room-1', 'price'],
    ['请问价格是多少', 'room-vip', 'vip-price'],
    ['这个多少钱', 'room-1', 'price'],
    ['hello', 'room-1', 'hello'],
    ['ＨＥＬＬＯ', 'room-1', 'hello'],
    ['hello there', 'room-1', undefined],
    ['订单123456', 'room-1', 'order'],
    ['订单12345', 'room-1', undefined],
    ['什么时候发货', 'room-1', 'tie-a'],
    ['nothing here', 'room-1', undefined],
    ['', 'room-1', undefined],
  ])('when the text is %j in %s, then %s wins', (text, room, expected) => {
    expect(m.match(text, room)?.id).toBe(expected);
  });

  test.each([
    ['(a+)+$', /backtrack/],
    ['([a-z]+)*x', /backtrack/],
    ['[unclosed', /invalid regular expression/],
    ['^\\d{6}$', null],
    ['x'.repeat(201), /longer than 200/],
  ] as [string, RegExp | null][])('regexProblem(%j)', (pattern, expected) => {
    const problem = regexProblem(pattern);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  test('when an unsafe pattern slips into the rules, then the matcher ignores it instead of hanging', () => {
    const unsafe = new KeywordMatcher([{ id: 'evil', keywords: ['(a+)+$'], mode: 'regex', priority: 0, roomIds: [] }]);
    expect(unsafe.match(`${'a'.repeat(40)}!`, 'r')).toBeUndefined();
    expect(unsafe.size).toBe(0);
  });

  test('when 10,000 literal rules are compiled, then the right one is found', () => {
    const many: MatchRule[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `r${i}`,
      keywords: [`词${i}号`],
      mode: 'contains' as const,
      priority: 0,
      roomIds: [],
    }));
    const big = new KeywordMatcher(many);
    expect(big.match('我想问一下词9876号的事', 'x')?.id).toBe('r9876');
    expect(big.match('没有关键字', 'x')).toBeUndefined();
  });
});

describe('alphabetPattern', () => {
  test.each([
    [['价格'], '请问价格', 2],
    [['价格'], 'bench 6f1c2d3e', -1],
    [['价格'], '格外', 0],
    [['abc', 'x'], 'zzzx', 3],
    [['a-z'], 'b', -1],
    [['a-z'], '-', 0],
    [[']', '\\', '^'], 'ok^', 2],
    [['😀'], 'hi 😀', 3],
    [['😀'], 'hi 😁', 3], // the same high surrogate: a place to start, not a match
    [['abc'], '', -1],
  ] as [string[], string, number][])('alphabetPattern(%j) first position in %j is %i', (words, text, expected) => {
    const re = alphabetPattern(words);
    expect(re).toBeDefined();
    expect(text.search(re!)).toBe(expected);
  });

  test('when there are no words (or only empty ones), then there is no pattern', () => {
    expect(alphabetPattern([])).toBeUndefined();
    expect(alphabetPattern([''])).toBeUndefined();
  });

  test('when units are consecutive, then they are written as ranges', () => {
    expect(alphabetPattern(['cab', 'e'])!.source).toBe('[\\u0061-\\u0063\\u0065]');
  });
});

describe('KeywordMatcher.matchFolded agrees with match', () => {
  const rules: MatchRule[] = [
    { id: 'price', keywords: ['价格', '多少钱'], mode: 'contains', priority: 0, roomIds: [] },
    { id: 'hello', keywords: ['Hello'], mode: 'exact', priority: 0, roomIds: [] },
    { id: 'order', keywords: ['^订单\\d{6}$'], mode: 'regex', priority: 0, roomIds: [] },
    { id: 'emoji', keywords: ['😀好'], mode: 'contains', priority: 2, roomIds: [] },
    { id: 'late', keywords: ['尾巴'], mode: 'contains', priority: 1, roomIds: [] },
  ];
  const m = new KeywordMatcher(rules);
  test.each([
    ['请问价格是多少', 'price'],
    ['bench 6f1c2d3e-aaaa-4bbb', undefined],
    ['ＨＥＬＬＯ', 'hello'],
    ['订单123456', 'order'],
    ['hello 😀好 world', 'emoji'],
    ['ascii first then 尾巴', 'late'],
    ['价格 and 尾巴', 'late'],
    ['😁好', undefined],
    ['', undefined],
  ])('%j', (text, expected) => {
    expect(m.match(text, 'room')?.id).toBe(expected);
    expect(m.matchFolded(foldText(text), text, 'room')?.id).toBe(expected);
  });
});
