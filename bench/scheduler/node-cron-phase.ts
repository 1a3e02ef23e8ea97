/**
 * The baseline phase (a child process of index.ts): what most people would write first, one
 * in-memory `cron.schedule` per task (10,000 node-cron tasks; a "once" task is a cron expression
 * of its date and time with maxExecutions 1). The handler only records its lateness (now - the
 * scheduled second); no database, nothing persisted, nothing claimed: it is the floor of what a
 * scheduler costs, not an equivalent of qunbot's crash-safe runs. Prints one PhaseResult line.
 */
import cron from 'node-cron';
import { log } from '../support';
import { accountOccurrences, cpuBetween, cpuMark, perFiring, type PhaseResult } from './measure';
import { taskMix, type Spec } from './schedules';
import { sleepUntil, timeline } from './timeline';

/** A once time as a node-cron expression in UTC: second minute hour day month. */
function onceExpression(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

async function main(): Promise<void> {
  // No database to fill: a few seconds to schedule the tasks are enough.
  const t = timeline(5000);
  const specs = taskMix(t.tasks, t.warmupMs, t.warmupMs + t.windowMs);
  const from = t.t0 + t.warmupMs;
  const to = from + t.windowMs;
  /** When each occurrence fired, by `${task}:${scheduled ms}`. */
  const firedAt = new Map<string, number>();
  let missed = 0;
  let calls = 0;
  const inWindow = (d: Date) => d.getTime() >= from && d.getTime() < to;
  const started = Date.now();
  const tasks = specs.map((s: Spec, i) => {
    const [expression, options] =
      s.kind === 'once'
        ? [onceExpression(new Date(t.t0 + s.offsetMs)), { timezone: 'UTC', maxExecutions: 1 }]
        : [s.expression, { timezone: s.timeZone }];
    const task = cron.schedule(
      expression,
      (ctx) => {
        const now = Date.now();
        if (now >= from && now < to) calls++;
        if (inWindow(ctx.date)) firedAt.set(`${i}:${ctx.date.getTime()}`, now);
      },
      { ...options, name: `bench-${i}` },
    );
    // node-cron skips an occurrence found more than 1 s late (missedExecutionTolerance).
    task.on('execution:missed', (ctx) => {
      if (inWindow(ctx.date)) missed++;
    });
    return task;
  });
  log(
    `node-cron: scheduled ${tasks.length} tasks in ${((Date.now() - started) / 1000).toFixed(1)} s; ${t.warmupMs / 1000} s warm-up and a ${t.windowMs / 1000} s window from T0`,
  );

  await sleepUntil(from);
  const a = cpuMark([]);
  await sleepUntil(to);
  const b = cpuMark([]);
  await Promise.all(tasks.map((task) => task.destroy()));
  const cpu = cpuBetween(a, b, []);

  const result: PhaseResult = {
    phase: 'node-cron',
    tasks: specs.length,
    windowSeconds: t.windowMs / 1000,
    ...accountOccurrences(specs, t.t0, from, to, (i, at) => firedAt.get(`${i}:${at}`), Date.now()),
    /** Occurrences node-cron skipped because it found them more than 1 s late. */
    missed,
    ...cpu,
    ...perFiring(calls, t.windowMs, cpu),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

main().catch((err) => {
  log(`node-cron phase failed: ${(err as Error).stack}`);
  process.exit(1);
});
