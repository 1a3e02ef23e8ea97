import type { Logger } from '../logger';
import type { OutboundContent } from './content';
import type { BotContext, BotEventKind, Handler, Next, ReplyOptions, SendTicket } from './plugin';
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
 *
 * Each stage gets its own view of the context (StageContext) whose `plugin` is that stage, so a
 * reply made after `await next()` is still logged as the stage's own without restoring a shared
 * field when the rest of the chain settles. `next()` returns the rest of the chain's promise as
 * it is: a stage costs one small object and one closure, not extra promises (this runs for every
 * message and every stage).
 */
export function composePipeline(stages: readonly PipelineStage[], log: Logger): (ctx: BotContext & { plugin?: string }) => Promise<void> {
  return (ctx) => {
    /** A stage's error boundary: logged once; the chain goes on unless the stage had passed it on. */
    const failed = (err: unknown, stage: PipelineStage, i: number, passedOn: boolean): Promise<void> => {
      log.error({ err, plugin: stage.name, robotId: ctx.event.robotId, eventId: ctx.event.id }, 'plugin failed');
      return passedOn ? DONE : dispatch(i + 1);
    };
    const dispatch = (from: number): Promise<void> => {
      let i = from;
      while (i < stages.length && (!stages[i].events.includes(ctx.event.kind) || !pluginEnabledIn(ctx.room, stages[i].name))) i++;
      const stage = stages[i];
      if (!stage) return DONE;
      let called = false;
      let passed: Promise<void> | undefined;
      const next: Next = () => {
        if (called) return Promise.reject(new NextCalledTwiceError(`plugin ${stage.name} called next() twice`));
        called = true;
        passed = dispatch(i + 1);
        return passed;
      };
      ctx.plugin = stage.name;
      try {
        const result = stage.handle(new StageContext(ctx, stage.name), next);
        if (!(result instanceof Promise)) return DONE;
        // A stage that returned what next() gave it (the common `return next()`) has nothing left
        // to fail, and the rest of the chain never rejects (each stage has this boundary).
        return result === passed ? result : result.then(undefined, (err: unknown) => failed(err, stage, i, called));
      } catch (err) {
        return failed(err, stage, i, called);
      }
    };
    return dispatch(0);
  };
}

/** One stage's view of the event's context: the same event, room, state and log; its own name. */
class StageContext implements BotContext {
  constructor(
    private readonly base: BotContext & { plugin?: string },
    /** The stage's name, as the send log records replies (`plugin:<name>`). */
    readonly plugin: string,
  ) {}

  get event(): BotContext['event'] {
    return this.base.event;
  }

  get robot(): BotContext['robot'] {
    return this.base.robot;
  }

  get room(): BotContext['room'] {
    return this.base.room;
  }

  get log(): BotContext['log'] {
    return this.base.log;
  }

  get state(): BotContext['state'] {
    return this.base.state;
  }

  reply(content: OutboundContent | string, opts?: ReplyOptions): Promise<SendTicket> {
    this.base.plugin = this.plugin;
    return this.base.reply(content, opts);
  }
}

/**
 * What a chain returns when it finished synchronously: every stage passed the event on or
 * consumed it without waiting (most messages). The caller may go on at once instead of paying
 * a `then` and a microtask per message.
 */
const DONE: Promise<void> = Promise.resolve();

/** True when the pipeline's returned promise is the already-settled "finished synchronously". */
export function finishedSynchronously(run: Promise<void>): boolean {
  return run === DONE;
}
