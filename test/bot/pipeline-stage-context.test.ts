import type { RunContext } from '../../src/bot/context';
import type { BotContext, BotEvent } from '../../src/bot/plugin';
import { composePipeline, type PipelineStage } from '../../src/bot/pipeline';
import { silentLog } from '../support/logger';

/** A run context whose sends record the stage each one names. */
function recordingContext() {
  const repliedAs: (string | undefined)[] = [];
  const event = { kind: 'message', id: 'ev-1', robotId: 'robot-1', at: new Date(), text: 'hi' } as unknown as BotEvent;
  const ctx: RunContext = {
    event,
    robot: { id: 'robot-1', name: 'r', owner: 'o' },
    room: undefined,
    log: silentLog,
    state: {},
    send: jest.fn(async (stage: string) => {
      repliedAs.push(stage);
      return {} as never;
    }),
  };
  return { ctx, repliedAs };
}

const stage = (name: string, handle: PipelineStage['handle']): PipelineStage => ({ name, events: ['message'], handle });

describe('each stage sees the context as its own', () => {
  test('when stages reply before, after and long after next(), then every reply names its stage', async () => {
    const { ctx, repliedAs } = recordingContext();
    let kept: BotContext | undefined;
    await composePipeline(
      [
        stage('a', async (c, next) => {
          await c.reply('a before');
          await next();
          await c.reply('a after');
        }),
        stage('b', (c, next) => {
          kept = c;
          return next();
        }),
        stage('c', async (c) => {
          await c.reply('c consumes');
        }),
      ],
      silentLog,
    ).run(ctx);
    // A plugin that keeps its context and replies later (welcome does, from a timer).
    await kept!.reply('b later');
    expect(repliedAs).toEqual(['a', 'c', 'a', 'b']);
  });

  test('when a stage reads the event, room, state and log, then they are the shared ones', async () => {
    const { ctx } = recordingContext();
    const seen: unknown[] = [];
    await composePipeline(
      [
        stage('a', (c, next) => {
          c.state.note = 'from a';
          return next();
        }),
        stage('b', (c) => {
          seen.push(c.event, c.robot, c.room, c.log, c.state.note, (c as { plugin?: string }).plugin);
        }),
      ],
      silentLog,
    ).run(ctx);
    expect(seen).toEqual([ctx.event, ctx.robot, undefined, ctx.log, 'from a', 'b']);
  });
});
