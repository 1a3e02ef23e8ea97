import { z } from 'zod';

/**
 * Request shapes of seed 003 (field names are the seed's). Unknown fields are ignored: the seed's
 * clients may send more than it lists. Content rules (lengths, URLs, control characters) are the
 * runtime's own (src/bot/content.ts), applied when the content is built.
 */

/** Printable ASCII without spaces: ids that end up in logs, keys and notifications. */
const code = (max: number) =>
  z.string().regex(new RegExp(`^[\\x21-\\x7e]{1,${max}}$`), `1-${max} printable ASCII characters, no spaces`);

/** "" is what some clients send for "not given". */
const optionalBlank = <T extends z.ZodType>(schema: T) =>
  z.union([z.literal('').transform(() => undefined), schema]).optional();

/** The part of reqHead needed to find the channel (checked before the signature). */
export const headChannel = z.object({ reqHead: z.object({ chid: z.string().min(1).max(64) }) });

export const reqHead = z.object({
  chid: z.string().min(1).max(64),
  txcode: code(64),
  txtime: z.string().regex(/^\d{14}$/, 'must be yyyymmddhhmmss'),
  botcode: code(64),
  // Required by the seed but unused: the signature travels in X-Ecaspsplus-Signature (a signature
  // inside the body it signs cannot be checked), so any string is accepted.
  sign: z.string().max(256).optional(),
});

export type ReqHead = z.infer<typeof reqHead>;

/** login, botStatus: no reqBody (absent, null or any object). */
export const emptyBody = z.union([z.null(), z.record(z.string(), z.unknown())]).optional();

const roomTopic = optionalBlank(z.string().max(200));
/** A qunbot addition: the room's WeChat id (`…@chatroom`) or qunbot id, to choose among rooms of one topic. */
const roomId = optionalBlank(z.string().max(100));

export const roomSendTextBody = z.object({
  text: z.string().min(1),
  roomTopic,
  roomId,
  atList: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
});

export const roomSendAppBody = z.object({
  roomTopic,
  roomId,
  appid: z.string().min(1),
  username: z.string().min(1),
  title: z.string().min(1),
  pagepath: optionalBlank(z.string()),
  description: optionalBlank(z.string()),
  thumbnailUrl: optionalBlank(z.string()),
});

/** msgStatus (a qunbot addition): the msgid a send interface answered. */
export const msgStatusBody = z.object({ msgid: z.number().int().positive() });

/** Not named by the seed ("发送图片消息: 优先级往后"); qunbot's choice, in the seed's style. */
export const roomSendImageBody = z.object({
  roomTopic,
  roomId,
  imageUrl: z.string().min(1),
});

/** Zod issues as one short line for rtMsg, prefixed with where they are (reqHead / reqBody). */
export function describeIssues(err: z.ZodError, where: string, rename: Record<string, string> = {}): string {
  return err.issues
    .slice(0, 5)
    .map(
      (i) =>
        `${[where, ...i.path.map((p) => (Object.hasOwn(rename, String(p)) ? rename[String(p)] : String(p)))].join('.')}: ${i.message}`,
    )
    .join('; ');
}
