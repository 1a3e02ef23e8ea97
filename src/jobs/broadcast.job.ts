import type { BroadcastRunner } from '../broadcasts/broadcast-runner';
import type { Job } from './scheduler';

/**
 * Broadcast jobs: every second, fire due runs (schedules have whole-second times, so a run is
 * seen in the tick of its own second); every 5 minutes, finish runs whose sends all settled
 * without an event in this process (after a restart, or in another process). The sweep reads
 * every unfinished run and its sends, which is a lot while paced sends trail behind many runs,
 * so it is a rare safety net; settled sends normally finish their runs within a second.
 */
export function broadcastJobs(runner: BroadcastRunner): Job[] {
  return [
    { name: 'broadcasts.fire', cron: '* * * * * *', run: () => runner.tick() },
    { name: 'broadcasts.sweep', cron: '0 */5 * * * *', run: () => runner.sweep() },
  ];
}
