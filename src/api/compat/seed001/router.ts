import type { AuthFailureLimiter } from '../../../auth/auth-failure-limiter';
import { attemptOf, limitedVerify } from '../../middleware/auth-limit';
import Router, { type RouterMiddleware } from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { ApiKeyService } from '../../../auth/api-key.service';
import type { RobotView } from '../../../bot/robot.service';
import type { Runtime } from '../../../bot/runtime';
import { canSee } from '../../../http/access';
import type { Principal } from '../../../http/principal';
import type { Logger } from '../../../logger';
import { fail, ok, RetCode, Seed001Error } from './envelope';
import { QrLinks } from './qrcode-link';
import { describeIssues } from './schemas';

export interface Seed001Deps {
  runtime: Runtime;
  /** Mount prefix before the seed's paths (default '': /robots...). */
  prefix?: string;
  keys: ApiKeyService;
  /** Counts wrong tokens and refuses clients over the limit (HTTP 429, retCode 2000); absent: no limit. */
  authLimiter?: AuthFailureLimiter;
  log: Logger;
  /** Owner of robots created with an admin key (owner keys create for their own owner). */
  adminOwner?: string;
  /** Rejects a callback URL that may not be called (SSRF guard); its message becomes errorMsg. */
  checkCallbackUrl?(url: string): Promise<void>;
  /** Public origin for qrcode_url (e.g. https://bots.example.com); default: the request's own. */
  publicOrigin?: string;
  /** How long a qrcode_url works (default 10 minutes). */
  qrLinkTtlMs?: number;
  /** HMAC secret of qrcode_url links (default: random per process). */
  qrLinkSecret?: string;
  /** How long the QR code link waits for a robot that is still starting to show its code (default 15 s). */
  qrWaitMs?: number;
  /** Images one robot may send per minute through /message (default 10; over: retCode 1205). */
  imagesPerMinute?: number;
}

/** What endpoints get besides their request. */
export interface EndpointDeps {
  runtime: Runtime;
  log: Logger;
  adminOwner: string;
  /** The mount prefix ('' by default), for links to the dialect's own paths. */
  prefix: string;
  /** Signs qrcode_url links (login) and checks them (the QR code image). */
  links: QrLinks;
  qrWaitMs: number;
  checkCallbackUrl?(url: string): Promise<void>;
  publicOrigin?: string;
  /** Images one robot may send per minute through /message (over: 1205). */
  imagesPerMinute: number;
  /** The principal of the request's `token` (JSON body, else query), else 2000. */
  principalOf(ctx: Context, body: Record<string, unknown>): Promise<Principal>;
  /** The robot, or -1006 when it does not exist or is another owner's (indistinguishable on purpose). */
  robotOf(principal: Principal, id: string): Promise<RobotView>;
}

export interface Seed001Request {
  ctx: Context;
  body: Record<string, unknown>;
  principal: Principal;
  /** The `:id` of the path ('' when none). */
  id: string;
}

/**
 * One endpoint of the dialect. Token endpoints get the body and the token checked first and
 * answer `{ retCode: 0, errorMsg: '', data }` with what `handle` returns; `raw` ones answer by
 * themselves (the QR code image).
 */
export type Seed001Endpoint =
  | { method: 'get' | 'post' | 'delete'; path: string; handle(req: Seed001Request): Promise<unknown> }
  | { method: 'get'; path: string; raw: RouterMiddleware };

/** The endpoints of one concern, given the dependencies. */
export type EndpointFactory = (deps: EndpointDeps) => Seed001Endpoint[];

/** The robot as the seed shows it. `status` is qunbot's robot status (created, waiting_for_scan, logged_in, ...). */
export function robotOut(r: RobotView) {
  return { id: r.id, status: r.status, username: r.username ?? '', nickname: r.wxName ?? '' };
}

export const loggedOut = () => new Seed001Error(RetCode.loggedOut, '微信已经退出登录 (the robot is not logged in)');

/**
 * Why a robot cannot send, in the seed's codes: offline (its puppet service cannot be reached,
 * qunbot retries) -1003 服务器拒绝连接; error (the puppet refused its settings) -1004
 * 服务器返回异常值; otherwise (logged out, stopped, not yet logged in) 1102.
 */
export function notSendable(robot: Pick<RobotView, 'status' | 'statusReason' | 'retryAt'>): Seed001Error {
  if (robot.status === 'offline')
    return new Seed001Error(
      RetCode.serverRefused,
      `服务器拒绝连接 (the robot cannot reach its puppet service${robot.statusReason ? `: ${robot.statusReason}` : ''}${robot.retryAt ? `; next retry at ${robot.retryAt.toISOString()}` : ''})`,
    );
  if (robot.status === 'error')
    return new Seed001Error(
      RetCode.badServerAnswer,
      `服务器返回异常值 (the robot's puppet refused to start${robot.statusReason ? `: ${robot.statusReason}` : ''})`,
    );
  return loggedOut();
}

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new Seed001Error(RetCode.badParams, `参数错误: ${describeIssues(r.error)}`);
  return r.data;
}

function hasBody(ctx: Context): boolean {
  return Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
}

/** The JSON object body; anything else is -1005. (Malformed JSON never gets here: see envelope.ts.) */
function jsonBody(ctx: Context): Record<string, unknown> {
  if (!hasBody(ctx)) return {};
  if (!ctx.request.is('application/json'))
    throw new Seed001Error(RetCode.badParams, '参数错误: send the body as application/json');
  const body = (ctx.request as unknown as { body?: unknown }).body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new Seed001Error(RetCode.badParams, '参数错误: the body must be a JSON object');
  return body as Record<string, unknown>;
}

/**
 * Seed 001 robots API at /robots... : a translation onto the runtime's services (one file per
 * endpoint group). Every answer is `{ retCode, errorMsg, data? }`; business errors are HTTP 200
 * with a non-zero retCode (as the seed's clients expect), unexpected failures HTTP 500 with
 * retCode 1. The `token` is a qunbot API key, from the JSON body or the query string; it is never
 * logged (the request log records the path only).
 */
export function buildSeed001Router(deps: Seed001Deps, factories: readonly EndpointFactory[]): Router {
  const rt = deps.runtime;
  const log = deps.log.child({ module: 'seed001' });
  const endpointDeps: EndpointDeps = {
    runtime: rt,
    log,
    adminOwner: deps.adminOwner ?? 'seed001',
    prefix: deps.prefix ?? '',
    links: new QrLinks(deps.qrLinkTtlMs ?? 10 * 60_000, deps.qrLinkSecret),
    qrWaitMs: deps.qrWaitMs ?? 15_000,
    imagesPerMinute: deps.imagesPerMinute ?? 10,
    ...(deps.checkCallbackUrl ? { checkCallbackUrl: deps.checkCallbackUrl } : {}),
    ...(deps.publicOrigin !== undefined ? { publicOrigin: deps.publicOrigin } : {}),
    async principalOf(ctx, body) {
      const fromQuery = ctx.query.token;
      const token = typeof body.token === 'string' ? body.token : typeof fromQuery === 'string' ? fromQuery : undefined;
      const principal = await limitedVerify(
        ctx,
        deps.authLimiter,
        attemptOf(ctx, 'seed001', token),
        () => (token ? deps.keys.verify(token) : null),
        (retryAfterSec) =>
          new Seed001Error(
            RetCode.appNotFound,
            `请求过于频繁 (too many failed tokens from this address or with this token: retry in ${retryAfterSec} s)`,
            429,
          ),
      );
      if (!principal) throw new Seed001Error(RetCode.appNotFound, '应用不存在 (missing or unknown token)');
      return principal;
    },
    async robotOf(principal, id) {
      const robot = await rt.robots.get(id);
      if (!robot || !canSee(principal, robot.owner))
        throw new Seed001Error(RetCode.invalidOperation, '无效操作: no such robot');
      return robot;
    },
  };
  const router = new Router(deps.prefix ? { prefix: deps.prefix } : {});

  /** Body and token first, then the envelope for the handler's result or its error. */
  function mount(e: Seed001Endpoint): void {
    if ('raw' in e) {
      router.get(e.path, e.raw);
      return;
    }
    router[e.method](e.path, async (ctx) => {
      ctx.status = 200;
      try {
        const body = e.method === 'post' ? jsonBody(ctx) : {};
        const principal = await endpointDeps.principalOf(ctx, body);
        const data = await e.handle({ ctx, body, principal, id: ctx.params.id ?? '' });
        ctx.body = ok(data);
      } catch (err) {
        if (err instanceof Seed001Error) {
          ctx.status = err.status;
          ctx.body = fail(err.retCode, err.message);
          return;
        }
        // Never the request or its token: only the error.
        (ctx.state.log ?? log).error({ err, route: e.path }, 'seed001 request failed');
        ctx.status = 500;
        ctx.body = fail(RetCode.failed, '请求接口失败 (internal error)');
      }
    });
  }

  for (const factory of factories) for (const e of factory(endpointDeps)) mount(e);
  return router;
}
