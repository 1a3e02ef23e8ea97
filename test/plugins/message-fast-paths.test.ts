import { alphabetPattern } from '../../src/plugins/keyword-reply/alphabet';
import { KeywordMatcher, type MatchRule } from '../../src/plugins/keyword-reply/matcher';
import { RecentMessages, RoomRing } from '../../src/plugins/mention-capture/mention-rules';
import { commandText, foldedCommandText } from '../../src/plugins/shared/command-text';
import { foldText, stripMentions } from '../../src/plugins/shared/text';
import { fakeContext, messageEvent, roomView, talker } from '../support/plugin-context';

/** foldText as it was written before its fast path: NFKC when needed, \p{Lu} for case. */
function referenceFold(text: string): string {
  let t = /[^\t\n\r\u0020-\u007e\u4e00-\u9fff]/.test(text) ? text.normalize('NFKC') : text;
  if (/\p{Lu}/u.test(t)) t = t.toLowerCase();
  return t.trim();
}

describe('foldText is the same as the reference folding', () => {
  test.each([
    ['bench 6f1c2d3e-aaaa-4bbb-8ccc-0123456789ab'],
    ['Hello World'],
    ['Apple pie'],
    ['zebra Z'],
    ['  PING  '],
    ['签到'],
    ['  签到\n'],
    ['\t价格ABC\r\n'],
    ['ＡＢＣ１２３！'],
    ['ｐｉｎｇ'],
    ['Ǆ titlecase ǅ'],
    ['ÀÉÎ accented'],
    ['e\u0301 combining'],
    ['㍿ square'],
    ['emoji 😀 Smile'],
    ['ΣΑΣ greek'],
    ['\u3000ideographic space\u3000'],
    ['ＣＪＫ混合Text'],
    [''],
  ])('foldText(%j)', (text) => expect(foldText(text)).toBe(referenceFold(text)));

  test('when many generated texts are folded, then every one matches the reference', () => {
    // Deterministic mix of ASCII, CJK, full-width, accented, Greek and astral characters.
    const pool = 'aAzZ09 -_@\t\n签到价格ＡＢｃ１！ÀéΣσ😀\u2005\u3000ǅ';
    const chars = Array.from(pool);
    let s = 7;
    const random = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    for (let i = 0; i < 2000; i++) {
      const text = Array.from(
        { length: Math.floor(random() * 12) },
        () => chars[Math.floor(random() * chars.length)],
      ).join('');
      expect([text, foldText(text)]).toEqual([text, referenceFold(text)]);
    }
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

describe('RoomRing', () => {
  test.each([
    [0, 5, []],
    [1, 0, []],
    [1, 3, [3]],
    [3, 2, [1, 2]],
    [3, 3, [1, 2, 3]],
    [3, 4, [2, 3, 4]],
    [3, 7, [5, 6, 7]],
    [3, 9, [7, 8, 9]],
    [10, 25, [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]],
  ] as [number, number, number[]][])(
    'with size %i after %i pushes, it holds %j oldest first',
    (size, pushes, expected) => {
      const ring = new RoomRing<number>(size);
      for (let i = 1; i <= pushes; i++) ring.push(i);
      expect(ring.snapshot()).toEqual(expected);
    },
  );

  test('when a snapshot is taken, then later pushes do not change it', () => {
    const ring = new RoomRing<number>(2);
    ring.push(1);
    ring.push(2);
    const snap = ring.snapshot();
    ring.push(3);
    expect(snap).toEqual([1, 2]);
    expect(ring.snapshot()).toEqual([2, 3]);
  });
});

describe('RecentMessages', () => {
  test.each([
    [0, 3, []],
    [2, 1, ['m1']],
    [2, 2, ['m1', 'm2']],
    [2, 5, ['m4', 'm5']],
    [3, 10, ['m8', 'm9', 'm10']],
  ] as [number, number, string[]][])(
    'with size %i after %i messages, it gives back %j with their talker, text and time',
    (size, count, expected) => {
      const recent = new RecentMessages<{ id: string }>(size);
      for (let i = 1; i <= count; i++)
        recent.push(`m${i}`, { id: `t${i}` }, `text ${i}`, new Date(Date.UTC(2026, 10, 22, 0, 0, i)));
      const got = recent.snapshot();
      expect(got.map((m) => m.messageId)).toEqual(expected);
      for (const m of got) {
        const i = Number(m.messageId.slice(1));
        expect(m).toEqual({
          messageId: `m${i}`,
          talker: { id: `t${i}` },
          text: `text ${i}`,
          at: new Date(Date.UTC(2026, 10, 22, 0, 0, i)),
        });
      }
    },
  );

  test('when a talker object is pushed, then the same object comes back (its name is read later)', () => {
    const recent = new RecentMessages<{ name(): string }>(1);
    const talker = { name: () => 'Ann' };
    recent.push('m1', talker, 'hi', new Date(0));
    expect(recent.snapshot()[0].talker).toBe(talker);
  });
});

describe('commandText and foldedCommandText', () => {
  test.each([
    ['  plain text  ', 'plain text', 'plain text'],
    ['@小助手\u2005签到', '签到', '签到'],
    ['@群昵称 ＳＩＧＮ', 'ＳＩＧＮ', 'sign'],
    ['mail a@b.c', 'mail a@b.c', 'mail a@b.c'],
    ['Hello', 'Hello', 'hello'],
  ])('for %j they are %j and %j', (text, command, folded) => {
    const { ctx } = fakeContext(
      messageEvent({ text, from: talker('u1', 'U'), room: undefined }),
      roomView('6740d0000000000000000099', { robotNickname: '群昵称' }),
    );
    expect(commandText(ctx)).toBe(command);
    expect(commandText(ctx)).toBe(stripMentions(text, ['小助手', '群昵称']));
    expect(foldedCommandText(ctx)).toBe(folded);
    expect(foldedCommandText(ctx)).toBe(foldText(command));
  });

  test('when asked twice for one event, then the text is computed once', () => {
    const { ctx } = fakeContext(
      messageEvent({ text: 'Hi', from: talker('u1', 'U') }),
      roomView('6740d0000000000000000098'),
    );
    const first = foldedCommandText(ctx);
    (ctx.event as { text: string }).text = 'changed';
    expect(foldedCommandText(ctx)).toBe(first);
    expect(commandText(ctx)).toBe('Hi');
  });
});
