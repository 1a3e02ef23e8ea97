import type { Logger } from '../logger';
import type { BotContext, BotEventKind, Handler, Next } from './plugin';
import { pluginEnabledIn } from './room.service';

/** One plugin as the pipeline runs it. */
export interface PipelineStage {
  name: string;
  events: readonly BotEventKind[];
  handle: Handler;
  /** Flushes and releases what the plugin holds (at shutdown). */
  dispose?(): Promise<void>;
}

/** Thrown when a handler calls `next()` twice. */
export class NextCalledTwiceError extends Error {
  override name = 'NextCalledTwiceError';
}

/**
 * Composes plugins Koa-style. Stages whose events do not include the event's kind, or that the
 * room has switched off, are skipped. Each stage has its own error boundary: a stage that throws
 * is logged once ({err, plugin, robotId, eventId}) and, if it had not passed the event on, the
 * chain goes on without it.
 */
export function composePipeline(stages: readonly PipelineStage[], log: Logger): (ctx: BotContext & { plugin?: string }) => Promise<void> {
  return (ctx) => {
    const dispatch = async (i: number): Promise<void> => {
      const stage = stages[i];
      if (!stage) return;
      if (!stage.events.includes(ctx.event.kind) || !pluginEnabledIn(ctx.room, stage.name)) return dispatch(i + 1);
      let called = false;
      const next: Next = async () => {
        if (called) throw new NextCalledTwiceError(`plugin ${stage.name} called next() twice`);
        called = true;
        await dispatch(i + 1);
        ctx.plugin = stage.name;
      };
      ctx.plugin = stage.name;
      try {
        await stage.handle(ctx, next);
      } catch (err) {
        log.error({ err, plugin: stage.name, robotId: ctx.event.robotId, eventId: ctx.event.id }, 'plugin failed');
        if (!called) await dispatch(i + 1);
      }
    };
    return dispatch(0);
  };
}
