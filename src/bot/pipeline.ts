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
 * Composes plugins Koa-style. Stages whose events do not include the event's kind (decided once
 * per kind, not per event), or that the room has switched off, are skipped. Each stage has its
 * own error boundary: a stage that throws is logged once ({err, plugin, robotId, eventId}) and,
 * if it had not passed the event on, the chain goes on without it.
 *
 * Each stage gets its own view of the context (StageContext) whose `plugin` is that stage, so a
 * reply made after `await next()` is still logged as the stage's own without restoring a shared
 * field when the rest of the chain settles. `next()` returns the rest of the chain's promise as
 * it is: a run costs one object, and each stage its view and its `next`, no extra promises (this
 * runs for every message and every stage).
 */
export function composePipeline(
  stages: readonly PipelineStage[],
  log: Logger,
): (ctx: BotContext & { plugin?: string }) => Promise<void> {
  const byKind = new Map<BotEventKind, readonly PipelineStage[]>();
  const stagesFor = (kind: BotEventKind): readonly PipelineStage[] => {
    let list = byKind.get(kind);
    if (!list) {
      list = stages.filter((s) => s.events.includes(kind));
      byKind.set(kind, list);
    }
    return list;
  };
  return (ctx) => new ChainRun(stagesFor(ctx.event.kind), ctx, log).dispatch(0);
}

/** One event's way through the stages that take its kind. */
class ChainRun {
  constructor(
    private readonly stages: readonly PipelineStage[],
    private readonly ctx: BotContext & { plugin?: string },
    private readonly log: Logger,
  ) {}

  /** Runs the first stage from `from` on that the room has not switched off. */
  dispatch(from: number): Promise<void> {
    const { stages, ctx } = this;
    let i = from;
    while (i < stages.length && !pluginEnabledIn(ctx.room, stages[i].name)) i++;
    const stage = stages[i];
    if (!stage) return DONE;
    const view = new StageContext(ctx, stage.name, this, i);
    ctx.plugin = stage.name;
    try {
      const result = stage.handle(view, view.next);
      if (!(result instanceof Promise)) return DONE;
      // A stage that returned what next() gave it (the common `return next()`) has nothing left
      // to fail, and the rest of the chain never rejects (each stage has this boundary).
      return result === view.passed ? result : result.then(undefined, (err: unknown) => this.failed(err, view));
    } catch (err) {
      return this.failed(err, view);
    }
  }

  /** A stage's error boundary: logged once; the chain goes on unless the stage had passed it on. */
  private failed(err: unknown, view: StageContext): Promise<void> {
    const { event } = this.ctx;
    this.log.error({ err, plugin: view.plugin, robotId: event.robotId, eventId: event.id }, 'plugin failed');
    return view.passed ? DONE : this.dispatch(view.index + 1);
  }
}

/**
 * One stage's view of the event's context: the same event, room, state and log; its own name;
 * and its `next`, which passes the event on at most once.
 */
class StageContext implements BotContext {
  /** The rest of the chain, once this stage passed the event on. */
  passed: Promise<void> | undefined;

  constructor(
    private readonly base: BotContext & { plugin?: string },
    /** The stage's name, as the send log records replies (`plugin:<name>`). */
    readonly plugin: string,
    private readonly run: ChainRun,
    readonly index: number,
  ) {}

  readonly next: Next = () => {
    if (this.passed) return Promise.reject(new NextCalledTwiceError(`plugin ${this.plugin} called next() twice`));
    this.passed = this.run.dispatch(this.index + 1);
    return this.passed;
  };

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
