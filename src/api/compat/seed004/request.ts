import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { Seed004Error, Code } from './envelope';

/**
 * The POST data of a request, as the seed sends it: `application/x-www-form-urlencoded` (the
 * seed's clients post forms) or JSON. Lists such as `rules_list` come as JSON text in a form field
 * (组成json 数据并发送) or as arrays in JSON. No body: {}.
 */
export async function readData(ctx: Context, limitBytes: number): Promise<Record<string, unknown>> {
  if (ctx.method === 'GET') return {};
  if (ctx.request.is('application/json')) {
    const body = (ctx.request as unknown as { body?: unknown }).body;
    if (body === undefined || body === null) return {};
    if (typeof body !== 'object' || Array.isArray(body))
      throw new Seed004Error(Code.badForm, 'form 验证错误 (the body must be a JSON object)');
    return body as Record<string, unknown>;
  }
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
  if (!hasBody) return {};
  if (!ctx.request.is('application/x-www-form-urlencoded') && !ctx.request.is('multipart/form-data'))
    throw new Seed004Error(Code.badForm, 'form 验证错误 (send a form or JSON)');
  if (ctx.request.is('multipart/form-data'))
    throw new Seed004Error(Code.badForm, 'form 验证错误 (send application/x-www-form-urlencoded or JSON)');
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: limitBytes, encoding: 'utf-8' });
  } catch {
    throw new Seed004Error(Code.badForm, 'form 验证错误 (the body is too large or unreadable)');
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

/** A list sent as JSON text in a form field, or as an array: its items as strings; null when it is neither. */
export function listField(value: unknown): string[] | null {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(v) || v.length > 1000) return null;
  return v.every((x) => typeof x === 'string' || typeof x === 'number') ? v.map(String) : null;
}
