import fs from 'node:fs';
import { percentile, round } from '../support';
import { occurrences, type Spec } from './schedules';

/** Linux's USER_HZ: /proc reports CPU time in ticks of 10 ms on every architecture Node runs on here. */
const TICK_MS = 10;

/** What one phase (qunbot or the node-cron baseline) measured over its window. */
export interface PhaseResult extends Occurrences {
  phase: 'qunbot' | 'node-cron';
  tasks: number;
  windowSeconds: number;
  /** This process's CPU time (user + system) per minute of window, in ms. */
  cpuMsPerMinute: number;
  /** The database server's CPU per minute of window (null when it is not ours to read). */
  dbCpuMsPerMinute: number | null;
  /** How busy the whole machine was during the window (all cores, 0..1). */
  machineBusy: number;
  /** Firings made during the window (whatever their scheduled time) per second, and the CPU each cost. */
  firingsPerSecond: number;
  cpuMsPerFiring: number | null;
  dbCpuMsPerFiring: number | null;
  [extra: string]: unknown;
}

export interface LatenessStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Every occurrence the schedules call for in the window, and how late each fired. */
export interface Occurrences {
  expected: number;
  fired: number;
  /** Not fired by the end of the phase (node-cron skipped it as late, or qunbot had not got to it, or ran a later one instead). */
  notFired: number;
  /** Over every occurrence; one not fired counts as (end of phase - its time), a lower bound. */
  lateness: LatenessStats;
  /** Over the fired occurrences only. */
  latenessFired: LatenessStats;
}

/**
 * Lateness of each occurrence of each spec in [from, to): `firedAt(i, t)` is when spec i's
 * occurrence at t fired (undefined when it did not); `end` is when the phase stopped looking.
 */
export function accountOccurrences(
  specs: readonly Spec[],
  t0: number,
  from: number,
  to: number,
  firedAt: (i: number, t: number) => number | undefined,
  end: number,
): Occurrences {
  const all: number[] = [];
  const fired: number[] = [];
  specs.forEach((spec, i) => {
    for (const t of occurrences(spec, t0, from, to)) {
      const at = firedAt(i, t);
      if (at === undefined) all.push(end - t);
      else {
        all.push(at - t);
        fired.push(at - t);
      }
    }
  });
  return {
    expected: all.length,
    fired: fired.length,
    notFired: all.length - fired.length,
    lateness: latenessStats(all),
    latenessFired: latenessStats(fired),
  };
}

export function latenessStats(xs: readonly number[]): LatenessStats {
  if (xs.length === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN };
  return {
    count: xs.length,
    p50: round(percentile([...xs], 50), 1),
    p99: round(percentile([...xs], 99), 1),
    max: round(
      xs.reduce((m, x) => Math.max(m, x), -Infinity),
      1,
    ),
  };
}

/** CPU time (user + system) of some processes, in ms, from /proc; 0 for those gone. */
export function procCpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // The command name (field 2) may hold spaces: the numeric fields start after its ")".
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    } catch {
      // The process ended.
    }
  }
  return ticks * TICK_MS;
}

/** The pids of `root`'s process tree (itself and its descendants), from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // Gone while listing.
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** The command line of a process ('' when gone). */
export function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Throughput and CPU per firing from the firings made during a window. */
export function perFiring(
  firings: number,
  windowMs: number,
  cpu: Pick<PhaseResult, 'cpuMsPerMinute' | 'dbCpuMsPerMinute'>,
): Pick<PhaseResult, 'firingsPerSecond' | 'cpuMsPerFiring' | 'dbCpuMsPerFiring'> {
  const perMinute = firings / (windowMs / 60_000);
  return {
    firingsPerSecond: round(firings / (windowMs / 1000), 1),
    cpuMsPerFiring: firings > 0 ? round(cpu.cpuMsPerMinute / perMinute, 2) : null,
    dbCpuMsPerFiring: firings > 0 && cpu.dbCpuMsPerMinute !== null ? round(cpu.dbCpuMsPerMinute / perMinute, 1) : null,
  };
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
export function machineJiffies(): { busy: number; total: number } {
  const [, ...nums] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const v = nums.map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = v[3] + (v[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** A snapshot of this process's, the database's and the machine's CPU counters. */
export interface CpuMark {
  self: NodeJS.CpuUsage;
  db: number;
  machine: { busy: number; total: number };
  at: number;
}

export function cpuMark(dbPids: readonly number[]): CpuMark {
  return { self: process.cpuUsage(), db: procCpuMs(dbPids), machine: machineJiffies(), at: Date.now() };
}

/** CPU per minute of this process and of the database between two marks, and the machine's load. */
export function cpuBetween(
  a: CpuMark,
  b: CpuMark,
  dbPids: readonly number[],
): Pick<PhaseResult, 'cpuMsPerMinute' | 'dbCpuMsPerMinute' | 'machineBusy'> {
  const minutes = (b.at - a.at) / 60_000;
  const selfMs = (b.self.user - a.self.user + b.self.system - a.self.system) / 1000;
  return {
    cpuMsPerMinute: round(selfMs / minutes, 0),
    dbCpuMsPerMinute: dbPids.length > 0 ? round((b.db - a.db) / minutes, 0) : null,
    machineBusy: round((b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total), 2),
  };
}
