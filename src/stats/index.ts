import type { RobotManager } from '../bot/robot-manager';
import type { Db } from '../db/types';
import type { Logger } from '../logger';
import { RoomStatsRecorder } from './room-stats.recorder';
import { RoomStatsService } from './room-stats.service';

export { RoomStatsRecorder } from './room-stats.recorder';
export { RoomStatsService, type DayTotals, type RoomDayView } from './room-stats.service';

/** Rooms' daily statistics: the store, and the recorder that fills it from the runtime's events. */
export interface RoomStats {
  service: RoomStatsService;
  recorder: RoomStatsRecorder;
  /** The zone whose calendar days are counted. */
  timeZone: string;
}

/** Builds the statistics and starts recording the manager's events. */
export function startRoomStats(deps: {
  config: { timeZone: string; stats: { flushSec: number; retentionDays: number } };
  connection: Db;
  manager: Pick<RobotManager, 'on' | 'off'>;
  log: Logger;
}): RoomStats {
  const { config } = deps;
  const service = new RoomStatsService(deps.connection, config.stats.retentionDays);
  const recorder = new RoomStatsRecorder({
    manager: deps.manager,
    stats: service,
    timeZone: config.timeZone,
    flushMs: config.stats.flushSec * 1000,
    log: deps.log.child({ module: 'stats' }),
  }).attach();
  return { service, recorder, timeZone: config.timeZone };
}
