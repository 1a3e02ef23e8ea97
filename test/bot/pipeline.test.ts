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
