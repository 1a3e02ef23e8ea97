import { isBoundByAgentCode, matchRooms, type FoundRoom, type StoredRoom } from '../../../src/bot/core/room-identity';

const s = (id: string, puppetId: string, topic: string, ownerName?: string): StoredRoom => ({
  id,
  puppetId,
  topic,
  ownerName,
});
const f = (puppetId: string, topic: string, ownerName?: string): FoundRoom => ({ puppetId, topic, ownerName });

describe('matchRooms', () => {
  test.each([
    [
      'when the puppet id is unchanged, then it matches',
      [s('1', 'p1', 'A')],
      [f('p1', 'A renamed')],
      [['1', 'p1']],
      [],
      [],
    ],
    [
      'when ids changed at re-login, then topic and owner match',
      [s('1', 'old', 'A', 'Ann')],
      [f('new', 'A', 'Ann')],
      [['1', 'new']],
      [],
      [],
    ],
    [
      'when ids changed and only the topic is unique, then topic matches',
      [s('1', 'old', 'A', 'Ann')],
      [f('new', 'A', 'Bob')],
      [['1', 'new']],
      [],
      [],
    ],
    [
      'when two rooms share a topic, then the owner tells them apart',
      [s('1', 'o1', 'Sale', 'Ann'), s('2', 'o2', 'Sale', 'Bob')],
      [f('n2', 'Sale', 'Bob'), f('n1', 'Sale', 'Ann')],
      [
        ['2', 'n2'],
        ['1', 'n1'],
      ],
      [],
      [],
    ],
    [
      'when two rooms share topic and owner, then neither is guessed',
      [s('1', 'o1', 'Sale', 'Ann'), s('2', 'o2', 'Sale', 'Ann')],
      [f('n1', 'Sale', 'Ann'), f('n2', 'Sale', 'Ann')],
      [],
      ['n1', 'n2'],
      ['1', '2'],
    ],
    ['when a room is new, then it is created', [], [f('p9', 'New')], [], ['p9'], []],
    ['when a stored room is not found, then it is gone', [s('1', 'p1', 'A')], [], [], [], ['1']],
  ] as [string, StoredRoom[], FoundRoom[], [string, string][], string[], string[]][])(
    '%s',
    (_d, stored, found, matched, created, gone) => {
      const r = matchRooms(stored, found);
      expect(r.matched.map((m) => [m.storedId, m.found.puppetId])).toEqual(matched);
      expect(r.created.map((c) => c.puppetId)).toEqual(created);
      expect(r.gone).toEqual(gone);
    },
  );
});

describe('isBoundByAgentCode', () => {
  test.each([
    ['粉丝福利群 A1B2C3', 'A1B2C3', true],
    ['粉丝福利群A1B2C3 ', 'A1B2C3', true],
    ['A1B2C3 粉丝福利群', 'A1B2C3', false],
    ['粉丝福利群', undefined, false],
    ['粉丝福利群', '', false],
  ] as [string, string | undefined, boolean][])('when topic %j and code %j, then %j', (topic, code, expected) => {
    expect(isBoundByAgentCode(topic, code)).toBe(expected);
  });
});
