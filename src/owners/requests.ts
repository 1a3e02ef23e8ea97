import type { RobotManager, RuntimeEvents } from '../bot/robot-manager';
import type { Logger } from '../logger';
import { ownerOfInvite } from './assignment-rules';
import type { GroupOwnerService } from './group-owners.service';

/**
 * Answers a robot's friend requests and room invitations: accepted when they come from a group
 * owner assigned to that robot and not blocked (known by WeChat id, or the only one not yet known
 * by id whose nickname is the asker's name; a room invitation so matched teaches the owner's id,
 * a friend request does not); anyone else's stay unanswered for an operator. Where the puppet
 * cannot accept, the failure is logged.
 */
export class RequestAnswerer {
  private pending: Promise<void> = Promise.resolve();

  private readonly onRequest = ({ robotId, request }: RuntimeEvents['request'][0]): void => {
    this.pending = this.pending
      .then(async () => {
        const match = ownerOfInvite(request.from, await this.deps.owners.assignedTo(robotId));
        if (!match) {
          this.deps.log.info(
            { robotId, kind: request.kind },
            'request from someone who is no group owner of the robot: left unanswered',
          );
          return;
        }
        // A name is easy to copy: a friend request matched by nickname is accepted, but only an
        // invitation (the owner brings the robot into their group) teaches who the owner is.
        if (
          match.bind &&
          request.kind === 'room' &&
          !(await this.deps.owners.bind(match.userId, robotId, request.from.id))
        )
          return;
        await request.accept();
        this.deps.log.info({ robotId, kind: request.kind, userId: match.userId }, 'group owner’s request accepted');
      })
      .catch((err: unknown) => this.deps.log.warn({ err, robotId, kind: request.kind }, 'request not accepted'));
  };

  constructor(
    private readonly deps: {
      manager: Pick<RobotManager, 'on' | 'off'>;
      owners: Pick<GroupOwnerService, 'assignedTo' | 'bind'>;
      log: Logger;
    },
  ) {}

  attach(): this {
    this.deps.manager.on('request', this.onRequest);
    return this;
  }

  /** Stops listening; resolves when what was heard is answered. */
  async close(): Promise<void> {
    this.deps.manager.off('request', this.onRequest);
    await this.pending;
  }

  /** Resolves when every request heard so far is answered (tests). */
  settled(): Promise<void> {
    return this.pending;
  }
}
