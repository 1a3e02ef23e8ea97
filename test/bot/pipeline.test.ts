import type { RunContext } from '../../src/bot/context';
import type { BotContext, BotEvent } from '../../src/bot/plugin';
import { composePipeline, NextCalledTwiceError, type PipelineStage } from '../../src/bot/pipeline';
import type { RoomView } from '../../src/bot/room.service';
import { memoryLog, silentLog } from '../support/logger';

function fakeContext(kind: BotEvent['kind'] = 'message', room?: Partial<RoomView>): RunContext {
  const event = { kind, id: 'ev-1', robotId: 'robot-1', at: new Date(), text: 'hi' } as unknown as BotEvent;
  return {
    event,
    robot: { id: 'robot-1', name: 'r', owner: 'o' },
    room: room ? ({ plugins: {}, ...room } as RoomView) : undefined,
    log: silentLog,
    state: {},
    send: jest.fn(),
  };
}

const stage = (
  name: string,
  handle: PipelineStage['handle'],
  events: PipelineStage['events'] = ['message'],
): PipelineStage => ({ name, events, handle });

describe('composePipeline', () => {
  test('when every stage calls next, then they run in order, wrapping like middleware', async () => {
    const order: string[] = [];
    const run = composePipeline(
      [
        stage('a', async (_c, next) => {
          order.push('a>');
          await next();
          order.push('<a');
        }),
        stage('b', async (_c, next) => {
          order.push('b>');
          await next();
          order.push('<b');
        }),
      ],
      silentLog,
    );
    await run.run(fakeContext());
    expect(order).toEqual(['a>', 'b>', '<b', '<a']);
  });

  test('when a stage returns without next, then the event is consumed', async () => {
    const later = jest.fn();
    await composePipeline([stage('stop', () => undefined), stage('later', later)], silentLog).run(fakeContext());
    expect(later).not.toHaveBeenCalled();
  });

  test('when a stage does not take the event kind, then it is skipped', async () => {
    const joinOnly = jest.fn();
    const after = jest.fn();
    await composePipeline([stage('join', joinOnly, ['room-join']), stage('after', after)], silentLog).run(
      fakeContext('message'),
    );
    expect(joinOnly).not.toHaveBeenCalled();
    expect(after).toHaveBeenCalledTimes(1);
  });

  test('when the room switched a plugin off, then it is skipped there and runs elsewhere', async () => {
    const plugin = jest.fn(async (_c: BotContext, next: () => Promise<void>) => next());
    const run = composePipeline([stage('welcome', plugin)], silentLog);
    await run.run(fakeContext('message', { plugins: { welcome: false } }));
    expect(plugin).not.toHaveBeenCalled();
    await run.run(fakeContext('message', { plugins: { welcome: true } }));
    await run.run(fakeContext('message', { plugins: {} }));
    expect(plugin).toHaveBeenCalledTimes(2);
  });

  test('when a stage throws before next, then it is logged once with context and the chain goes on', async () => {
    const { log, lines } = memoryLog();
    const after = jest.fn();
    await composePipeline(
      [
        stage('bad', () => {
          throw new Error('kaput');
        }),
        stage('after', after),
      ],
      log,
    ).run(fakeContext());
    expect(after).toHaveBeenCalledTimes(1);
    const errors = lines.filter((l) => l.msg === 'plugin failed');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ plugin: 'bad', robotId: 'robot-1', eventId: 'ev-1', err: { message: 'kaput' } });
  });

  test('when a stage throws after next, then downstream is not run a second time', async () => {
    const after = jest.fn();
    await composePipeline(
      [
        stage('late', async (_c, next) => {
          await next();
          throw new Error('late');
        }),
        stage('after', after),
      ],
      silentLog,
    ).run(fakeContext());
    expect(after).toHaveBeenCalledTimes(1);
  });

  test('when a stage calls next twice, then the second call throws and downstream ran once', async () => {
    const after = jest.fn();
    let second: unknown;
    await composePipeline(
      [
        stage('twice', async (_c, next) => {
          await next();
          try {
            await next();
          } catch (err) {
            second = err;
          }
        }),
        stage('after', after),
      ],
      silentLog,
    ).run(fakeContext());
    expect(second).toBeInstanceOf(NextCalledTwiceError);
    expect(after).toHaveBeenCalledTimes(1);
  });

  test('when stages reply, then each send names its stage for the send log', async () => {
    const ctx = fakeContext();
    await composePipeline(
      [
        stage('first', async (c, next) => {
          await next();
          await c.reply('from first');
        }),
        stage('second', async (c) => {
          await c.reply('from second');
        }),
      ],
      silentLog,
    ).run(ctx);
    expect((ctx.send as jest.Mock).mock.calls.map((call) => [call[0], call[1]])).toEqual([
      ['second', 'from second'],
      ['first', 'from first'],
    ]);
  });

  test('when a stage acts only in rooms, then it is skipped outside a room and runs in one', async () => {
    const roomsOnly = jest.fn((_c: BotContext, next: () => Promise<void>) => next());
    const after = jest.fn();
    const run = composePipeline([{ ...stage('rooms', roomsOnly), roomsOnly: true }, stage('after', after)], silentLog);
    await run.run(fakeContext('message'));
    expect(roomsOnly).not.toHaveBeenCalled();
    expect(after).toHaveBeenCalledTimes(1);
    await run.run(fakeContext('message', {}));
    expect(roomsOnly).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(2);
  });

  test.each([
    ['every stage passes it on at once', true, [(_c, next) => next(), (_c, next) => next()]],
    ['a stage consumes it at once', true, [(_c, next) => next(), () => undefined]],
    [
      'a stage throws (the rest goes on at once)',
      true,
      [
        () => {
          throw new Error('x');
        },
        (_c, next) => next(),
      ],
    ],
    [
      'a stage awaits before passing it on',
      false,
      [
        async (_c, next) => {
          await Promise.resolve();
          return next();
        },
        (_c, next) => next(),
      ],
    ],
    [
      'a later stage waits',
      false,
      [
        (_c, next) => next(),
        async () => {
          await Promise.resolve();
        },
      ],
    ],
  ] as [string, boolean, PipelineStage['handle'][]][])(
    'when %s, then dispatch reports it settled at once: %j',
    async (_what, expected, handlers) => {
      const reached: string[] = [];
      const stages = handlers.map((h, i) => stage(`s${i}`, (ctx, next) => (reached.push(`s${i}`), h(ctx, next))));
      const ctx = fakeContext();
      let dispatching = true;
      let settledAtOnce = false;
      const settled = new Promise<BotEvent>((resolve) => {
        composePipeline(stages, silentLog).dispatch(ctx, (done) => {
          settledAtOnce = dispatching;
          resolve(done.event);
        });
        dispatching = false;
      });
      expect(settledAtOnce).toBe(expected);
      expect(await settled).toBe(ctx.event);
      expect(reached).toEqual(['s0', 's1']);
    },
  );
});

/**
 * Stage timing on sampled events. The clock is performance.now() stubbed by hand: each stage
 * "works" by moving it on, so every stage's own time is exact.
 */
describe('composePipeline with stage timing', () => {
  let clock = 0;
  const work = (ms: number) => void (clock += ms);
  beforeEach(() => {
    clock = 1000;
    jest.spyOn(performance, 'now').mockImplementation(() => clock);
  });
  afterEach(() => jest.restoreAllMocks());

  /** A deferred promise: a stage waiting on I/O that a test finishes when it likes. */
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  const timedRun = async (stages: PipelineStage[], sampleEvery = 1, events = 1, ctx = () => fakeContext()) => {
    const observed: [string, number][] = [];
    const pipeline = composePipeline(stages, silentLog, {
      sampleEvery,
      observe: (plugin, seconds) => observed.push([plugin, Math.round(seconds * 1e6) / 1e3]),
    });
    for (let i = 0; i < events; i++) await pipeline.run(ctx());
    return observed;
  };

  test.each([
    [
      'synchronous stages around next(): each its own time, not the later ones',
      [
        stage('a', (_c, next) => (work(5), next(), work(3))),
        stage('b', (_c, next) => (work(2), next())),
        stage('c', () => work(1)),
      ],
      [
        ['c', 1],
        ['b', 2],
        ['a', 8],
      ],
    ],
    [
      'a stage that consumes the event: the stages after it are not timed',
      [stage('a', () => work(4)), stage('b', () => work(9))],
      [['a', 4]],
    ],
  ] as [string, PipelineStage[], [string, number][]][])('when %s', async (_what, stages, expected) => {
    expect(await timedRun(stages)).toEqual(expected);
  });

  test('when stages wait (I/O), then the wait counts to the stage that waited, not to the one before', async () => {
    const io = deferred();
    const observed = timedRun([
      stage('outer', async (_c, next) => {
        work(1);
        await next();
        work(2);
      }),
      stage('slow', async () => {
        work(1);
        await io.promise;
      }),
    ]);
    await Promise.resolve();
    work(40); // the database answers 40 ms later
    io.resolve();
    expect(await observed).toEqual([
      ['slow', 41],
      ['outer', 3],
    ]);
  });

  test('when a stage does not wait for the rest, then its time ends with its own and the rest is timed apart', async () => {
    const io = deferred();
    const observed: [string, number][] = [];
    let slowTimed!: () => void;
    const slowSeen = new Promise<void>((r) => (slowTimed = r));
    const pipeline = composePipeline(
      [
        stage('fire-and-forget', (_c, next) => {
          work(2);
          void next();
          work(1);
        }),
        stage('slow', async () => {
          await io.promise;
          work(7);
        }),
      ],
      silentLog,
      {
        sampleEvery: 1,
        observe: (plugin, seconds) => {
          observed.push([plugin, Math.round(seconds * 1e6) / 1e3]);
          if (plugin === 'slow') slowTimed();
        },
      },
    );
    await pipeline.run(fakeContext());
    expect(observed).toEqual([['fire-and-forget', 3]]);
    io.resolve();
    await slowSeen;
    // A waiting stage's time is wall time: what ran while it waited (the 1 ms the first stage
    // worked after next() returned) counts to it too.
    expect(observed).toEqual([
      ['fire-and-forget', 3],
      ['slow', 8],
    ]);
  });

  test('when a stage throws, then its time is observed and the next stage still runs and is timed', async () => {
    expect(
      await timedRun([
        stage('bad', () => {
          work(3);
          throw new Error('kaput');
        }),
        stage('after', () => work(1)),
      ]),
    ).toEqual([
      ['bad', 3],
      ['after', 1],
    ]);
  });

  test('when a room switched a plugin off, then it is not timed there', async () => {
    const observed = await timedRun(
      [stage('welcome', (_c, next) => (work(5), next())), stage('after', () => work(1))],
      1,
      1,
      () => fakeContext('message', { plugins: { welcome: false } }),
    );
    expect(observed).toEqual([['after', 1]]);
  });

  test.each([
    [1, 8, 8],
    [4, 8, 2],
    [16, 15, 0],
    [16, 33, 2],
  ])('when one event in %i is sampled and %i events go through, then %i are timed', async (every, events, timed) => {
    const observed = await timedRun([stage('only', () => work(1))], every, events);
    expect(observed).toHaveLength(timed);
  });

  test('when a timed stage returns a value that is no promise, then the rest runs once and the chain settles at once, as untimed', async () => {
    const after = jest.fn();
    const settled: string[] = [];
    const pipeline = composePipeline(
      [
        stage('counts', ((_c: BotContext, next: () => Promise<void>) => (void next(), 42)) as never),
        stage('after', after),
      ],
      silentLog,
      { sampleEvery: 1, observe: () => undefined },
    );
    pipeline.dispatch(fakeContext(), () => settled.push('settled'));
    expect(settled).toEqual(['settled']);
    expect(after).toHaveBeenCalledTimes(1);
  });

  test('when the observer throws, then every stage still runs once, the chain settles and the failure is logged', async () => {
    const { log, lines } = memoryLog();
    const ran: string[] = [];
    const pipeline = composePipeline(
      [stage('a', (_c, next) => (ran.push('a'), next())), stage('b', () => void ran.push('b'))],
      log,
      {
        sampleEvery: 1,
        observe: () => {
          throw new Error('observer broke');
        },
      },
    );
    await pipeline.run(fakeContext());
    expect(ran).toEqual(['a', 'b']);
    expect(lines.filter((l) => l.msg === 'stage timing observer failed')).toHaveLength(2);
  });

  test('when a stage returns next() synchronously and a later stage waits, then the wait is the later stage’s only', async () => {
    const io = deferred();
    const observed = timedRun([
      stage('passes', (_c, next) => (work(2), next())),
      stage('waits', async () => {
        await io.promise;
        work(1);
      }),
    ]);
    await Promise.resolve();
    work(30);
    io.resolve();
    expect(await observed).toEqual([
      ['passes', 2],
      ['waits', 31],
    ]);
  });

  test('when a timed stage throws after next, then the later stage ran once and both are timed', async () => {
    const later = jest.fn(() => work(1));
    const observed = await timedRun([
      stage('throws-late', async (_c, next) => {
        await next();
        work(4);
        throw new Error('late');
      }),
      stage('later', later),
    ]);
    expect(later).toHaveBeenCalledTimes(1);
    expect(observed).toEqual([
      ['later', 1],
      ['throws-late', 4],
    ]);
  });
});
