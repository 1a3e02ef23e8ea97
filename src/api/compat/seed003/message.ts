import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { RtCode, Seed003Error } from './envelope';

/** The message of a request as it was signed: the JSON text and the object it holds. */
export interface Seed003Message {
  raw: string;
  body: Record<string, unknown>;
}

/** The form field and query parameter that carry the JSON message in a form POST or a GET. */
export const DATA_FIELD = 'data';

/**
 * The seed: "数据发送为表单POST方式或GET方式，建议使用POST", signed over "HTTP请求body中的JSON串".
 * qunbot reads the JSON message (the text the signature covers) from:
 * - POST `application/json`: the body;
 * - POST `application/x-www-form-urlencoded`: the `data` field, or the whole body when it is the
 *   JSON text itself (clients that post JSON under the form type);
 * - GET: the `data` query parameter (URL-encoded JSON).
 * Anything else, or a message that is not a JSON object, is refused with 1001 and nothing done.
 */
export async function readMessage(ctx: Context, limitBytes: number): Promise<Seed003Message> {
  if (ctx.method === 'GET') return parseMessage(single(ctx.query[DATA_FIELD]));
  if (ctx.request.is('application/json')) {
    const raw = (ctx.request as unknown as { rawBody?: unknown }).rawBody;
    return parseMessage(typeof raw === 'string' ? raw : undefined);
  }
  if (ctx.request.is('application/x-www-form-urlencoded')) {
    const text = await readBody(ctx, limitBytes);
    if (text.trimStart().startsWith('{')) return parseMessage(text);
    return parseMessage(single(new URLSearchParams(text).getAll(DATA_FIELD)));
  }
  throw new Seed003Error(
    RtCode.badBody,
    `报文格式错误 (send the message as application/json, as the form field "${DATA_FIELD}", or as ?${DATA_FIELD}= with GET)`,
    415,
  );
}

function single(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' ? value[0] : undefined;
}

async function readBody(ctx: Context, limitBytes: number): Promise<string> {
  try {
    return await getRawBody(ctx.req, { limit: limitBytes, encoding: 'utf-8' });
  } catch (err) {
    const type = (err as { type?: unknown }).type;
    if (type === 'entity.too.large')
      throw new Seed003Error(RtCode.badBody, '报文格式错误 (the body is too large)', 413);
    throw new Seed003Error(RtCode.badBody, '报文格式错误 (the body could not be read)', 400);
  }
}

function parseMessage(raw: string | undefined): Seed003Message {
  const notObject = () => new Seed003Error(RtCode.badBody, '报文格式错误 (the message must be a JSON object)', 400);
  if (raw === undefined || raw.trim() === '') throw notObject();
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new Seed003Error(RtCode.badBody, '报文格式错误 (the message is not valid JSON)', 400);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw notObject();
  return { raw, body: body as Record<string, unknown> };
}
