import type { TextScreen } from '../../../http/text-screen';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthFailureLimiter } from '../../../auth/auth-failure-limiter';
import type { OperatorView } from '../../../auth/operator.service';
import type { Permission } from '../../../http/permissions';
import { permits, type Principal } from '../../../http/principal';
import type { Logger } from '../../../logger';
import { attemptOf, refuseIfLimited } from '../../middleware/auth-limit';
import { auditActor } from '../../v1/audit';
import type { People } from '../../v1/people';
import type { ScriptService } from '../../../scripts/scripts.service';
import { answer, Code, illegal, Seed004Error, type Answer } from './envelope';
import { readData } from './request';
import { randStrOf, sameRandStr, seed004TokenOf, timestampProblem } from './signature';
import type { SignatureReplay } from './sign-replay.service';

export interface Seed004Deps {
  people: Pick<People, 'auth' | 'operators' | 'roles' | 'sessions' | 'items' | 'audit' | 'companies'>;
  scripts: ScriptService;
  /** Refuses script texts holding a sensitive word (a 303 form error here); absent: none screened. */
  screen?: TextScreen;
  /** Derives each session's seed token (a key derived from the webhook master key). */
  tokenKey: string;
  replay: Pick<SignatureReplay, 'first'>;
  /** Accepted distance of `timestamp` from the server clock. */
  windowSec: number;
  prefix: string;
  timeZone: string;
  bodyLimitKb?: number;
  authLimiter?: AuthFailureLimiter;
  now: () => number;
  log: Logger;
}

/** A signed request, checked: the operator, their principal, the POST data and the path's id. */
export interface Seed004Request {
  ctx: Context;
  data: Record<string, unknown>;
  principal: Principal;
  operator: OperatorView;
  id: string;
}

export interface Seed004Endpoint {
  method: 'get' | 'post';
  path: string;
  /** The permission a role must hold; absent: any signed-in operator. */
  permission?: Permission;
  /** A GET that changes something (the seed deletes scripts with GET): audited like a POST. */
  changes?: true;
  handle(req: Seed004Request): Promise<Answer>;
}

export type EndpointFactory = (deps: Seed004Deps) => Seed004Endpoint[];

/** An unsigned endpoint (login): the POST data only. */
export interface Seed004OpenEndpoint {
  method: 'post';
  path: string;
  open: true;
  handle(req: { ctx: Context; data: Record<string, unknown> }): Promise<Answer>;
}

const tooMany = (retryAfterSec: number) =>
  new Seed004Error(Code.illegal, `非法请求 (too many failed requests: retry in ${retryAfterSec} s)`);

const single = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Checks the seed's signing: `user_id`, `timestamp` and `rand_str = md5(timestamp + token)` in the
 * query; the token is one of the operator's live seed sessions; the timestamp within the window;
 * the triple never seen before. Anything wrong is 非法请求 (404), counted as a failed authentication.
 */
async function signedPrincipal(
  ctx: Context,
  deps: Seed004Deps,
): Promise<{ principal: Principal; operator: OperatorView }> {
  const userId = single(ctx.query.user_id);
  const timestamp = single(ctx.query.timestamp);
  const randStr = single(ctx.query.rand_str);
  if (!userId || !timestamp || !randStr || !/^\d{1,12}$/.test(userId) || !/^[0-9a-f]{32}$/i.test(randStr))
    throw illegal('user_id, timestamp and rand_str are required in the query');
  const attempt = attemptOf(ctx, 'seed004', `u:${userId}`);
  await refuseIfLimited(ctx, deps.authLimiter, attempt, tooMany);
  const fail = async (why: string): Promise<never> => {
    await deps.authLimiter?.failed(attempt);
    throw illegal(why);
  };
  const stale = timestampProblem(timestamp, deps.now(), deps.windowSec);
  if (stale) throw illegal(stale);
  const operator = await deps.people.operators.byNumber(Number(userId));
  if (!operator) return fail('bad signature');
  const sessions = await deps.people.sessions.list(operator.id);
  const session = sessions.find((s) => sameRandStr(randStrOf(timestamp, seed004TokenOf(deps.tokenKey, s.id)), randStr));
  if (!session) return fail('bad signature');
  if (!(await deps.replay.first(operator.number, timestamp, randStr))) throw illegal('this rand_str was used already');
  // Marks the session used (its idle timeout starts again), as a native request does.
  const live = await deps.people.sessions.live(session.id);
  if (!live) throw illegal('the session ended');
  const principal = await deps.people.auth.principalOfSession(live);
  if (!principal) throw new Seed004Error(Code.disabled, '账户未启用 (this account is disabled)');
  return { principal, operator };
}

/**
 * Seed 004 (admin console API) at its prefix: every answer is `{code, msg, data}` with HTTP 200;
 * every request but login is signed (signedPrincipal). POST data may be a form or JSON. Nothing of
 * a request is logged but its path and failures.
 */
export function buildSeed004Router(
  deps: Seed004Deps,
  factories: readonly ((deps: Seed004Deps) => (Seed004Endpoint | Seed004OpenEndpoint)[])[],
): Router {
  const log = deps.log.child({ module: 'seed004' });
  const router = new Router({ prefix: deps.prefix });
  const limit = (deps.bodyLimitKb ?? 256) * 1024;

  const run = async (ctx: Context, act: () => Promise<Answer>) => {
    ctx.status = 200;
    try {
      ctx.body = await act();
    } catch (err) {
      if (err instanceof Seed004Error) {
        ctx.body = answer(err.code, err.message);
        return;
      }
      (ctx.state.log ?? log).error({ err, route: ctx.path }, 'seed004 request failed');
      ctx.status = 500;
      ctx.body = answer(Code.internal, '系统错误 (internal error; nothing was done)');
    }
  };

  /**
   * A POST changes something (or signs in): the audit log gets who, what, from where and the
   * seed code, as for the native API (an unsigned or forged request names nobody: not kept).
   */
  const audit = async (ctx: Context, method: string, path: string) => {
    const actor = auditActor(ctx.state.principal as Principal | undefined, ctx);
    if (!actor) return;
    const { code } = ctx.body as Answer;
    await deps.people.audit.record({
      ...actor,
      action: `${method.toUpperCase()} ${deps.prefix}${path}`,
      ...(ctx.params.id ? { targetId: ctx.params.id } : {}),
      status: ctx.status,
      result: code === Code.ok ? 'ok' : ctx.status >= 500 ? 'failed' : 'refused',
      ...(code === Code.ok ? {} : { code: `seed004_${code}` }),
    });
  };

  for (const factory of factories)
    for (const e of factory(deps)) {
      router[e.method](e.path, async (ctx) => {
        await run(ctx, async () => {
          if ('open' in e) return e.handle({ ctx, data: await readData(ctx, limit) });
          const { principal, operator } = await signedPrincipal(ctx, deps);
          ctx.state.principal = principal;
          if (principal.mustChangePassword && !e.path.startsWith('/modify_password'))
            throw new Seed004Error(Code.illegal, '非法请求 (change the password first: modify_password)');
          if (e.permission && !permits(principal, e.permission))
            throw illegal(`this needs the permission ${e.permission}`);
          const data = await readData(ctx, limit);
          return e.handle({ ctx, data, principal, operator, id: ctx.params.id ?? '' });
        });
        // The action happened: a failed audit write is logged, never turned into an error answer.
        if (e.method === 'post' || ('changes' in e && e.changes))
          await audit(ctx, e.method, e.path).catch((err: unknown) =>
            deps.log.error({ err, path: e.path }, 'seed 004 audit entry not stored'),
          );
      });
    }
  return router;
}
