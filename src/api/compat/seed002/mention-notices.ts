import type { RobotManager } from '../../../bot/robot-manager';
import type { Logger } from '../../../logger';
import type { GroupOwners } from '../../../owners';
import type { Mention, MentionService } from '../../../plugins/mention-capture/mention.service';

/** The key of a group owner's @-message switch in the mention plugin's switches. */
export const noticeKeyOf = (userId: string) => `group-owner:${userId}`;

/** The notice text a group owner gets (seed 002 @消息通知). */
export const noticeText = (m: Pick<Mention, 'roomTopic' | 'talkerName' | 'text'>) =>
  `【${m.roomTopic || '群'}】${m.talkerName || '有人'} @了机器人：${m.text.slice(0, 200)}`;

/**
 * Seed 002 @消息通知: when a member @-mentions the robot in a group owner's group and the owner
 * turned the switch on, the robot tells the owner in a private chat (through its paced outbox).
 * Owners whose WeChat id is not known yet (they never invited the robot) get none.
 */
export function startMentionNotices(deps: {
  mentions: Pick<MentionService, 'on' | 'off' | 'notifyEnabled'>;
  groupOwners: Pick<GroupOwners, 'owners' | 'groups'>;
  manager: Pick<RobotManager, 'send'>;
  log: Logger;
}): { stop(): void } {
  const notify = async (m: Mention) => {
    const group = await deps.groupOwners.groups.get(m.roomId);
    if (!group || group.cancelledAt) return;
    if (!(await deps.mentions.notifyEnabled(noticeKeyOf(group.userId)))) return;
    const owner = await deps.groupOwners.owners.byUserId(group.userId);
    if (!owner?.wxId || owner.blocked || owner.robotId !== m.robotId) return;
    await deps.manager.send(m.robotId, {
      conversationId: owner.wxId,
      content: { type: 'text', text: noticeText(m) },
      source: 'seed002:alt-notice',
    });
  };
  const onCaptured = (m: Mention) =>
    void notify(m).catch((err: unknown) => deps.log.warn({ err, mentionId: m.id }, '@-message notice not sent'));
  deps.mentions.on('stored', onCaptured);
  return { stop: () => deps.mentions.off('stored', onCaptured) };
}
