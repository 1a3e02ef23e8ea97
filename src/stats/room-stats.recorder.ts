import type { RobotManager, RuntimeEvents } from '../bot/robot-manager';
import type { Logger } from '../logger';
import { dayText, wallTime } from '../lib/wall-clock';
import { DayTally, type RoomDayUpdate } from './day-tally';
import type { RoomStatsService } from './room-stats.service';

/** What the recorder listens to and writes with. */
export interface RecorderDeps {
  manager: Pick<RobotManager, 'on' | 'off'>;
  stats: Pick<RoomStatsService, 'apply'>;
  /** Calendar days are counted in this zone. */
  timeZone: string;
  /** Counts are written this often (and on flush()). */
  flushMs: number;
  log: Logger;
}

/**
 * Counts rooms' traffic per day from the runtime's events: every message handled in a room (its
 * speaker), every join and leave, every send that went out. Counts gather in memory and are
 * written in one batch every `flushMs` (one update per room and day), on `flush()` (readers call
 * it first, so they see everything up to now) and at `close()`. A failed write is retried with
 * the next batch; a crash loses at most one interval.
 */
export class RoomStatsRecorder {
  private readonly tally = new DayTally();
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  private readonly onHandled = ({ robotId, event, roomId }: RuntimeEvents['handled'][0]): void => {
    if (!roomId) return;
    const day = this.dayOf(event.at);
    if (event.kind === 'message') this.tally.message(roomId, robotId, day, event.talker.id);
    else {
      const members = event.room.payload?.memberIdList?.length;
      if (event.kind === 'room-join') this.tally.joined(roomId, robotId, day, event.invitees.length, members);
      else this.tally.left(roomId, robotId, day, event.leavers.length, members);
    }
  };

  private readonly onSettled = ({ robotId, record }: RuntimeEvents['settled'][0]): void => {
    if (record.status === 'sent' && record.roomId) this.tally.sent(record.roomId, robotId, this.dayOf(record.sentAt));
  };

  constructor(private readonly deps: RecorderDeps) {}

  /** Starts listening and writing every interval. */
  attach(): this {
    this.deps.manager.on('handled', this.onHandled);
    this.deps.manager.on('settled', this.onSettled);
    this.timer = setInterval(() => void this.flush(), this.deps.flushMs);
    this.timer.unref();
    return this;
  }

  /** Writes what was counted so far; resolves when it is stored (or failed, logged and kept for the next try). */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  /** Stops listening and writes the rest. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.deps.manager.off('handled', this.onHandled);
    this.deps.manager.off('settled', this.onSettled);
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.tally.size === 0) return;
    const updates = this.tally.drain();
    let kept: readonly RoomDayUpdate[];
    let err: unknown;
    try {
      kept = await this.deps.stats.apply(updates);
    } catch (e) {
      [kept, err] = [updates, e];
    }
    if (kept.length === 0) return;
    this.tally.restore(kept);
    this.deps.log.warn(
      { err, rooms: kept.length, module: 'stats' },
      'room statistics not stored yet (retried with the next batch)',
    );
  }

  private dayOf(at: Date | undefined): string {
    return dayText(wallTime(at ?? Date.now(), this.deps.timeZone));
  }
}
