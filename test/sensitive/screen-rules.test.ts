import { simplifiedChar } from '../../src/sensitive/chinese-variants';
import { foldForScreening, SensitiveScreen } from '../../src/sensitive/screen-rules';

const simplified = simplifiedChar();
const screen = new SensitiveScreen(['赌博', '代开发票', 'VPN', '微信号'], simplified);
/** The spans a text is refused for, as written in it. */
const spans = (text: string) => screen.check(text).map((h) => [h.word, text.slice(h.start, h.end)]);

describe('screening texts against a word list', () => {
  test.each([
    ['a plain hit', '今晚一起赌博吗', [['赌博', '赌博']]],
    ['nothing listed', '今晚一起吃饭吗', []],
    ['spaces between the characters', '一起 赌  博', [['赌博', '赌  博']]],
    ['punctuation and emoji between them', '代.开-发😀票', [['代开发票', '代.开-发😀票']]],
    ['zero-width marks between them', '赌\u200b博', [['赌博', '赌\u200b博']]],
    ['traditional characters', '一起賭博', [['赌博', '賭博']]],
    ['full-width letters and another case', '翻墙用ｖｐｎ', [['VPN', 'ｖｐｎ']]],
    ['upper case with spaces', '用 V P N', [['VPN', 'V P N']]],
    [
      'two words, in order of position',
      '加微信号，代开发票',
      [
        ['微信号', '微信号'],
        ['代开发票', '代开发票'],
      ],
    ],
    [
      'a word twice',
      '赌博赌博',
      [
        ['赌博', '赌博'],
        ['赌博', '赌博'],
      ],
    ],
    ['a character before an astral one', '赌𠀀博', []],
  ])('%s: %j', (_what, text, expected) => {
    expect(spans(text)).toEqual(expected);
  });

  test('when the listed word itself is written with evasions, then it still matches the plain form', () => {
    const s = new SensitiveScreen(['賭 博'], simplified);
    expect(s.check('赌博').map((h) => h.word)).toEqual(['賭 博']);
  });

  test('the folded text maps every unit back to where it came from', () => {
    expect(foldForScreening('Ａ b,賭', simplified)).toEqual({ text: 'ab赌', origin: [0, 2, 4] });
  });

  test('an empty list or text finds nothing', () => {
    expect(new SensitiveScreen([], simplified).check('赌博')).toEqual([]);
    expect(screen.check('')).toEqual([]);
  });
});
