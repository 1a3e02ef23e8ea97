import { fillTemplate, foldText, mentionsAny, stripMentions } from '../../src/plugins/shared/text';

describe('text helpers', () => {
  test.each([
    ['ＡＢＣ１２３！', 'abc123!'],
    ['  Hello World  ', 'hello world'],
    ['签到', '签到'],
    ['ｐｉｎｇ', 'ping'],
  ])('foldText(%j) is %j', (input, expected) => expect(foldText(input)).toBe(expected));

  test.each([
    ['@小助手\u2005签到', ['小助手'], '签到'],
    ['@小助手 签到', ['小助手'], '签到'],
    ['签到@小助手', ['小助手'], '签到'],
    ['@小助手呀 签到', ['小助手'], '@小助手呀 签到'],
    ['@A.B  hi', ['A.B'], 'hi'],
  ] as [string, string[], string][])('stripMentions(%j) is %j', (text, names, expected) =>
    expect(stripMentions(text, names)).toBe(expected),
  );

  test.each([
    ['hi @小助手', ['小助手'], true],
    ['hi @小助手\u2005', ['小助手'], true],
    ['hi @小助手们', ['小助手'], false],
    ['hi 小助手', ['小助手'], false],
    ['hi @bot', ['', 'bot'], true],
  ] as [string, string[], boolean][])('mentionsAny(%j, %j) is %j', (text, names, expected) =>
    expect(mentionsAny(text, names)).toBe(expected),
  );

  test('fillTemplate fills known keys and keeps unknown ones', () => {
    expect(fillTemplate('{name} has {points} and {nope}', { name: 'A', points: 3 })).toBe('A has 3 and {nope}');
  });
});
