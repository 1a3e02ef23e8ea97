import type { RobotManager, RuntimeEvents } from '../bot/robot-manager';
import type { Logger } from '../logger';
import { ownerOfInvite } from './assignment-rules';
import type { GroupOwnerService } from './group-owners.service';
import type { OwnedGroupService } from './owned-groups.service';

/**
 * Group ownership from invitations: when a robot is invited into a room, the room becomes the
 * group owner's who invited it (`ownerOfInvite`: known by WeChat id, or the only unbound owner of
 * that robot with the inviter's nickname, whose id is then learnt). Invitations by anyone else
 * leave the room unowned (an operator may assign it).
 */
export class InvitationRecorder {
  private pending: Promise<void> = Promise.resolve();

  private readonly onHandled = ({ robotId, event, roomId }: RuntimeEvents['handled'][0]): void => {
    if (event.kind !== 'room-join' || !roomId || !event.inviter) return;
    if (!event.invitees.some((c) => c.self())) return;
    const inviter = { id: event.inviter.id, name: event.inviter.name() };
    this.pending = this.pending
      .then(() => this.claim(robotId, roomId, inviter))
      .catch((err: unknown) => this.deps.log.error({ err, robotId, roomId }, 'group ownership not recorded'));
  };

  constructor(
    private readonly deps: {
      manager: Pick<RobotManager, 'on' | 'off'>;
      owners: Pick<GroupOwnerService, 'assignedTo' | 'bind'>;
      groups: Pick<OwnedGroupService, 'claim'>;
      log: Logger;
    },
  ) {}

  private async claim(robotId: string, roomId: string, inviter: { id: string; name: string }): Promise<void> {
    const match = ownerOfInvite(inviter, await this.deps.owners.assignedTo(robotId));
    if (!match) {
      this.deps.log.info({ robotId, roomId }, 'robot invited into a room by someone who is no group owner of it');
      return;
    }
    if (match.bind && !(await this.deps.owners.bind(match.userId, robotId, inviter.id))) {
      this.deps.log.info(
        { robotId, roomId },
        'invitation matched an owner by nickname whose WeChat id is known now: not theirs',
      );
      return;
    }
    const held = await this.deps.groups.claim({ roomId, robotId, userId: match.userId });
    this.deps.log.info({ robotId, roomId, userId: held.userId }, 'group owned');
  }

  attach(): this {
    this.deps.manager.on('handled', this.onHandled);
    return this;
  }

  /** Stops listening; resolves when what was heard is recorded. */
  async close(): Promise<void> {
    this.deps.manager.off('handled', this.onHandled);
    await this.pending;
  }

  /** Resolves when every invitation heard so far is recorded (tests, reads that must see them). */
  settled(): Promise<void> {
    return this.pending;
  }
}
