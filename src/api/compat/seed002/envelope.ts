import type Router from '@koa/router';
import type { Mount, NativeError } from '../mount';

/**
 * Seed 002 codes (its 错误码对照表 and the codes named by its endpoints), answered in the body
 * with HTTP 200 as the seed's clients expect. The README lists which one qunbot uses for what.
 */
export const Code = {
  ok: 1200,
  /** 鉴权失败: no, a bad, an expired or a revoked token or API key; a blocked owner */
  unauthorized: 1401,
  /** 请求参数错误 */
  badRequest: 1403,
  /** 不存在: an unknown (or another owner's) group, message, keyword or user; also an unknown path */
  notFound: 1404,
  /** 请求方式异常 (not in the seed): the path exists with another method */
  wrongMethod: 1405,
  /** too many failed authentications (not in the seed): retry after the Retry-After header */
  tooMany: 1429,
  /** internal failure (not in the seed): nothing was done */
  internal: 1500,
  /** 机器人未找到: no robot can be assigned, or the owner has none */
  noRobot: 1600,
  /** 检测到敏感词汇 */
  sensitiveWord: 2003,
} as const;

export type CodeValue = (typeof Code)[keyof typeof Code];

/** Seed 002's `page_info`, pages counted from 0 as in its examples. */
export interface PageInfo {
  current_page: number;
  page_size: number;
  total_page: number;
  total_records: number;
}

/** The seed's answer: `{code, description, data, page_info}`. */
export interface Answer {
  code: number;
  description: string;
  data: unknown;
  page_info: PageInfo | Record<string, never>;
}

export const answer = (
  code: number,
  description: string,
  data: unknown = null,
  pageInfo: PageInfo | Record<string, never> = {},
): Answer => ({ code, description, data, page_info: pageInfo });

export const ok = (data: unknown, pageInfo?: PageInfo): Answer => answer(Code.ok, '', data, pageInfo ?? {});

/** A refusal in the seed's terms; `details` (field problems, the sensitive word) go into `data`. */
export class Seed002Error extends Error {
  override name = 'Seed002Error';
  constructor(
    readonly code: CodeValue,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const unauthorized = (why: string) => new Seed002Error(Code.unauthorized, `鉴权失败 (${why})`);
export const badRequest = (why: string, details?: unknown) =>
  new Seed002Error(Code.badRequest, `请求参数错误 (${why})`, details);
export const notFound = (what: string) => new Seed002Error(Code.notFound, `${what}不存在`);

function codeForStatus(status: number): CodeValue {
  if (status === 404) return Code.notFound;
  if (status === 405) return Code.wrongMethod;
  if (status === 429) return Code.tooMany;
  if (status >= 500) return Code.internal;
  return Code.badRequest;
}

/** The seed 002 answer of an error the app's error handler answered natively (bad JSON, too large, 404, 405). */
export function rewriteSeed002Error(status: number, error: NativeError): Answer {
  const message = typeof error.message === 'string' ? error.message : 'request failed';
  return answer(codeForStatus(status), message);
}

/** Seed 002 as mounted: its own routes answer errors in its shape (its paths share /robot with seed 000). */
export function seed002Mount(routers: readonly Router[], prefix: string | undefined): Mount {
  return {
    name: 'seed002',
    routers,
    ...(prefix ? { territory: prefix } : {}),
    rewriteError: rewriteSeed002Error,
  };
}
