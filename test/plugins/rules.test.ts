import { KeywordMatcher, regexProblem, type MatchRule } from '../../src/plugins/keyword-reply/matcher';
import { isRobotMentioned, RoomRing } from '../../src/plugins/mention-capture/mention-rules';
import { fillTemplate, foldText, mentionsAny, stripMentions } from '../../src/plugins/shared/text';
import {
  award,
  dayBefore,
  inWindows,
  localDay,
  localMinutes,
  nextStreak,
} from '../../src/plugins/sign-in/sign-in-rules';
import { parseJoinNotice, renderWelcome, WelcomeBatcher } from '../../src/plugins/welcome/welcome-rules';

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

describe('welcome rules', () => {
  test.each([
    ['"张三"邀请"李四"加入了群聊', ['李四']],
    ['"张三"邀请"李四、王五"加入了群聊', ['李四', '王五']],
    ['"李四"通过扫描"张三"分享的二维码加入群聊', ['李四']],
    ['Alice invited Bob, Carol to the group chat', ['Bob', 'Carol']],
    ['"Bob" joined the group chat via the QR Code shared by "Alice"', ['Bob']],
    ['张三修改群名为"新群"', []],
    ['大家好', []],
  ] as [string, string[]][])('parseJoinNotice(%j) is %j', (text, names) =>
    expect(parseJoinNotice(text)).toEqual(names),
  );

  test('renderWelcome fills names, topic and count', () => {
    expect(
      renderWelcome('欢迎 {names} 加入{topic}，现有 {count} 人', { names: ['A', 'B'], topic: '福利群', count: 42 }),
    ).toBe('欢迎 A、B 加入福利群，现有 42 人');
  });

  test('when joins come in a burst, then one batch holds them all and is due after the window', () => {
    const b = new WelcomeBatcher<string>({ windowMs: 10_000, cooldownMs: 60_000 });
    expect(b.add('r', 'a', 'A', 0)).toBe(10_000);
    expect(b.add('r', 'b', 'B', 3_000)).toBeNull();
    expect(b.add('r', 'a', 'A again', 4_000)).toBeNull();
    expect(b.take('r', 9_999)).toEqual([]);
    expect(b.take('r', 10_000)).toEqual(['A', 'B']);
  });

  test('when someone joins during the cool-down, then their welcome waits for the cool-down to end', () => {
    const b = new WelcomeBatcher<string>({ windowMs: 10_000, cooldownMs: 60_000 });
    b.add('r', 'a', 'A', 0);
    b.take('r', 10_000);
    expect(b.add('r', 'c', 'C', 20_000)).toBe(70_000);
    expect(b.add('other', 'd', 'D', 20_000)).toBe(30_000);
  });
});

describe('mention rules', () => {
  test('RoomRing keeps the last n messages, oldest first', () => {
    const ring = new RoomRing(3);
    for (const i of [1, 2, 3, 4, 5])
      ring.push({ messageId: `m${i}`, talkerId: 't', talkerName: 'T', text: `${i}`, at: new Date(i) });
    expect(ring.snapshot().map((l) => l.text)).toEqual(['3', '4', '5']);
  });

  test.each([
    [true, 'anything', [], true],
    [false, '@小助手 在吗', ['小助手'], true],
    [false, '@群里的昵称 在吗', ['小助手', '群里的昵称'], true],
    [false, '小助手在吗', ['小助手'], false],
    [false, '@小助手', [undefined], false],
  ] as [boolean, string, (string | undefined)[], boolean][])(
    'isRobotMentioned(self=%j, %j, %j) is %j',
    (mentionSelf, text, names, expected) => {
      expect(isRobotMentioned({ mentionSelf, text, names })).toBe(expected);
    },
  );
});

describe('sign-in rules', () => {
  const tz = 'Asia/Shanghai';
  test.each([
    ['2026-11-21T15:59:59Z', '2026-11-21', 23 * 60 + 59],
    ['2026-11-21T16:00:00Z', '2026-11-22', 0],
    ['2026-11-22T01:30:00Z', '2026-11-22', 9 * 60 + 30],
  ])('at %s the Shanghai day is %s, minute %i', (iso, day, minutes) => {
    expect(localDay(new Date(iso), tz)).toBe(day);
    expect(localMinutes(new Date(iso), tz)).toBe(minutes);
  });

  test.each([
    ['2026-11-22', '2026-11-21'],
    ['2026-03-01', '2026-02-28'],
    ['2028-03-01', '2028-02-29'],
    ['2027-01-01', '2026-12-31'],
  ])('dayBefore(%s) is %s', (day, expected) => expect(dayBefore(day)).toBe(expected));

  test.each([
    [8 * 60, [], true],
    [8 * 60, [{ start: '07:00', end: '10:00' }], true],
    [10 * 60, [{ start: '07:00', end: '10:00' }], false],
    [23 * 60, [{ start: '22:00', end: '02:00' }], true],
    [60, [{ start: '22:00', end: '02:00' }], true],
    [3 * 60, [{ start: '22:00', end: '02:00' }], false],
    [
      13 * 60,
      [
        { start: '07:00', end: '09:00' },
        { start: '12:00', end: '14:00' },
      ],
      true,
    ],
  ] as [number, { start: string; end: string }[], boolean][])('inWindows(%i, %j) is %j', (m, w, expected) =>
    expect(inWindows(m, w)).toBe(expected),
  );

  test.each([
    [undefined, '2026-11-22', 1],
    [{ day: '2026-11-21', streak: 4 }, '2026-11-22', 5],
    [{ day: '2026-11-20', streak: 4 }, '2026-11-22', 1],
  ] as [{ day: string; streak: number } | undefined, string, number][])(
    'nextStreak(%j, %s) is %i',
    (prev, today, expected) => expect(nextStreak(prev, today)).toBe(expected),
  );

  test.each([
    [1, 10],
    [2, 12],
    [4, 16],
    [10, 16],
  ])('award on streak %i is %i (10 points, +2 per day, bonus capped at 3 days)', (streak, expected) => {
    expect(award({ points: 10, streakBonus: 2, maxStreakBonusDays: 3 }, streak)).toBe(expected);
  });
});
