/**
 * bench/scheduler: 10,000 broadcast tasks with mixed schedules (40 % every minute at a spread
 * second, 20 % every 2, 3 or 5 minutes, 10 % hourly, 10 % daily, 20 % once in the window), fired
 * for a measured window (default 100 s after a 10 s warm-up) by qunbot's real scheduler over a
 * real database, versus one in-memory node-cron task per schedule (the baseline, same schedules,
 * same window). Reports the lateness of every occurrence scheduled in the window (p50/p99/max;
 * one not fired by the end counts as end - its time, a lower bound, and the figures say "≥"),
 * firings made per second against those due, and CPU per minute and per firing of each
 * scheduler's process and of the database server (read from /proc when we started it).
 *
 * The target is absolute (DESIGN.md §6: p99 under 1 s with 10,000 tasks), so the result line's
 * ratio is 1,000 ms / qunbot's p99 (at least 1 meets it), as bench/pipeline does for its heap
 * target; the node-cron figures are the baseline measured in the same run. Each phase runs in its
 * own process, one after the other (baseline first); the database server (a fresh SecantusDB, or
 * BENCH_MONGODB_URI) idles during the baseline. BENCH_TASKS, BENCH_WARMUP_SECONDS,
 * BENCH_WINDOW_SECONDS, BENCH_SEED_SECONDS, BENCH_CPU_PROF=<dir> and BENCH_NO_SEND=1 (sends left
 * queued: the firing cost alone) change the run.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { benchMongo, log, machine, printResult, round } from '../support';
import { cmdline, processTree, type PhaseResult } from './measure';
import { settings } from './timeline';

const TARGET_P99_MS = 1000;
/** A phase that hangs is killed after its own time plus this margin. */
const PHASE_LIMIT_MS = (settings.seedSeconds + settings.warmupSeconds + settings.windowSeconds + 120) * 1000;

/** The database server's processes when we started it (for its CPU); none when it is not ours. */
function databasePids(): number[] {
  return processTree(process.pid).filter((pid) => pid !== process.pid && /secantus|mongod/i.test(cmdline(pid)));
}

function runPhase(script: string, env: NodeJS.ProcessEnv): PhaseResult {
  // BENCH_CPU_PROF=dir: a CPU profile of the qunbot phase (process.exit writes it).
  const prof =
    script.startsWith('qunbot') && process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
  const r = spawnSync(process.execPath, [...process.execArgv, ...prof, path.join(__dirname, script)], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: PHASE_LIMIT_MS,
    killSignal: 'SIGKILL',
  });
  if (r.status !== 0)
    throw new Error(
      `${script} failed (exit ${r.status}${r.signal ? `, ${r.signal}: killed after ${PHASE_LIMIT_MS / 1000} s` : ''})`,
    );
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as PhaseResult;
}

function describe(p: PhaseResult): string {
  const bound = p.notFired > 0 ? '≥ ' : '';
  const db =
    p.dbCpuMsPerMinute === null
      ? ''
      : `; database server ${p.dbCpuMsPerMinute} ms CPU/min (${p.dbCpuMsPerFiring ?? '-'} ms per firing)`;
  return [
    `${p.phase}: ${p.fired}/${p.expected} occurrences of the window fired (${p.notFired} not by the end${p.missed ? `, ${p.missed} recorded as missed` : ''});`,
    `  lateness p50 ${bound}${p.lateness.p50} ms, p99 ${bound}${p.lateness.p99} ms, max ${bound}${p.lateness.max} ms (fired ones only: p50 ${p.latenessFired.p50}, p99 ${p.latenessFired.p99} ms);`,
    `  ${p.firingsPerSecond} firings/s made for ${round(p.expected / p.windowSeconds, 1)}/s due; process ${p.cpuMsPerMinute} ms CPU/min (${p.cpuMsPerFiring ?? '-'} ms per firing)${db}; machine ${Math.round(p.machineBusy * 100)} % busy`,
  ].join('\n');
}

async function main(): Promise<void> {
  const mongo = await benchMongo();
  const dbPids = process.env.BENCH_MONGODB_URI ? [] : databasePids();
  const dbName = `bench_scheduler_${Date.now()}`;
  log(
    `${settings.tasks} tasks; each phase: ${settings.warmupSeconds} s warm-up, ${settings.windowSeconds} s measured${dbPids.length ? `; database server pid ${dbPids.join(',')}` : ''}`,
  );

  let baseline: PhaseResult;
  let qunbot: PhaseResult;
  try {
    baseline = runPhase('node-cron-phase.js', {});
    log(describe(baseline));
    qunbot = runPhase('qunbot-phase.js', {
      BENCH_MONGODB_URI: mongo.uri,
      BENCH_DB: dbName,
      BENCH_DB_PIDS: dbPids.join(','),
    });
    log(describe(qunbot));
  } finally {
    await mongo.stop();
  }

  const met = qunbot.lateness.p99 < TARGET_P99_MS;
  const cpuRatio = round(baseline.cpuMsPerMinute / Math.max(1, qunbot.cpuMsPerMinute), 3);
  log(
    `CPU per minute: qunbot ${qunbot.cpuMsPerMinute} ms + ${qunbot.dbCpuMsPerMinute ?? '?'} ms in the database server; node-cron ${baseline.cpuMsPerMinute} ms (node-cron / qunbot process = ${cpuRatio})`,
  );
  log(
    `TARGET p99 < ${TARGET_P99_MS} ms over every occurrence in the window: ${met ? 'MET' : 'NOT MET'} (qunbot p99 ${qunbot.notFired > 0 ? '≥ ' : ''}${qunbot.lateness.p99} ms; node-cron p99 ${baseline.lateness.p99} ms)`,
  );

  printResult({
    bench: 'scheduler',
    metric: `p99 firing lateness, ${settings.tasks} tasks with mixed schedules`,
    qunbot: qunbot.lateness.p99,
    baseline: baseline.lateness.p99,
    ratio: round(TARGET_P99_MS / qunbot.lateness.p99, 3),
    target: 1,
    unit: `ms (ratio = ${TARGET_P99_MS} ms target / qunbot p99; baseline = node-cron, one in-memory task per schedule)`,
    targetMet: met,
    /** True when some occurrences had not fired by the end: their lateness, and maybe the p99, is a lower bound. */
    lowerBound: { qunbot: qunbot.notFired > 0, baseline: baseline.notFired > 0 },
    latenessMs: {
      qunbot: qunbot.lateness,
      baseline: baseline.lateness,
      qunbotFiredOnly: qunbot.latenessFired,
      baselineFiredOnly: baseline.latenessFired,
    },
    occurrences: {
      expected: qunbot.expected,
      qunbotFired: qunbot.fired,
      qunbotMissed: qunbot.missed,
      baselineExpected: baseline.expected,
      baselineFired: baseline.fired,
      baselineSkippedLate: baseline.missed,
    },
    firingsPerSecond: {
      due: round(qunbot.expected / qunbot.windowSeconds, 1),
      qunbot: qunbot.firingsPerSecond,
      baseline: baseline.firingsPerSecond,
    },
    cpuMsPerMinute: {
      qunbot: qunbot.cpuMsPerMinute,
      qunbotDatabaseServer: qunbot.dbCpuMsPerMinute,
      baseline: baseline.cpuMsPerMinute,
      ratio: cpuRatio,
    },
    cpuMsPerFiring: {
      qunbot: qunbot.cpuMsPerFiring,
      qunbotDatabaseServer: qunbot.dbCpuMsPerFiring,
      baseline: baseline.cpuMsPerFiring,
    },
    qunbotRunner: {
      tickMs: qunbot.tickMs,
      skippedTicks: qunbot.skippedTicks,
      databaseOpsPerFiring: qunbot.databaseOpsPerFiring,
      databaseOps: qunbot.databaseOps,
      unfinishedRuns: qunbot.unfinishedRuns,
      sends: qunbot.sends,
      sent: qunbot.sent,
      seedSeconds: qunbot.seedSeconds,
    },
    machineBusy: { qunbot: qunbot.machineBusy, baseline: baseline.machineBusy },
    windowSeconds: settings.windowSeconds,
    warmupSeconds: settings.warmupSeconds,
    machine: machine(),
  });
  process.exit(0);
}

main().catch((err) => {
  log(`bench failed: ${(err as Error).stack}`);
  process.exit(1);
});
