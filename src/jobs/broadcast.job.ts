import type { BroadcastRunner } from '../broadcasts/broadcast-runner';
import type { Job } from './scheduler';

/**
 * Broadcast jobs: every second, fire due runs (schedules have whole-second times, so a run is
 * seen in the tick of its own second); every 30 seconds, finish runs whose sends all settled
 * without an event in this process (after a restart, or in another process).
 */
export function broadcastJobs(runner: BroadcastRunner): Job[] {
  return [
    { name: 'broadcasts.fire', cron: '* * * * * *', run: () => runner.tick() },
    { name: 'broadcasts.sweep', cron: '*/30 * * * * *', run: () => runner.sweep() },
  ];
}
