import type { Runtime } from '../bot/runtime';
import type { Db } from '../db/types';
import type { Logger } from '../logger';
import type { CancelReason } from './assignment-rules';
import { cancelGroups, type CancelOutcome } from './cancellation';
import { GroupOwnerService } from './group-owners.service';
import { InvitationRecorder } from './invitations';
import { RequestAnswerer } from './requests';
import { OwnedGroupService } from './owned-groups.service';
import { StarRatingService } from './star-ratings.service';

export { CANCEL_REASONS, isCancelReason, type CancelReason } from './assignment-rules';
export type { CancelOutcome } from './cancellation';
export {
  GroupOwnerService,
  NoRobotError,
  OwnerBlockedError,
  type GroupOwnerView,
  type OwnerPatch,
  type OwnerSignUp,
} from './group-owners.service';
export { OwnedGroupService, type OwnedGroupView } from './owned-groups.service';
export { STAR_STATES, StarRatingService, type StarRating } from './star-ratings.service';

/** Group owners (seed 002 users), their robots and their groups. */
export interface GroupOwners {
  owners: GroupOwnerService;
  groups: OwnedGroupService;
  invitations: InvitationRecorder;
  /** Accepts group owners' friend requests and room invitations (absent: switched off). */
  requests?: RequestAnswerer;
  /** Stops listening to the runtime; resolves when what was heard is recorded. */
  close(): Promise<void>;
  /** Star ratings of groups (history; the room shows the latest). */
  stars: StarRatingService;
  /** Cancels groups the caller may cancel; the robot leaves each. */
  cancel(
    roomIds: readonly string[],
    reason: CancelReason,
    mayCancel: (group: { roomId: string; userId: string; robotId: string }) => boolean,
  ): Promise<CancelOutcome[]>;
}

/** Builds the group-owner services and starts recording invitations from the runtime's events. */
export function startGroupOwners(deps: {
  /** Accept group owners' friend requests and room invitations (default true). */
  acceptRequests?: boolean;
  connection: Db;
  runtime: Pick<Runtime, 'robots' | 'rooms' | 'manager' | 'clock'>;
  log: Logger;
}): GroupOwners {
  const { runtime: rt } = deps;
  const log = deps.log.child({ module: 'owners' });
  const now = () => rt.clock.now();
  const groups = new OwnedGroupService(deps.connection, now);
  const owners = new GroupOwnerService(deps.connection, { robots: rt.robots, groups, now });
  const invitations = new InvitationRecorder({ manager: rt.manager, owners, groups, log }).attach();
  const requests =
    deps.acceptRequests === false ? undefined : new RequestAnswerer({ manager: rt.manager, owners, log }).attach();
  return {
    owners,
    groups,
    invitations,
    ...(requests ? { requests } : {}),
    close: async () => {
      await invitations.close();
      await requests?.close();
    },
    stars: new StarRatingService(deps.connection, { rooms: rt.rooms, now }),
    cancel: (roomIds, reason, mayCancel) =>
      cancelGroups({ groups, rooms: rt.rooms, manager: rt.manager, log }, roomIds, reason, mayCancel),
  };
}
