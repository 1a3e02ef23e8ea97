import type { BotContext, BotEvent } from '../../src/bot/plugin';
import {
  composePipeline,
  finishedSynchronously,
  NextCalledTwiceError,
  type PipelineStage,
} from '../../src/bot/pipeline';
import type { RoomView } from '../../src/bot/room.service';
import { memoryLog, silentLog } from '../support/logger';

function fakeContext(kind: BotEvent['kind'] = 'message', room?: Partial<RoomView>): BotContext & { plugin?: string } {
  const event = { kind, id: 'ev-1', robotId: 'robot-1', at: new Date(), text: 'hi' } as unknown as BotEvent;
  return {
    event,
    robot: { id: 'robot-1', name: 'r', owner: 'o' },
    ...(room ? { room: { plugins: {}, ...room } as RoomView } : {}),
    log: silentLog,
    state: {},
    reply: jest.fn(),
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
    await run(fakeContext());
    expect(order).toEqual(['a>', 'b>', '<b', '<a']);
  });

  test('when a stage returns without next, then the event is consumed', async () => {
    const later = jest.fn();
    await composePipeline([stage('stop', () => undefined), stage('later', later)], silentLog)(fakeContext());
    expect(later).not.toHaveBeenCalled();
  });

  test('when a stage does not take the event kind, then it is skipped', async () => {
    const joinOnly = jest.fn();
    const after = jest.fn();
    await composePipeline(
      [stage('join', joinOnly, ['room-join']), stage('after', after)],
      silentLog,
    )(fakeContext('message'));
    expect(joinOnly).not.toHaveBeenCalled();
    expect(after).toHaveBeenCalledTimes(1);
  });

  test('when the room switched a plugin off, then it is skipped there and runs elsewhere', async () => {
    const plugin = jest.fn(async (_c: BotContext, next: () => Promise<void>) => next());
    const run = composePipeline([stage('welcome', plugin)], silentLog);
    await run(fakeContext('message', { plugins: { welcome: false } }));
    expect(plugin).not.toHaveBeenCalled();
    await run(fakeContext('message', { plugins: { welcome: true } }));
    await run(fakeContext('message', { plugins: {} }));
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
    )(fakeContext());
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
    )(fakeContext());
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
    )(fakeContext());
    expect(second).toBeInstanceOf(NextCalledTwiceError);
    expect(after).toHaveBeenCalledTimes(1);
  });

  test('when a stage replies, then ctx.plugin names it for the send log', async () => {
    const names: (string | undefined)[] = [];
    const ctx = fakeContext();
    await composePipeline(
      [
        stage('first', async (c, next) => {
          await next();
          names.push((c as typeof ctx).plugin);
        }),
        stage('second', (c) => {
          names.push((c as typeof ctx).plugin);
        }),
      ],
      silentLog,
    )(ctx);
    expect(names).toEqual(['second', 'first']);
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
    'when %s, then finishedSynchronously is %j',
    async (_what, expected, handlers) => {
      const reached: string[] = [];
      const stages = handlers.map((h, i) => stage(`s${i}`, (ctx, next) => (reached.push(`s${i}`), h(ctx, next))));
      const run = composePipeline(stages, silentLog)(fakeContext());
      expect(finishedSynchronously(run)).toBe(expected);
      await run;
      expect(reached).toEqual(['s0', 's1']);
    },
  );
});
