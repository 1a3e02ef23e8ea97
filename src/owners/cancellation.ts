import type { RobotManager } from '../bot/robot-manager';
import type { RoomService } from '../bot/room.service';
import type { Logger } from '../logger';
import type { CancelReason } from './assignment-rules';
import type { OwnedGroupService } from './owned-groups.service';

/** What cancelling one group did. */
export interface CancelOutcome {
  roomId: string;
  /** `cancelled`; `not_owned`: no active group of the caller's (unknown, another's, cancelled before). */
  result: 'cancelled' | 'not_owned';
  /** The robot left the room now (false: it is not logged in here; it leaves nothing queued). */
  left?: boolean;
}

/**
 * Cancels groups (seed 002 注销): the ownership is ended with its reason and the robot leaves the
 * room. `mayCancel` says whether the caller may cancel that room (their own groups; an
 * operator's visible ones).
 */
export async function cancelGroups(
  deps: {
    groups: Pick<OwnedGroupService, 'get' | 'cancel'>;
    rooms: Pick<RoomService, 'get' | 'update'>;
    manager: Pick<RobotManager, 'quitRoom' | 'isRunning'>;
    log: Logger;
  },
  roomIds: readonly string[],
  reason: CancelReason,
  mayCancel: (group: { roomId: string; userId: string; robotId: string }) => boolean,
): Promise<CancelOutcome[]> {
  const out: CancelOutcome[] = [];
  for (const roomId of new Set(roomIds)) {
    const group = await deps.groups.get(roomId);
    if (!group || group.cancelledAt || !mayCancel(group)) {
      out.push({ roomId, result: 'not_owned' });
      continue;
    }
    if (!(await deps.groups.cancel(roomId, reason))) {
      out.push({ roomId, result: 'not_owned' });
      continue;
    }
    // A cancelled group takes no more deliveries, whoever holds it next.
    const room = await deps.rooms.update(roomId, { launch: false });
    let left = false;
    if (room && (await deps.manager.isRunning(group.robotId)))
      left = await deps.manager.quitRoom(group.robotId, room).then(
        () => true,
        (err: unknown) => {
          deps.log.warn({ err, roomId }, 'robot could not leave a cancelled group');
          return false;
        },
      );
    out.push({ roomId, result: 'cancelled', left });
  }
  return out;
}
