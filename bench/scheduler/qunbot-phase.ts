/**
 * The qunbot phase (a child process of index.ts): 10,000 broadcast tasks in a real database,
 * fired by the real Scheduler (node-cron ticking BroadcastRunner every second, sweeping every
 * 30 s) for the window; prints one PhaseResult JSON line.
 *
 * The robots stand in for the RobotManager: every robot is hosted, with the real outbox (the
 * send log's claim and outcome writes, pacing from the default config: 0.5 sends/s per robot,
 * burst 2, 3 s between sends to one room), and a sender that answers "sent" at once instead of a
 * puppet. Nothing talks to WeChat. As in production, the sends trail behind the firings: this mix
 * asks for about 140 sends/s where 20 paced robots make 10/s.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import cron from 'node-cron';
import pino from 'pino';
import { loadConfig } from '../../config';
import type { RobotManager } from '../../src/bot/robot-manager';
import { RobotOutbox, type OutboxDeps } from '../../src/bot/outbox';
import { sendLogModel } from '../../src/bot/send-log.model';
import { SendLogService, type SendRecord } from '../../src/bot/send-log.service';
import { systemClock, type Clock } from '../../src/bot/core/clock';
import { createBroadcasts } from '../../src/broadcasts';
import type { RobotPort } from '../../src/broadcasts/run-dispatch';
import { connectDatabase } from '../../src/db/connection';
import { broadcastJobs } from '../../src/jobs/broadcast.job';
import { Scheduler } from '../../src/jobs/scheduler';
import { log } from '../support';
import { accountOccurrences, cpuBetween, cpuMark, latenessStats, perFiring, type PhaseResult } from './measure';
import { taskMix } from './schedules';
import { OWNERS, ROOMS_PER_ROBOT, seed } from './seed';
import { env, settings, sleepUntil, timeline } from './timeline';

/** The RobotManager as broadcasts see it: every robot hosted, each with its real outbox (see the file comment). */
class StandInRobots extends EventEmitter implements RobotPort {
  sends = 0;
  sent = 0;
  /** When each run's first sends were handed to the robots, by run id: the time it fired. */
  readonly handedAt = new Map<string, number>();
  private readonly outboxes = new Map<string, RobotOutbox>();
  constructor(private readonly deps: Omit<OutboxDeps, 'robotId' | 'sender'>) {
    super();
  }
  async runningOf(robotIds: readonly string[]): Promise<Set<string>> {
    return new Set(robotIds);
  }
  async adopt(robotId: string, records: readonly SendRecord[]): Promise<boolean> {
    this.sends += records.length;
    const now = Date.now();
    for (const r of records) if (r.batchId && !this.handedAt.has(r.batchId)) this.handedAt.set(r.batchId, now);
    if (!process.env.BENCH_NO_SEND) this.outbox(robotId).adopt(records);
    return true;
  }
  async recall(): Promise<boolean> {
    return true;
  }
  private outbox(robotId: string): RobotOutbox {
    let outbox = this.outboxes.get(robotId);
    if (!outbox) {
      outbox = new RobotOutbox({
        ...this.deps,
        robotId,
        sender: { send: async () => ({ status: 'sent', messageId: randomUUID() }) },
      });
      outbox.on('settled', (record) => {
        this.sent++;
        this.emit('settled', { robotId, record });
      });
      outbox.start();
      outbox.resume();
      this.outboxes.set(robotId, outbox);
    }
    return outbox;
  }
  async stop(): Promise<void> {
    await Promise.all([...this.outboxes.values()].map((o) => o.stop()));
  }
}

/** How long the end of the run waits for a tick still in progress. */
const DRAIN_MS = 10_000;

async function main(): Promise<void> {
  const t = timeline(settings.seedSeconds * 1000);
  const dbPids = (process.env.BENCH_DB_PIDS ?? '').split(',').filter(Boolean).map(Number);
  const db = await connectDatabase({
    uri: env('BENCH_MONGODB_URI'),
    dbName: env('BENCH_DB'),
    serverSelectionTimeoutMs: 5000,
    log: pino({ level: 'silent' }),
    monitorCommands: true,
  });
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const sendLog = new SendLogService(db.connection);
  const silent = pino({ level: 'silent' });
  const robots = new StandInRobots({ sendLog, clock: systemClock, policy: config.outbox, log: silent });
  // Tasks are created as if at T0 (so their first runs fall in the measured run, not during
  // seeding); once seeding is done the clock is the real one again.
  let floor = t.t0;
  const clock: Clock = { now: () => Math.max(Date.now(), floor), sleep: systemClock.sleep };
  const broadcasts = createBroadcasts({
    config,
    connection: db.connection,
    sendLog,
    manager: robots as unknown as RobotManager,
    clock,
    log: silent,
  });
  const { service, runner } = broadcasts;
  await Promise.all([
    service.Task.init(),
    service.Run.init(),
    service.Delivery.init(),
    sendLogModel(db.connection).init(),
  ]);

  const seedStart = Date.now();
  const specs = taskMix(t.tasks, t.warmupMs, t.warmupMs + t.windowMs);
  await seed(db.connection, service, specs, t.t0);
  const seedEnd = Date.now();
  log(
    `qunbot: seeded ${OWNERS} robots, ${OWNERS * ROOMS_PER_ROBOT} rooms and ${specs.length} tasks in ${((seedEnd - seedStart) / 1000).toFixed(1)} s`,
  );
  if (seedEnd > t.t0 - 1000)
    throw new Error(`seeding took ${seedEnd - seedStart} ms, past T0; raise BENCH_SEED_SECONDS`);
  floor = 0;

  const from = t.t0 + t.warmupMs;
  const to = from + t.windowMs;
  const tickMs: number[] = [];
  let inFlight: Promise<unknown> = Promise.resolve();
  const jobs = broadcastJobs(runner).map((job) =>
    job.name !== 'broadcasts.fire'
      ? job
      : {
          ...job,
          run: () => {
            const started = Date.now();
            const p = job.run().then((r) => {
              if (started >= from && started < to) tickMs.push(Date.now() - started);
              return r;
            });
            inFlight = p.catch(() => undefined);
            return p;
          },
        },
  );
  // node-cron logs each second it skips because the previous tick still runs: count them instead.
  let overlaps = 0;
  cron.setLogger({
    info: () => undefined,
    debug: () => undefined,
    error: (m) => log(`node-cron: ${String(m)}`),
    warn: (m) => (/overlap/.test(m) ? overlaps++ : log(`node-cron: ${m}`)),
  });
  const scheduler = new Scheduler(jobs, silent);
  scheduler.start();
  log(
    `qunbot: scheduler started; ${((t.t0 - Date.now()) / 1000).toFixed(1)} s to T0, then ${t.warmupMs / 1000} s warm-up and a ${t.windowMs / 1000} s window`,
  );

  // Database commands in the window, by collection and command: how many, and the time they
  // took as this process saw it (the server works on one at a time, so this is where its time goes).
  const ops = new Map<string, { count: number; ms: number }>();
  const commands = new Map<number, string>();
  let counting = false;
  const client = db.connection.getClient();
  client.on('commandStarted', (e) => {
    if (counting)
      commands.set(
        e.requestId,
        `${String(e.commandName === 'getMore' ? e.command.collection : e.command[e.commandName])}.${e.commandName}`,
      );
  });
  const ended = (e: { requestId: number; duration: number }) => {
    const name = commands.get(e.requestId);
    if (name === undefined) return;
    commands.delete(e.requestId);
    const op = ops.get(name) ?? { count: 0, ms: 0 };
    ops.set(name, { count: op.count + 1, ms: op.ms + e.duration });
  };
  client.on('commandSucceeded', ended);
  client.on('commandFailed', ended);
  await sleepUntil(from);
  counting = true;
  const a = cpuMark(dbPids);
  await sleepUntil(to);
  const b = cpuMark(dbPids);
  counting = false;
  // Occurrences late in the window may fire just after it: give the tick a moment, not a wait
  // without end (a tick firing a backlog goes on until the backlog is gone).
  await Promise.race([inFlight, new Promise((r) => setTimeout(r, DRAIN_MS))]);
  const end = Date.now();
  await scheduler.stop();

  // Which run stands for which occurrence: the task's number is in its name.
  const taskIndex = new Map(
    (await service.Task.find({}, { name: 1 }).lean()).map((d) => [
      d._id.toString(),
      Number(/^task (\d+)/.exec(d.name)?.[1]),
    ]),
  );
  const runs = await service.Run.find(
    { scheduledFor: { $gte: new Date(from), $lt: new Date(to) } },
    { taskId: 1, scheduledFor: 1, plan: 1 },
  ).lean();
  const firedAt = new Map<string, number>();
  for (const r of runs) {
    const at = robots.handedAt.get(r._id.toString());
    if (r.plan === 'run' && at !== undefined && at <= end)
      firedAt.set(`${taskIndex.get(r.taskId.toString())}:${r.scheduledFor.getTime()}`, at);
  }
  const unfinished = await service.Run.countDocuments({ state: { $in: ['dispatching', 'sending'] } });
  // Throughput: runs started in the window, whatever their scheduled time (behind a backlog, older ones).
  const started = await service.Run.countDocuments({
    plan: 'run',
    startedAt: { $gte: new Date(from), $lt: new Date(to) },
  });
  const cpu = cpuBetween(a, b, dbPids);
  const totalOps = [...ops.values()].reduce((x, y) => x + y.count, 0);
  const result: PhaseResult = {
    phase: 'qunbot',
    tasks: specs.length,
    windowSeconds: t.windowMs / 1000,
    ...accountOccurrences(specs, t.t0, from, to, (i, at) => firedAt.get(`${i}:${at}`), end),
    /** Runs recorded as missed (later than the grace period). */
    missed: runs.filter((r) => r.plan === 'missed').length,
    ...cpu,
    ...perFiring(started, t.windowMs, cpu),
    databaseOpsPerFiring: started > 0 ? Math.round((totalOps / started) * 10) / 10 : null,
    /** Ticks that started in the window and ended, and how long they took. */
    tickMs: latenessStats(tickMs),
    /** Seconds whose tick node-cron skipped because the previous one still ran (noOverlap), over the whole phase. */
    skippedTicks: overlaps,
    sends: robots.sends,
    /** Of those, sent by the paced outboxes by the end. */
    sent: robots.sent,
    databaseOps: Object.fromEntries(
      [...ops]
        .sort((x, y) => y[1].ms - x[1].ms)
        .map(([name, op]) => [name, { count: op.count, ms: Math.round(op.ms) }]),
    ),
    unfinishedRuns: unfinished,
    seedSeconds: Math.round((seedEnd - seedStart) / 100) / 10,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // A tick may still be firing: the database goes, and the process with it.
  await robots.stop();
  void broadcasts.close(); // not awaited: a tick firing a backlog may go on
  await db.connection.dropDatabase();
  process.exit(0);
}

main().catch((err) => {
  log(`qunbot phase failed: ${(err as Error).stack}`);
  process.exit(1);
});
