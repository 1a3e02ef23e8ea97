/** When a phase runs: T0 (first scheduled times), a warm-up, then the measured window. */
export interface Timeline {
  tasks: number;
  /** Epoch ms, a whole second: the first time any task is scheduled for. */
  t0: number;
  /** Window start = t0 + warmupMs; window end = window start + windowMs. */
  warmupMs: number;
  windowMs: number;
}

export const settings = {
  tasks: Number(process.env.BENCH_TASKS ?? 10_000),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 10),
  windowSeconds: Number(process.env.BENCH_WINDOW_SECONDS ?? 100),
  /** Time allowed to seed the database before T0 (the qunbot phase). */
  seedSeconds: Number(process.env.BENCH_SEED_SECONDS ?? 40),
};

/** The timeline of a phase that needs `setupMs` before its first scheduled time. */
export function timeline(setupMs: number, now = Date.now()): Timeline {
  return {
    tasks: settings.tasks,
    t0: Math.ceil((now + setupMs) / 1000) * 1000,
    warmupMs: settings.warmupSeconds * 1000,
    windowMs: settings.windowSeconds * 1000,
  };
}

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run the benchmark with npm run bench -- scheduler)`);
  return v;
}

/** Resolves at `at` (epoch ms). A timer, not a poll: the process stays idle meanwhile. */
export function sleepUntil(at: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
}
