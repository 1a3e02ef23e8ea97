import { isCancelReason, ownerOfInvite, pickRobot, type RobotLoad } from '../../src/owners/assignment-rules';

const r = (id: string, extra: Partial<RobotLoad> = {}): RobotLoad => ({
  id,
  loggedIn: true,
  assignable: true,
  groups: 0,
  owners: 0,
  ...extra,
});

describe('pickRobot: the least-loaded assignable robot', () => {
  test.each<[string, RobotLoad[], string | undefined]>([
    ['no robots', [], undefined],
    ['only robots not logged in', [r('a', { loggedIn: false })], undefined],
    ['only robots marked unassignable', [r('a', { assignable: false })], undefined],
    ['fewest groups wins', [r('a', { groups: 3 }), r('b', { groups: 1 }), r('c', { groups: 2 })], 'b'],
    ['equal groups: fewest owners', [r('a', { groups: 1, owners: 4 }), r('b', { groups: 1, owners: 2 })], 'b'],
    ['all equal: the oldest id', [r('b'), r('a'), r('c')], 'a'],
    ['a busy logged-in robot beats an idle one offline', [r('a', { loggedIn: false }), r('b', { groups: 50 })], 'b'],
    [
      'an idle unassignable robot is skipped for a busy one',
      [r('a', { assignable: false }), r('b', { groups: 9 })],
      'b',
    ],
  ])('%s', (_, robots, expected) => {
    expect(pickRobot(robots)).toBe(expected);
  });
});

describe('ownerOfInvite: whose group a room is when the robot is invited', () => {
  const inviter = { id: 'wx-amy', name: 'Amy' };
  test.each<[string, Parameters<typeof ownerOfInvite>[1], ReturnType<typeof ownerOfInvite>]>([
    ['no owners', [], undefined],
    ['known by WeChat id', [{ userId: 'u1', wxId: 'wx-amy' }], { userId: 'u1', bind: false }],
    [
      'the WeChat id wins over a nickname match',
      [
        { userId: 'u1', nickName: 'Amy' },
        { userId: 'u2', wxId: 'wx-amy', nickName: 'Someone' },
      ],
      { userId: 'u2', bind: false },
    ],
    [
      'the only unbound owner with that nickname: bound',
      [{ userId: 'u1', nickName: ' Amy ' }],
      { userId: 'u1', bind: true },
    ],
    [
      'two unbound owners with that nickname: nobody',
      [
        { userId: 'u1', nickName: 'Amy' },
        { userId: 'u2', nickName: 'Amy' },
      ],
      undefined,
    ],
    [
      'an owner bound to another WeChat id is not matched by name',
      [{ userId: 'u1', wxId: 'wx-bob', nickName: 'Amy' }],
      undefined,
    ],
    ['another nickname', [{ userId: 'u1', nickName: 'Bob' }], undefined],
  ])('%s', (_, owners, expected) => {
    expect(ownerOfInvite(inviter, owners)).toEqual(expected);
  });

  test('an inviter without a name is matched by id only', () => {
    expect(ownerOfInvite({ id: 'x', name: '  ' }, [{ userId: 'u1', nickName: '' }])).toBeUndefined();
  });
});

test.each([
  [1, true],
  [6, true],
  [0, false],
  [7, false],
  [2.5, false],
])('cancel reason %p is valid: %p', (n, ok) => {
  expect(isCancelReason(n)).toBe(ok);
});
