import type { OutboundContent } from '../bot/content';
import type { BroadcastTaskDoc } from './broadcast-task.model';
import type { Schedule, ScheduleLimits } from './schedule';
import type { Targets } from './types';

/** Typed readers of a stored task (mongoose types nested paths as optional). */
export function scheduleOf(d: Pick<BroadcastTaskDoc, 'schedule'>): Schedule {
  const s = d.schedule;
  if (s?.kind === 'cron') return { kind: 'cron', expression: s.expression ?? '', timeZone: s.timeZone ?? 'UTC' };
  if (s?.kind === 'once' && s.at) return { kind: 'once', at: s.at };
  return { kind: 'now' };
}

export function targetsOf(d: Pick<BroadcastTaskDoc, 'targets'>): Targets {
  const t = d.targets;
  if (t?.mode === 'rooms') return { mode: 'rooms', roomIds: (t.roomIds ?? []).map(String) };
  const stars = typeof t?.minStar === 'number' ? { minStar: t.minStar } : {};
  if (t?.mode === 'flag') return { mode: 'flag', flag: t.flag ?? 'production', ...stars };
  return { mode: 'all', ...stars };
}

export function limitsOf(d: Pick<BroadcastTaskDoc, 'endAt' | 'maxRuns'>): ScheduleLimits {
  return { ...(d.endAt ? { endAt: d.endAt } : {}), ...(typeof d.maxRuns === 'number' ? { maxRuns: d.maxRuns } : {}) };
}

export function materialsOf(d: Pick<BroadcastTaskDoc, 'materials'>): OutboundContent[] {
  return d.materials as OutboundContent[];
}
