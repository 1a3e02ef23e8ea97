import {
  holderIsGone,
  mayHost,
  parseProcessId,
  processId,
  takeQuota,
  trustedUntil,
  type ProcessLoad,
} from '../../../src/bot/fleet/lease-rules';

describe('process ids', () => {
  test.each([
    [{ host: 'web-1', pid: 42, boot: 'a1b2' }, 'web-1:42:a1b2'],
    [{ host: 'fe80::1', pid: 7, boot: 'z' }, 'fe80::1:7:z'],
  ])('when %o is written and read back, then it is the same', (identity, id) => {
    expect(processId(identity)).toBe(id);
    expect(parseProcessId(id)).toEqual(identity);
  });

  test.each(['', 'web-1', 'web-1:x:boot', 'web-1:42:'])('when %p is not a process id, then it is undefined', (id) => {
    expect(parseProcessId(id)).toBeUndefined();
  });
});

describe('holderIsGone: replace a holder before its lease expires only when it is certainly dead', () => {
  const me = { host: 'web-1', pid: 100, boot: 'now' };
  const alive = new Set(['200:old', '100:now', '100:twin']);
  test.each<[string, string, boolean]>([
    ['same host, pid gone', 'web-1:300:old', true],
    ['same host, pid alive (maybe reused, maybe it)', 'web-1:200:old', false],
    ['another host (its pids mean nothing here)', 'web-2:300:old', false],
    ['ourselves', 'web-1:100:now', false],
    ['our own pid in an earlier life', 'web-1:100:before', true],
    ['our own pid, another fleet still alive in this process', 'web-1:100:twin', false],
    ['not a process id', 'somebody', false],
  ])('%s', (_, holder, gone) => {
    expect(holderIsGone(holder, me, (pid, boot) => alive.has(`${pid}:${boot}`) || (pid === 200 && boot !== ''))).toBe(
      gone,
    );
  });
});

describe('mayHost: pins', () => {
  test.each<[string | null | undefined, string, boolean]>([
    [undefined, 'a', true],
    [null, 'a', true],
    ['', 'a', true],
    ['a', 'a', true],
    ['b', 'a', false],
  ])('pin %p, process %p: %p', (pin, label, ok) => {
    expect(mayHost(pin, label)).toBe(ok);
  });
});

describe('trustedUntil', () => {
  test('when a 30 s lease was renewed at t=1000 with a 5 s margin, then the holder trusts it until t=26000', () => {
    expect(trustedUntil(1000, 30_000, 5000)).toBe(26_000);
  });
});

describe('takeQuota: unheld robots dealt to the least-loaded process, a bounded number per round', () => {
  const p = (id: string, hosted: number): ProcessLoad => ({ id, hosted });
  test.each<[string, Parameters<typeof takeQuota>[0], number]>([
    ['nothing unheld', { me: 'a', draining: false, processes: [p('a', 0)], unheld: 0, perRound: 10 }, 0],
    [
      'alone: up to the round limit',
      { me: 'a', draining: false, processes: [p('a', 0)], unheld: 500, perRound: 20 },
      20,
    ],
    ['alone: all when fewer than the limit', { me: 'a', draining: false, processes: [], unheld: 7, perRound: 20 }, 7],
    [
      'three empty processes, 30 robots: 10 each',
      { me: 'b', draining: false, processes: [p('a', 0), p('b', 0), p('c', 0)], unheld: 30, perRound: 50 },
      10,
    ],
    [
      'a process that died: its 10 shared by the two left',
      { me: 'a', draining: false, processes: [p('a', 10), p('c', 10)], unheld: 10, perRound: 50 },
      5,
    ],
    [
      'the less loaded fills up first',
      { me: 'a', draining: false, processes: [p('a', 2), p('b', 6)], unheld: 6, perRound: 50 },
      5,
    ],
    [
      'the busier gets nothing while the other can take all',
      { me: 'b', draining: false, processes: [p('a', 0), p('b', 9)], unheld: 5, perRound: 50 },
      0,
    ],
    [
      'the round limit of the others sends the rest to me',
      { me: 'b', draining: false, processes: [p('a', 0), p('b', 9)], unheld: 30, perRound: 10 },
      10,
    ],
    [
      'odd one out: the smaller id takes the extra',
      { me: 'a', draining: false, processes: [p('a', 0), p('b', 0)], unheld: 3, perRound: 50 },
      2,
    ],
    ['a draining process takes none', { me: 'a', draining: true, processes: [p('b', 5)], unheld: 10, perRound: 50 }, 0],
    ['a zero round limit takes none', { me: 'a', draining: false, processes: [], unheld: 10, perRound: 0 }, 0],
  ])('%s', (_, input, quota) => {
    expect(takeQuota(input)).toBe(quota);
  });
});
