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
  // Plain functions and promise chaining instead of nested async functions: this runs for every
  // message and every stage, and each async layer costs extra microtask turns.
  const byKind = new Map<BotEventKind, readonly PipelineStage[]>();
  const stagesFor = (kind: BotEventKind) => {
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = stages.filter((s) => s.events.includes(kind))));
    return list;
  };
  return (ctx) => {
    const list = stagesFor(ctx.event.kind);
    const dispatch = (from: number): Promise<void> => {
      let i = from;
      while (i < list.length && !pluginEnabledIn(ctx.room, list[i].name)) i++;
      const stage = list[i];
      if (!stage) return DONE;
      let called = false;
      const next: Next = () => {
        if (called) return Promise.reject(new NextCalledTwiceError(`plugin ${stage.name} called next() twice`));
        called = true;
        return dispatch(i + 1);
      };
      const failed = (err: unknown): Promise<void> => {
        log.error({ err, plugin: stage.name, robotId: ctx.event.robotId, eventId: ctx.event.id }, 'plugin failed');
        return called ? DONE : dispatch(i + 1);
      };
      // Each stage sees the shared context through its own thin view, so `plugin` (the send
      // log's source) is right for it whenever it replies, before or after next().
      const view = Object.create(ctx) as typeof ctx;
      view.plugin = stage.name;
      try {
        const result = stage.handle(view, next);
        return result instanceof Promise ? result.then(undefined, failed) : DONE;
      } catch (err) {
        return failed(err);
      }
    };
    return dispatch(0);
  };
}

const DONE: Promise<void> = Promise.resolve();
