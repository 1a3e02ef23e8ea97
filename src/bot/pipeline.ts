import type { Logger } from '../logger';
import type { OutboundContent } from './content';
import type { RunContext } from './context';
import type { BotContext, BotEventKind, Handler, Next, ReplyOptions, SendTicket } from './plugin';
import type { RoomView } from './room.service';

/** One plugin as the pipeline runs it. */
export interface PipelineStage {
  name: string;
  events: readonly BotEventKind[];
  /** Only events in a room the runtime knows reach this stage (the plugin's scope `rooms`). */
  roomsOnly?: boolean;
  /**
   * The plugin's handler. The pipeline hands it only the kinds in `events` (and only room
   * events when `roomsOnly`), which is what a plugin's narrowed context type promises.
   */
  handle: Handler;
  /** Flushes and releases what the plugin holds (at shutdown). */
  dispose?(): Promise<void>;
}

/**
 * Times stages on a sample of events: each sampled stage's own time (its handler and whatever
 * it awaited, less the time of the stages after it), reported as `observe(plugin, seconds)`.
 */
export interface StageTiming {
  /** One event in this many is timed (1: every event). */
  sampleEvery: number;
  observe(plugin: string, seconds: number): void;
}

/** Thrown when a handler calls `next()` twice. */
export class NextCalledTwiceError extends Error {
  override name = 'NextCalledTwiceError';
}

/** Whether `plugin` runs in `room`: the room's own switch, else on. */
export function pluginEnabledIn(room: RoomView | undefined, plugin: string): boolean {
  const v = room?.plugins[plugin];
  return typeof v === 'boolean' ? v : true;
}

/** The composed plugins. */
export interface Pipeline {
  /**
   * Runs one event through the stages and calls `settled(ctx)` once the chain is done: at once
   * when no stage waited (most messages), so the caller pays no promise per message.
   */
  dispatch(ctx: RunContext, settled: (ctx: RunContext) => void): void;
  /** The same as a promise (tests, callers off the message path). */
  run(ctx: RunContext): Promise<void>;
}

/**
 * Composes plugins Koa-style. Stages whose events do not include the event's kind (decided once
 * per kind, not per event), stages of scope `rooms` for an event outside a known room, and
 * stages the room has switched off are skipped. Each stage has its own error boundary: a stage
 * that throws is logged once ({err, plugin, robotId, eventId}) and, if it had not passed the
 * event on, the chain goes on without it.
 *
 * Each stage gets its own view of the context (StageContext) that names the stage in its
 * replies, so a reply made after `await next()` is still logged as the stage's own. `next()`
 * returns the rest of the chain's promise as it is: a run costs one object, and each stage its
 * view and its `next`, no extra promises (this runs for every message and every stage).
 */
export function composePipeline(stages: readonly PipelineStage[], log: Logger, timing?: StageTiming): Pipeline {
  const byKind = new Map<BotEventKind, readonly PipelineStage[]>();
  const stagesFor = (kind: BotEventKind): readonly PipelineStage[] => {
    let list = byKind.get(kind);
    if (!list) {
      list = stages.filter((s) => s.events.includes(kind));
      byKind.set(kind, list);
    }
    return list;
  };
  // Every `sampleEvery`-th event is timed; the others pay one counter and one comparison.
  let untilSample = timing?.sampleEvery ?? Infinity;
  const start = (ctx: RunContext) => {
    let timed: StageTiming | undefined;
    if (--untilSample <= 0) {
      untilSample = timing!.sampleEvery;
      timed = timing;
    }
    return new ChainRun(stagesFor(ctx.event.kind), ctx, log, timed).dispatch(0);
  };
  return {
    dispatch(ctx, settled) {
      const ran = start(ctx);
      if (ran === DONE) settled(ctx);
      else
        ran.then(
          () => settled(ctx),
          (err: unknown) => {
            log.error({ err, robotId: ctx.event.robotId, eventId: ctx.event.id }, 'event handling failed');
            settled(ctx);
          },
        );
    },
    run: start,
  };
}

/** One event's way through the stages that take its kind. */
class ChainRun {
  constructor(
    private readonly stages: readonly PipelineStage[],
    private readonly ctx: RunContext,
    private readonly log: Logger,
    /** Set on a sampled event: each stage's own time is observed. */
    readonly timing?: StageTiming,
  ) {}

  /** Runs the first stage from `from` on that applies to this event's room. */
  dispatch(from: number): Promise<void> {
    const { stages, ctx } = this;
    const room = ctx.room;
    let i = from;
    while (i < stages.length && ((stages[i].roomsOnly && !room) || !pluginEnabledIn(room, stages[i].name))) i++;
    const stage = stages[i];
    if (!stage) return DONE;
    const view = new StageContext(ctx, stage.name, this, i);
    if (this.timing) return this.timed(stage, view);
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

  /**
   * Runs a stage on a sampled event and observes its own time: from its start until it ended
   * (its result settled; at once when it returned what `next()` gave it), less the time the
   * rest of the chain took inside it: from `next()` until the rest settled, or, if the stage
   * ended before that, until `next()` returned. (A stage that waits on its own I/O while the
   * rest runs, without awaiting `next()`, is charged less than its wait: rare among plugins.)
   */
  private timed(stage: PipelineStage, view: StageContext): Promise<void> {
    const timing = this.timing!;
    const started = performance.now();
    const done = () => {
      const ended = performance.now();
      const { restStarted, restReturned, restEnded } = view;
      const rest = restStarted === undefined ? 0 : (restEnded ?? restReturned!) - restStarted;
      // A failing observer costs a log line, never the event.
      try {
        timing.observe(stage.name, Math.max(0, ended - started - rest) / 1000);
      } catch (err) {
        this.log.error({ err, plugin: stage.name }, 'stage timing observer failed');
      }
    };
    let result: ReturnType<Handler>;
    try {
      result = stage.handle(view, view.next);
    } catch (err) {
      done();
      return this.failed(err, view);
    }
    // As untimed: whatever else a handler returns is not waited for.
    if (!(result instanceof Promise)) return (done(), DONE);
    if (result === view.passed) return (done(), result);
    return result.then(done, (err: unknown) => (done(), this.failed(err, view)));
  }

  /** A stage's error boundary: logged once; the chain goes on unless the stage had passed it on. */
  private failed(err: unknown, view: StageContext): Promise<void> {
    const { event } = this.ctx;
    this.log.error({ err, plugin: view.plugin, robotId: event.robotId, eventId: event.id }, 'plugin failed');
    return view.passed ? DONE : this.dispatch(view.index + 1);
  }
}

/**
 * One stage's view of the event's context: the same event, room, state and log; its own name
 * (passed with each reply); and its `next`, which passes the event on at most once.
 */
class StageContext implements BotContext {
  /** The rest of the chain, once this stage passed the event on. */
  passed: Promise<void> | undefined;
  /**
   * On a timed event: when the rest of the chain started, returned and settled
   * (performance.now()). Declared only: untimed events' views do not carry them.
   */
  declare restStarted: number | undefined;
  declare restReturned: number | undefined;
  declare restEnded: number | undefined;

  constructor(
    private readonly base: RunContext,
    /** The stage's name, as the send log records replies (`plugin:<name>`). */
    readonly plugin: string,
    private readonly run: ChainRun,
    readonly index: number,
  ) {}

  readonly next: Next = () => {
    if (this.passed) return Promise.reject(new NextCalledTwiceError(`plugin ${this.plugin} called next() twice`));
    if (this.run.timing) return (this.passed = this.timedRest());
    this.passed = this.run.dispatch(this.index + 1);
    return this.passed;
  };

  /** The rest of the chain on a timed event, noting when it started and settled. */
  private timedRest(): Promise<void> {
    this.restStarted = performance.now();
    const rest = this.run.dispatch(this.index + 1);
    this.restReturned = performance.now();
    if (rest === DONE) {
      this.restEnded = this.restReturned;
      return DONE;
    }
    return rest.then(
      () => void (this.restEnded = performance.now()),
      (err: unknown) => {
        this.restEnded = performance.now();
        throw err;
      },
    );
  }

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
    return this.base.send(this.plugin, content, opts);
  }
}

/** What a chain returns when it finished synchronously: every stage passed or consumed at once. */
const DONE: Promise<void> = Promise.resolve();
