import { parseJoinNotice, renderWelcome, WelcomeBatcher } from '../../../src/plugins/welcome/welcome-rules';

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

  test('when a room has its own window, then the batch it opens is due after that window, and later joins keep it', () => {
    const b = new WelcomeBatcher<string>({ windowMs: 10_000, cooldownMs: 60_000 });
    expect(b.add('r', 'a', 'A', 0, 3_000)).toBe(3_000);
    expect(b.add('r', 'b', 'B', 1_000, 30_000)).toBeNull();
    expect(b.take('r', 3_000)).toEqual(['A', 'B']);
    expect(b.add('zero', 'z', 'Z', 500, 0)).toBe(500);
  });

  test('when someone joins during the cool-down, then their welcome waits for the cool-down to end', () => {
    const b = new WelcomeBatcher<string>({ windowMs: 10_000, cooldownMs: 60_000 });
    b.add('r', 'a', 'A', 0);
    b.take('r', 10_000);
    expect(b.add('r', 'c', 'C', 20_000)).toBe(70_000);
    expect(b.add('other', 'd', 'D', 20_000)).toBe(30_000);
  });
});
