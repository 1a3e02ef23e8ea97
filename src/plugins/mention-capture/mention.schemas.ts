import { z } from 'zod';
import { queryBool, recordId } from '../../http/schemas';
import { ownerName } from '../../http/schemas';

const contextLine = z
  .object({
    messageId: z.string(),
    talkerId: z.string(),
    talkerName: z.string().optional(),
    text: z.string(),
    at: z.date(),
  })
  .meta({ id: 'MentionContextLine' });

const mentionFields = {
  id: z.string(),
  owner: z.string(),
  robotId: z.string(),
  roomId: z.string().meta({ description: 'the room record' }),
  roomTopic: z.string().optional(),
  conversationId: z.string().meta({ description: "the puppet's room id at capture time" }),
  messageId: z.string(),
  talkerId: z.string().meta({ description: 'the member who @-mentioned the robot (seed 002 mem_code)' }),
  talkerName: z.string().optional(),
  text: z.string(),
  at: z.date(),
  read: z.boolean(),
};

/** A capture without its context lines (list items). */
export const mentionSummaryView = z.object(mentionFields).meta({ id: 'MentionSummary' });

/** A capture with the messages before and after it. */
export const mentionView = z
  .object({
    ...mentionFields,
    before: z.array(contextLine).meta({ description: 'messages before the mention, oldest first' }),
    after: z.array(contextLine).meta({ description: 'messages after it, oldest first' }),
    afterComplete: z.boolean().meta({ description: 'false while the trailing context window is still open' }),
  })
  .meta({ id: 'Mention' });

/** Query filters of the capture list: owner (admin keys), unread, robot, room. */
export const mentionListFilter = {
  owner: ownerName.optional(),
  unread: queryBool.optional().meta({ description: 'true: unread only; false: read only' }),
  robotId: recordId.optional(),
  roomId: recordId.optional(),
};

/** Marks a capture read (default) or unread. */
export const markReadBody = z.object({ read: z.boolean().default(true) }).strict();

/** The text of a reply to a capture (sent in its room, @-mentioning the member). */
export const mentionReplyBody = z.object({ text: z.string().trim().min(1).max(4000) }).strict();

/** The queued reply: its send-log id, where it goes and its status. */
export const mentionReplyView = z
  .object({
    sendId: z.string().meta({ description: 'the send log entry' }),
    robotId: z.string(),
    conversationId: z.string(),
    mentionIds: z.array(z.string()),
    status: z.string().meta({ description: "queued: the robot's outbox sends it, paced" }),
  })
  .meta({ id: 'MentionReplyQueued' });

/** Whether an owner's captures are announced (seed 002 alt_switch). */
export const mentionNotifyView = z.object({ owner: z.string(), enabled: z.boolean() }).meta({ id: 'MentionNotify' });

/** Turns an owner's capture announcements on or off. */
export const mentionNotifyBody = z
  .object({
    enabled: z.boolean().meta({ description: 'seed 002 alt_switch' }),
    owner: ownerName.optional().meta({ description: 'required with an admin key' }),
  })
  .strict();
