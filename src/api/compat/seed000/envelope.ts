import type Router from '@koa/router';
import type { Mount, NativeError } from '../mount';

/**
 * Seed 000 answers. The seed shows ad hoc bodies (`{data: [...]}`, `{login_user_list: [...]}`),
 * so qunbot adds `ret` and `msg` to them: `ret` 0 on success, -1 on every error, with a stable
 * `code` to branch on and the HTTP status telling the class (4xx: the request; 503: the robot
 * cannot reach WeChat, retry later). The codes, fixed here and listed in the README:
 *
 * | status | code                   | when                                                        |
 * |--------|------------------------|-------------------------------------------------------------|
 * | 400    | invalid_json           | the body is not valid JSON                                  |
 * | 400    | invalid_request        | a field is missing or has the wrong type (details name it)  |
 * | 400    | platform_required      | no key, and several platforms admit the caller's address    |
 * | 401    | missing_key            | no X-Platform-Key, and no platform admits the address       |
 * | 401    | invalid_key            | the key is no configured platform's                         |
 * | 403    | platform_mismatch      | platform_id names another platform than the key's           |
 * | 404    | unknown_platform       | platform_id names no configured platform                    |
 * | 404    | unknown_user           | md_username has no robot on this platform                   |
 * | 404    | unknown_wx_username    | wx_username is no robot of this platform (or of that user)  |
 * | 404    | unknown_chatroom       | some chatroom_list entries are no room of those robots      |
 * | 404    | not_found              | no such path under /robot                                   |
 * | 405    | method_not_allowed     | the path exists with another method                         |
 * | 413    | body_too_large         | the body is over the configured limit                       |
 * | 415    | unsupported_media_type | a body that is not application/json                         |
 * | 429    | too_many_failures      | too many wrong keys from this address or key (Retry-After)  |
 * | 503    | login_unavailable      | the robot could not start (puppet unreachable, bad settings)|
 * | 500    | internal_error         | unexpected failure (logged with the request id)             |
 */
export class Seed000Error extends Error {
  override name = 'Seed000Error';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  ret: -1;
  code: string;
  msg: string;
  request_id?: string;
  details?: unknown;
}

/** A success body: the endpoint's fields after `ret: 0, msg: 'ok'`. */
export function okBody(fields: Record<string, unknown>): Record<string, unknown> {
  return { ret: 0, msg: 'ok', ...fields };
}

export function errorBody(code: string, msg: string, requestId?: unknown, details?: unknown): ErrorBody {
  return {
    ret: -1,
    code,
    msg,
    ...(typeof requestId === 'string' ? { request_id: requestId } : {}),
    ...(details === undefined ? {} : { details }),
  };
}

/** Codes for errors raised before the dialect's router answers (body parser, router's 404/405). */
const CODE_FOR_STATUS: Record<number, string> = {
  400: 'invalid_json',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'body_too_large',
  415: 'unsupported_media_type',
};

/**
 * The seed 000 body of an error the app's error handler answered in the native shape (malformed
 * JSON 400, too large 413, no such path 404, wrong method 405), keeping the HTTP status.
 */
export function rewriteSeed000Error(status: number, error: NativeError): ErrorBody {
  const code =
    CODE_FOR_STATUS[status] ??
    (status >= 500 ? 'internal_error' : typeof error.code === 'string' ? error.code : 'bad_request');
  const message = typeof error.message === 'string' ? error.message : 'request failed';
  return errorBody(code, status === 400 ? `the body is not valid JSON: ${message}` : message, error.requestId);
}

/** Seed 000 as mounted: its routers, and every path under `<prefix>/robot` answers errors in its shape. */
export function seed000Mount(routers: readonly Router[], prefix = ''): Mount {
  return { name: 'seed000', routers, territory: `${prefix}/robot`, rewriteError: rewriteSeed000Error };
}
