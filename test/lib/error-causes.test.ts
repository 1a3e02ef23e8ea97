import { CauseThrottle, errorCause } from '../../src/lib/error-causes';

describe('errorCause', () => {
  test.each([
    ['no payload found for id cmx7ns9ik000fnc7dh54v7yqn@chatroom', 'no payload found for id <id>'],
    ['no payload found for id 1234@chatroom', 'no payload found for id <id>'],
    [
      '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:39911',
      '<id> UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED <id>',
    ],
    ['getaddrinfo ENOTFOUND login.wx.qq.com', 'getaddrinfo ENOTFOUND login.wx.qq.com'],
    ['first line\n    at Mocker.contactPayload (mocker.ts:272:13)', 'first line'],
    ['  spaced   out  ', 'spaced out'],
    ['', ''],
  ])('when the message is %j, then the cause is %j', (message, cause) => {
    expect(errorCause(message)).toBe(cause);
  });

  test('when the message is very long, then the cause is cut at 200 characters', () => {
    expect(errorCause('x'.repeat(500))).toHaveLength(200);
  });
});

describe('CauseThrottle', () => {
  test('when a cause repeats, then only the first warns until the period has passed; other causes warn on their own', () => {
    const t = new CauseThrottle(1000, 10);
    expect([
      t.shouldWarn('a', 0),
      t.shouldWarn('a', 10),
      t.shouldWarn('b', 20),
      t.shouldWarn('a', 999),
      t.shouldWarn('a', 1000),
      t.shouldWarn('a', 1500),
      t.shouldWarn('b', 1020),
    ]).toEqual([true, false, true, false, true, false, true]);
  });

  test('when more causes than the bound come, then the oldest is forgotten and warns again', () => {
    const t = new CauseThrottle(60_000, 2);
    expect(t.shouldWarn('a', 0)).toBe(true);
    expect(t.shouldWarn('b', 1)).toBe(true);
    expect(t.shouldWarn('c', 2)).toBe(true);
    expect(t.shouldWarn('b', 3)).toBe(false);
    expect(t.shouldWarn('a', 4)).toBe(true);
  });
});
