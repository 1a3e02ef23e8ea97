/**
 * The qunbot phase (a child process of index.ts): 10,000 broadcast tasks in a real database,
 * fired by the real Scheduler (node-cron ticking BroadcastRunner every second, sweeping every
 * 30 s) for the window; prints one PhaseResult JSON line.
 *
 * The robots are a stand-in for the RobotManager: every robot is hosted, and adopted sends are
 * marked sent in the send log with one update per batch, then reported `settled` as the outbox
 * does, so the runner finishes its runs as in production. Nothing talks to WeChat.
 */
import { EventEmitter } from 'node:events';
import cron from 'node-cron';
import pino from 'pino';
import { loadConfig } from '../../config';
import type { RobotManager } from '../../src/bot/robot-manager';
import { sendLogModel } from '../../src/bot/send-log.model';
import { SendLogService, type SendRecord } from '../../src/bot/send-log.service';
import { systemClock, type Clock } from '../../src/bot/core/clock';
import { createBroadcasts } from '../../src/broadcasts';
import type { RobotPort } from '../../src/broadcasts/run-dispatch';
import { connectDatabase } from '../../src/db';
import { broadcastJobs } from '../../src/jobs/broadcast.job';
import { Scheduler } from '../../src/jobs/scheduler';
import { log } from '../support';
import { accountOccurrences, cpuBetween, cpuMark, latenessStats, perFiring, type PhaseResult } from './measure';
import { taskMix } from './schedules';
import { OWNERS, ROOMS_PER_ROBOT, seed } from './seed';
import { env, settings, sleepUntil, timeline } from './timeline';

/** The RobotManager as broadcasts see it: hosts every robot; "sends" at once (see the file comment). */
class StandInRobots extends EventEmitter implements RobotPort {
  sends = 0;
  /** When each run's first sends were handed to the robots, by run id: the time it fired. */
  readonly handedAt = new Map<string, number>();
  constructor(private readonly Log: ReturnType<typeof sendLogModel>) {
    super();
  }
  isHosted(): boolean {
    return true;
  }
  adopt(robotId: string, records: readonly SendRecord[]): boolean {
    this.sends += records.length;
    const now = Date.now();
    for (const r of records) if (r.batchId && !this.handedAt.has(r.batchId)) this.handedAt.set(r.batchId, now);
    void this.settle(robotId, records);
    return true;
  }
  async recall(): Promise<boolean> {
    return true;
  }
  private async settle(robotId: string, records: readonly SendRecord[]): Promise<void> {
    try {
      await this.Log.updateMany({ _id: { $in: records.map((r) => r.id) }, status: 'queued' }, { $set: { status: 'sent', sentAt: new Date() } });
    } catch {
      return; // The run is over and the connection closed under it.
    }
    for (const record of records) this.emit('settled', { robotId, record: { ...record, status: 'sent' } });
  }
}

/** How long the end of the run waits for a tick still in progress. */
const DRAIN_MS = 10_000;

async function main(): Promise<void> {
  const t = timeline(settings.seedSeconds * 1000);
  const dbPids = (process.env.BENCH_DB_PIDS ?? '').split(',').filter(Boolean).map(Number);
  const db = await connectDatabase({ uri: env('BENCH_MONGODB_URI'), dbName: env('BENCH_DB'), serverSelectionTimeoutMs: 5000, log: pino({ level: 'silent' }) });
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const sendLog = new SendLogService(db.connection);
  const robots = new StandInRobots(sendLogModel(db.connection));
  // Tasks are created as if at T0 (so their first runs fall in the measured run, not during
  // seeding); once seeding is done the clock is the real one again.
  let floor = t.t0;
  const clock: Clock = { now: () => Math.max(Date.now(), floor), sleep: systemClock.sleep };
  const silent = pino({ level: 'silent' });
  const broadcasts = createBroadcasts({ config, connection: db.connection, sendLog, manager: robots as unknown as RobotManager, clock, log: silent });
  const { service, runner } = broadcasts;
  await Promise.all([service.Task.init(), service.Run.init(), service.Delivery.init(), sendLogModel(db.connection).init()]);

  const seedStart = Date.now();
  const specs = taskMix(t.tasks, t.warmupMs, t.warmupMs + t.windowMs);
  await seed(db.connection, service, specs, t.t0);
  const seedEnd = Date.now();
  log(`qunbot: seeded ${OWNERS} robots, ${OWNERS * ROOMS_PER_ROBOT} rooms and ${specs.length} tasks in ${((seedEnd - seedStart) / 1000).toFixed(1)} s`);
  if (seedEnd > t.t0 - 1000) throw new Error(`seeding took ${seedEnd - seedStart} ms, past T0; raise BENCH_SEED_SECONDS`);
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
  cron.setLogger({ info: () => undefined, debug: () => undefined, error: (m) => log(`node-cron: ${String(m)}`), warn: (m) => (/overlap/.test(m) ? overlaps++ : log(`node-cron: ${m}`)) });
  const scheduler = new Scheduler(jobs, silent);
  scheduler.start();
  log(`qunbot: scheduler started; ${((t.t0 - Date.now()) / 1000).toFixed(1)} s to T0, then ${t.warmupMs / 1000} s warm-up and a ${t.windowMs / 1000} s window`);

  // Database operations in the window, by collection and method (mongoose's debug hook).
  const ops = new Map<string, number>();
  let counting = false;
  db.connection.set('debug', (collection: string, method: string) => {
    if (counting) ops.set(`${collection}.${method}`, (ops.get(`${collection}.${method}`) ?? 0) + 1);
  });
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
  const taskIndex = new Map((await service.Task.find({}, { name: 1 }).lean()).map((d) => [d._id.toString(), Number(/^task (\d+)/.exec(d.name)?.[1])]));
  const runs = await service.Run.find({ scheduledFor: { $gte: new Date(from), $lt: new Date(to) } }, { taskId: 1, scheduledFor: 1, plan: 1 }).lean();
  const firedAt = new Map<string, number>();
  for (const r of runs) {
    const at = robots.handedAt.get(r._id.toString());
    if (r.plan === 'run' && at !== undefined && at <= end) firedAt.set(`${taskIndex.get(r.taskId.toString())}:${r.scheduledFor.getTime()}`, at);
  }
  const unfinished = await service.Run.countDocuments({ state: { $in: ['dispatching', 'sending'] } });
  // Throughput: runs started in the window, whatever their scheduled time (behind a backlog, older ones).
  const started = await service.Run.countDocuments({ plan: 'run', startedAt: { $gte: new Date(from), $lt: new Date(to) } });
  const cpu = cpuBetween(a, b, dbPids);
  const totalOps = [...ops.values()].reduce((x, y) => x + y, 0);
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
    databaseOps: Object.fromEntries([...ops].sort((x, y) => y[1] - x[1])),
    unfinishedRuns: unfinished,
    seedSeconds: Math.round((seedEnd - seedStart) / 100) / 10,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // A tick may still be firing: the database goes, and the process with it.
  broadcasts.close();
  await db.connection.dropDatabase();
  process.exit(0);
}

main().catch((err) => {
  log(`qunbot phase failed: ${(err as Error).stack}`);
  process.exit(1);
});
