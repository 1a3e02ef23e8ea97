import { isRobotMentioned, RecentMessages, RoomRing } from '../../../src/plugins/mention-capture/mention-rules';

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

describe('RoomRing', () => {
  test.each([
    [0, 5, []],
    [1, 0, []],
    [1, 3, [3]],
    [3, 2, [1, 2]],
    [3, 3, [1, 2, 3]],
    [3, 4, [2, 3, 4]],
    [3, 7, [5, 6, 7]],
    [3, 9, [7, 8, 9]],
    [10, 25, [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]],
  ] as [number, number, number[]][])(
    'with size %i after %i pushes, it holds %j oldest first',
    (size, pushes, expected) => {
      const ring = new RoomRing<number>(size);
      for (let i = 1; i <= pushes; i++) ring.push(i);
      expect(ring.snapshot()).toEqual(expected);
    },
  );

  test('when a snapshot is taken, then later pushes do not change it', () => {
    const ring = new RoomRing<number>(2);
    ring.push(1);
    ring.push(2);
    const snap = ring.snapshot();
    ring.push(3);
    expect(snap).toEqual([1, 2]);
    expect(ring.snapshot()).toEqual([2, 3]);
  });
});

describe('RecentMessages', () => {
  test.each([
    [0, 3, []],
    [2, 1, ['m1']],
    [2, 2, ['m1', 'm2']],
    [2, 5, ['m4', 'm5']],
    [3, 10, ['m8', 'm9', 'm10']],
  ] as [number, number, string[]][])(
    'with size %i after %i messages, it gives back %j with their talker, text and time',
    (size, count, expected) => {
      const recent = new RecentMessages<{ id: string }>(size);
      for (let i = 1; i <= count; i++)
        recent.push(`m${i}`, { id: `t${i}` }, `text ${i}`, new Date(Date.UTC(2026, 10, 22, 0, 0, i)));
      const got = recent.snapshot();
      expect(got.map((m) => m.messageId)).toEqual(expected);
      for (const m of got) {
        const i = Number(m.messageId.slice(1));
        expect(m).toEqual({
          messageId: `m${i}`,
          talker: { id: `t${i}` },
          text: `text ${i}`,
          at: new Date(Date.UTC(2026, 10, 22, 0, 0, i)),
        });
      }
    },
  );

  test('when a talker object is pushed, then the same object comes back (its name is read later)', () => {
    const recent = new RecentMessages<{ name(): string }>(1);
    const talker = { name: () => 'Ann' };
    recent.push('m1', talker, 'hi', new Date(0));
    expect(recent.snapshot()[0].talker).toBe(talker);
  });
});
