import { z } from 'zod';
import { httpUrl, nameText } from '../../../http/schemas';
import { createRobotBody } from '../../schemas/robot';

/**
 * Request bodies of seed 001 (field names are the seed's). Unknown fields are ignored, as the
 * seed's clients may send more than it lists. `token` is read separately (body or query).
 */

/** "" is what some clients send for "not given". */
const optionalBlank = <T extends z.ZodType>(schema: T) =>
  z.union([z.literal('').transform(() => undefined), schema]).optional();

export const createBody = z.object({
  // The native API's name rule: visible, one line, no control characters or bidi overrides.
  username: nameText(100),
});

export const loginBody = z.object({
  callback_url: optionalBlank(httpUrl),
  // The same rule as the native API's agentCode: the 6 characters that end a bound room's name.
  agent_id: optionalBlank(createRobotBody.shape.agentCode.unwrap()),
});

export const messageBody = z.object({
  to_user: z.string().trim().min(1).max(200),
  msg_type: z.enum(['text', 'image']),
  content: z.string().min(1),
});

/** Zod issues as one short line for errorMsg. */
export function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`)
    .join('; ');
}
