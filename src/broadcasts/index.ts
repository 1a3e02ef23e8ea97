import type { Config } from '../../config';
import type { Clock } from '../bot/core/clock';
import type { RobotManager } from '../bot/robot-manager';
import type { SendLogService } from '../bot/send-log.service';
import type { Db } from '../db/types';
import type { Logger } from '../logger';
import type { PublishInput } from '../webhooks/events';
import { BroadcastRunner } from './broadcast-runner';
import { BroadcastService } from './broadcast.service';
import { recallBroadcast, type RecallReport } from './recall';
import { TargetResolver } from './targets';

export { BroadcastError } from './types';
export type { BroadcastInput, BroadcastView, DeliveryView, RunView, Targets, ScheduleInput } from './types';
export type { RecallReport } from './recall';

export interface BroadcastsDeps {
  config: Readonly<Pick<Config, 'broadcasts' | 'timeZone'>>;
  connection: Db;
  sendLog: SendLogService;
  manager: RobotManager;
  clock: Clock;
  log: Logger;
  publish?: (input: PublishInput) => Promise<unknown>;
  processId?: string;
}

/** Scheduled group broadcasts: the service the API uses and the runner the scheduler ticks. */
export interface Broadcasts {
  service: BroadcastService;
  runner: BroadcastRunner;
  recall(taskId: string): Promise<RecallReport>;
  /** Stops listening to the robots and waits for the tick and finishing checks under way. */
  close(): Promise<void>;
}

export function createBroadcasts(deps: BroadcastsDeps): Broadcasts {
  const b = deps.config.broadcasts;
  const targets = new TargetResolver(deps.connection);
  const service = new BroadcastService({
    connection: deps.connection,
    sendLog: deps.sendLog,
    targets,
    clock: deps.clock,
    policy: { maxTargets: b.maxTargets, maxActivePerOwner: b.maxActivePerOwner, timeZone: deps.config.timeZone },
  });
  const runner = new BroadcastRunner({
    service,
    sendLog: deps.sendLog,
    targets,
    robots: deps.manager,
    clock: deps.clock,
    log: deps.log,
    policy: { graceMs: b.graceMinutes * 60_000, leaseMs: b.leaseSec * 1000, maxTargets: b.maxTargets },
    ...(deps.publish ? { publish: deps.publish } : {}),
    ...(deps.processId ? { processId: deps.processId } : {}),
  });
  const onSettled = ({ record }: { record: Parameters<BroadcastRunner['onSettled']>[0] }) => runner.onSettled(record);
  deps.manager.on('settled', onSettled);
  return {
    service,
    runner,
    recall: (taskId) =>
      recallBroadcast(
        {
          service,
          runner,
          sendLog: deps.sendLog,
          robots: deps.manager,
          clock: deps.clock,
          log: deps.log.child({ module: 'broadcasts' }),
          windowMs: b.recallWindowSec * 1000,
        },
        taskId,
      ),
    close: async () => {
      deps.manager.off('settled', onSettled);
      await runner.idle();
    },
  };
}
