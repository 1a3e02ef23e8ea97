import { z } from 'zod';
import { outboundContent } from '../../bot/content';
import { SEND_STATUSES } from '../../bot/send-log.model';
import { nameText } from '../../http/schemas';

/** A room as the API shows it, with its flags and per-room settings. */
export const roomView = z
  .object({
    id: z.string(),
    robotId: z.string(),
    puppetId: z.string().meta({ description: 'the room id at the puppet' }),
    topic: z.string(),
    ownerWxId: z.string().optional(),
    ownerName: z.string().optional(),
    memberCount: z.number(),
    present: z.boolean().meta({ description: 'false when the robot is no longer in the room' }),
    bound: z.boolean(),
    production: z.boolean(),
    launch: z.boolean(),
    starLevel: z.number().optional(),
    robotNickname: z.string().optional(),
    plugins: z
      .record(z.string(), z.boolean())
      .meta({ description: 'per-room plugin switches; absent: the configured default' }),
  })
  .meta({ id: 'Room' });

/** A change of a room's operator settings. */
export const updateRoomBody = z
  .object({
    production: z.boolean(),
    launch: z.boolean(),
    bound: z.boolean(),
    starLevel: z.number().int().min(0).max(5),
    robotNickname: nameText(64),
    plugins: z
      .record(z.string().regex(/^[a-z][a-z0-9-]{0,39}$/), z.boolean())
      .refine((p) => Object.keys(p).length <= 20, 'at most 20 plugins'),
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');

/** What a room sync did, with the rooms after it. */
export const syncResultView = z.object({
  created: z.number(),
  updated: z.number(),
  gone: z.number(),
  rooms: z.array(roomView),
});

const wxId = z.string().min(1).max(200);

/** A send through a robot's paced outbox: to one room or one contact. */
export const sendMessageBody = z
  .object({
    robotId: z.string().min(1).max(64),
    roomId: z.string().min(1).max(64).optional().meta({ description: 'a room id of qunbot (GET /rooms)' }),
    contactId: wxId.optional().meta({ description: 'a contact id at the puppet (direct message)' }),
    content: outboundContent,
    mention: z.array(wxId).max(50).optional().meta({ description: 'member ids to @-mention (text to rooms only)' }),
  })
  .strict()
  .refine((b) => (b.roomId === undefined) !== (b.contactId === undefined), {
    message: 'give exactly one of roomId and contactId',
    path: ['roomId'],
  })
  .refine((b) => !b.mention?.length || (b.roomId !== undefined && b.content.type === 'text'), {
    message: '@-mentions need a text message to a room',
    path: ['mention'],
  });

/** A queued send as logged. */
export const sendView = z
  .object({
    id: z.string(),
    robotId: z.string(),
    conversationId: z.string(),
    content: outboundContent,
    mentionIds: z.array(z.string()),
    status: z.enum(SEND_STATUSES),
    puppetMessageId: z.string().optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'Send' });
