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
