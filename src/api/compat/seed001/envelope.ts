import type Router from '@koa/router';
import type { Mount, NativeError } from '../mount';

/**
 * Seed 001 return codes (the seed's 错误码 list). Only these are answered; which one qunbot uses
 * for what is fixed here and documented in the README:
 * - 2000 missing, unknown or revoked `token` (应用不存在)
 * - 1102 the robot is not logged in to WeChat (微信已经退出登录)
 * - 1    unexpected server failure (请求接口失败; HTTP 500)
 * - -1   the send could not be queued (消息发送失败: the robot's outbox is full)
 * - -1001 `to_user` names no room of this robot (微信群不存在)
 * - -1005 invalid parameters, malformed JSON, not application/json, body too large (参数错误)
 * - -1006 the robot does not exist or is another owner's, no such route or method, no QR code
 *         to show (无效操作)
 */
export const RetCode = {
  ok: 0,
  appNotFound: 2000,
  loggedOut: 1102,
  /** 图片发送太频繁，被限制发送: over the robot's image sends per minute. */
  imageRateLimited: 1205,
  failed: 1,
  sendFailed: -1,
  roomNotFound: -1001,
  /** 文件位置错误: the image URL is one qunbot may not fetch (private or unresolvable address). */
  fileLocation: -1002,
  /** 服务器拒绝连接: the robot cannot reach its puppet service (offline, retrying). */
  serverRefused: -1003,
  /** 服务器返回异常值: the robot's puppet refused its settings (status error). */
  badServerAnswer: -1004,
  badParams: -1005,
  invalidOperation: -1006,
} as const;

export type RetCodeValue = (typeof RetCode)[keyof typeof RetCode];

/** A business error of the dialect: answered as `{ retCode, errorMsg }` (HTTP 200 unless `status`). */
export class Seed001Error extends Error {
  override name = 'Seed001Error';
  constructor(
    readonly retCode: RetCodeValue,
    message: string,
    readonly status = 200,
  ) {
    super(message);
  }
}

export interface Envelope {
  retCode: number;
  errorMsg: string;
  data?: unknown;
}

export function ok(data?: unknown): Envelope {
  return data === undefined ? { retCode: RetCode.ok, errorMsg: '' } : { retCode: RetCode.ok, errorMsg: '', data };
}

export function fail(retCode: number, errorMsg: string): Envelope {
  return { retCode, errorMsg };
}

function retCodeForStatus(status: number): number {
  if (status === 401 || status === 403) return RetCode.appNotFound;
  if (status === 404 || status === 405 || status === 501) return RetCode.invalidOperation;
  if (status >= 500) return RetCode.failed;
  return RetCode.badParams;
}

/**
 * The seed 001 envelope of an error the app's error handler answered in the native shape (the
 * shared JSON body parser: malformed JSON 400, too large 413; the router's 404/405), keeping the
 * HTTP status.
 */
export function rewriteSeed001Error(status: number, error: NativeError): Envelope {
  const message = typeof error.message === 'string' ? error.message : 'request failed';
  return fail(retCodeForStatus(status), status === 400 ? `参数错误: ${message}` : message);
}

/** Seed 001 as mounted: its routers, and every path under `<prefix>/robots` answers errors in its shape. */
export function seed001Mount(routers: readonly Router[], prefix = ''): Mount {
  return { name: 'seed001', routers, territory: `${prefix}/robots`, rewriteError: rewriteSeed001Error };
}
