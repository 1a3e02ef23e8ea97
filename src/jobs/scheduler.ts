import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger';

/** A recurring job: node-cron expression (6 fields: seconds first) and what to run. */
export interface Job {
  name: string;
  cron: string;
  run(): Promise<unknown>;
}

/**
 * The one place node-cron is used: it ticks the jobs. A tick that is still running when the next
 * one is due is skipped (node-cron's noOverlap), and a failing job is logged, never fatal.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private readonly log: Logger;

  constructor(
    private readonly jobs: readonly Job[],
    log: Logger,
  ) {
    this.log = log.child({ module: 'scheduler' });
  }

  start(): void {
    if (this.tasks.length > 0) return;
    this.tasks = this.jobs.map((job) => {
      if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression "${job.cron}"`);
      return cron.schedule(
        job.cron,
        async () => {
          try {
            await job.run();
          } catch (err) {
            this.log.error({ err, job: job.name }, 'scheduled job failed');
          }
        },
        {
          name: `qunbot:${job.name}:${process.pid}:${Math.random().toString(36).slice(2)}`,
          noOverlap: true,
          suppressMissedWarning: true,
        },
      );
    });
  }

  async stop(): Promise<void> {
    const tasks = this.tasks;
    this.tasks = [];
    await Promise.all(tasks.map((t) => t.destroy()));
  }
}
