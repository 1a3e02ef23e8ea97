import { CronExpressionParser } from 'cron-parser';

/**
 * The benchmark's task mix, the same for both phases: generated from a fixed seed, with "once"
 * times relative to the phase's start (T0), so each phase sees the same schedules at the same
 * offsets.
 */
export type Spec =
  | { group: Group; kind: 'cron'; expression: string; timeZone: string }
  | { group: 'once'; kind: 'once'; offsetMs: number };

export type Group = 'every minute' | 'every few minutes' | 'hourly' | 'daily' | 'once';

/** Deterministic pseudo-random numbers (LCG), so every run seeds the same tasks. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ZONES = ['Asia/Shanghai', 'Asia/Shanghai', 'Asia/Shanghai', 'UTC', 'America/New_York'];

/**
 * `n` schedules: 40 % every minute at a spread second (`S * * * * *`), 20 % every 2, 3 or 5
 * minutes at a spread second, 10 % hourly at a spread minute and second, 10 % daily (5 fields),
 * 20 % once at a whole second in [fromMs, toMs) after T0. Cron times are read in a mix of zones.
 */
export function taskMix(n: number, fromMs: number, toMs: number, seed = 20261122): Spec[] {
  const random = rng(seed);
  const int = (k: number) => Math.floor(random() * k);
  const zone = () => ZONES[int(ZONES.length)];
  return Array.from({ length: n }, (_, i): Spec => {
    const slot = i % 10;
    if (slot < 4) return { group: 'every minute', kind: 'cron', expression: `${int(60)} * * * * *`, timeZone: zone() };
    if (slot < 6)
      return {
        group: 'every few minutes',
        kind: 'cron',
        expression: `${int(60)} */${[2, 3, 5][int(3)]} * * * *`,
        timeZone: zone(),
      };
    if (slot < 7)
      return { group: 'hourly', kind: 'cron', expression: `${int(60)} ${int(60)} * * * *`, timeZone: zone() };
    if (slot < 8) return { group: 'daily', kind: 'cron', expression: `${int(60)} ${int(24)} * * *`, timeZone: zone() };
    const seconds = Math.floor((toMs - fromMs) / 1000);
    return { group: 'once', kind: 'once', offsetMs: fromMs + int(seconds) * 1000 };
  });
}

/** The scheduled times of a spec in [from, to) (epoch ms), for the expected firing count. */
export function occurrences(spec: Spec, t0: number, from: number, to: number): number[] {
  if (spec.kind === 'once') {
    const at = t0 + spec.offsetMs;
    return at >= from && at < to ? [at] : [];
  }
  const it = CronExpressionParser.parse(spec.expression, { tz: spec.timeZone, currentDate: new Date(from - 1) });
  const out: number[] = [];
  for (let t = it.next().toDate().getTime(); t < to; t = it.next().toDate().getTime()) out.push(t);
  return out;
}
