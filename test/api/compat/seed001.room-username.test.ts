import { roomIdOfUsername, seedRoomUsername } from '../../../src/api/compat/seed001/room-username';

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
