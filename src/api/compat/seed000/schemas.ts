import { z } from 'zod';

/**
 * Request fields of seed 000 (names are the seed's). Unknown fields are ignored: the seed's
 * clients may send more than it lists. The platform key travels in a header, never here.
 */

/** Any text: a platform_id that is not configured is answered unknown_platform, not invalid. */
export const platformIdField = z.string().trim().min(1).max(64);

/**
 * The platform's user name (a phone number in the seed, a name such as "smart" in its examples).
 * A JSON number is taken as its digits, as clients may send a phone number unquoted. No `:` (it
 * is part of the robot owner, see platforms.ts ownerOf).
 */
export const mdUsernameField = z
  .union([z.string(), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String)])
  .pipe(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.@-]{1,32}$/, 'letters, digits and _ . @ - (1-32)'),
  );

/** A WeChat id (host_list's wx_username). */
export const wxUsernameField = z.string().trim().min(1).max(100);

/** Room ids as host_list shows them (`xxx@chatroom`). */
export const chatroomListField = z.array(z.string().trim().min(1).max(200)).max(500);

export const getQrcodeBody = z.object({
  md_username: mdUsernameField,
  platform_id: platformIdField.optional(),
  /** qunbot addition: log this WeChat account in again (a robot of this user that had it). */
  wx_username: wxUsernameField.optional(),
});

export const hostListQuery = z.object({
  username: mdUsernameField,
  platform_id: platformIdField.optional(),
});

/** The 11.16 form names the robot by wx_username; the older form by md_username (any robot of that user). */
export const productionBody = z
  .object({
    chatroom_list: chatroomListField,
    wx_username: wxUsernameField.optional(),
    md_username: mdUsernameField.optional(),
    platform_id: platformIdField.optional(),
  })
  .refine((b) => b.wx_username !== undefined || b.md_username !== undefined, {
    message: 'give wx_username (or md_username)',
    path: ['wx_username'],
  });

export const signRuleBody = z.object({
  md_username: mdUsernameField,
  // As the sign-in rules take keywords (see plugins/sign-in/sign-in.service.ts).
  keyword: z.string().trim().min(1).max(50),
  platform_id: platformIdField.optional(),
});

export const platformUserListQuery = z.object({
  platform_id: platformIdField.optional(),
});

/** Zod issues as one short line for `msg`, and as a list for `details`. */
export function describeIssues(err: z.ZodError): { line: string; list: { path: string; message: string }[] } {
  const list = err.issues
    .slice(0, 10)
    .map((i) => ({ path: i.path.map(String).join('.') || 'body', message: i.message }));
  return {
    line: list
      .slice(0, 5)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; '),
    list,
  };
}
