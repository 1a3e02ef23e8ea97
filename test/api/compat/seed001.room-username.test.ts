import { roomIdOfUsername, seedRoomUsername } from '../../../src/api/compat/seed001/room-username';
import { notSendable } from '../../../src/api/compat/seed001/router';

describe('seed 001 room usernames (微信群标识，以@@开头)', () => {
  const id = '6740d0000000000000000031';
  test.each([
    ['a web puppet room keeps its own @@ id', { id, puppetId: '@@abc123' }, '@@abc123'],
    ['a …@chatroom room is @@ and qunbot id', { id, puppetId: '12345@chatroom' }, `@@${id}`],
  ])('when %s', (_case, room, username) => {
    expect(seedRoomUsername(room)).toBe(username);
  });

  test.each([
    [`@@${id}`, id],
    ['@@abc123', undefined],
    [id, undefined],
    ['12345@chatroom', undefined],
    ['@@', undefined],
  ])('when to_user is %j, then the qunbot room id in it is %p', (username, roomId) => {
    expect(roomIdOfUsername(username)).toBe(roomId);
  });
});

describe('seed 001 codes of a robot that cannot send', () => {
  test.each([
    [
      { status: 'offline', statusReason: 'connect ECONNREFUSED', retryAt: new Date(Date.UTC(2026, 0, 1)) },
      -1003,
      '服务器拒绝连接',
    ],
    [{ status: 'error', statusReason: 'bad token' }, -1004, '服务器返回异常值'],
    [{ status: 'logged_out' }, 1102, '微信已经退出登录'],
    [{ status: 'stopped' }, 1102, '微信已经退出登录'],
    [{ status: 'waiting_for_scan' }, 1102, '微信已经退出登录'],
  ] as const)('when the robot is %j, then retCode %i', (robot, retCode, says) => {
    const err = notSendable(robot);
    expect(err.retCode).toBe(retCode);
    expect(err.message).toContain(says);
  });

  test('when offline, then the reason and the next retry time are named', () => {
    const err = notSendable({
      status: 'offline',
      statusReason: 'connect ECONNREFUSED',
      retryAt: new Date(Date.UTC(2026, 0, 1)),
    });
    expect(err.message).toContain('connect ECONNREFUSED');
    expect(err.message).toContain('2026-01-01T00:00:00.000Z');
  });
});
