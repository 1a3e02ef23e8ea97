import type Router from '@koa/router';
import type { Mount, NativeError } from '../mount';

/**
 * Seed 004 codes (its `code 说明`), answered in the body with HTTP 200 as the seed's clients expect
 * (errors raised before the dialect's handlers keep their HTTP status). Which one qunbot uses for
 * what is listed in the README.
 */
export const Code = {
  ok: 200,
  /** 角色名已存在 */
  roleNameTaken: 300,
  /** 数据类型验证失败 */
  badType: 301,
  /** 对应ID不存在 */
  noSuchId: 302,
  /** form 验证错误 */
  badForm: 303,
  /** 含有子级数据 */
  hasChildren: 304,
  /** 不允许删除自己; also the password rule (the seed uses 305 for both, with distinct texts) */
  notYourself: 305,
  /** 账户未启用 */
  disabled: 306,
  /** 账号密码错误 */
  wrongPassword: 401,
  /** 请求方式异常 */
  wrongMethod: 402,
  /** 非法请求: a bad signature, an unknown user_id, a stale or reused timestamp, a permission not held */
  illegal: 404,
  /** internal failure (not in the seed): nothing was done */
  internal: 500,
} as const;

export type CodeValue = (typeof Code)[keyof typeof Code];

/** The seed's answer: `{code, msg, data}`. */
export interface Answer {
  code: number;
  msg: string;
  data: Record<string, unknown>;
}

export const answer = (code: number, msg: string, data: Record<string, unknown> = {}): Answer => ({ code, msg, data });

/** A refusal in the seed's terms. */
export class Seed004Error extends Error {
  override name = 'Seed004Error';
  constructor(
    readonly code: CodeValue,
    message: string,
  ) {
    super(message);
  }
}

/** 非法请求, with what was wrong after it (the seed's text first, for its clients). */
export const illegal = (why: string) => new Seed004Error(Code.illegal, `非法请求 (${why})`);

function codeForStatus(status: number): CodeValue {
  if (status === 404) return Code.illegal;
  if (status === 405) return Code.wrongMethod;
  if (status >= 500) return Code.internal;
  return Code.badForm;
}

/** The seed 004 answer of an error the app's error handler answered natively (bad JSON, too large, 404, 405). */
export function rewriteSeed004Error(status: number, error: NativeError): Answer {
  const message = typeof error.message === 'string' ? error.message : 'request failed';
  const code = codeForStatus(status);
  const head =
    code === Code.illegal
      ? '非法请求'
      : code === Code.wrongMethod
        ? '请求方式异常'
        : code === Code.internal
          ? '系统错误'
          : 'form 验证错误';
  return answer(code, `${head} (${message})`);
}

/** Seed 004 as mounted: every path under its prefix answers errors in its shape. */
export function seed004Mount(routers: readonly Router[], prefix: string): Mount {
  return { name: 'seed004', routers, territory: prefix, rewriteError: rewriteSeed004Error };
}
