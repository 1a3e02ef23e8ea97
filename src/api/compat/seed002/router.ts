import Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { ApiKeyService } from '../../../auth/api-key.service';
import type { AuthFailureLimiter } from '../../../auth/auth-failure-limiter';
import type { Runtime } from '../../../bot/runtime';
import { AppError } from '../../../http/errors';
import type { Principal } from '../../../http/principal';
import type { TextScreen } from '../../../http/text-screen';
import type { Logger } from '../../../logger';
import type { GroupOwners, GroupOwnerView } from '../../../owners';
import type { WelcomeService } from '../../../plugins/welcome/welcome.service';
import type { KeywordRuleService } from '../../../plugins/keyword-reply/keyword-rule.service';
import type { MentionService } from '../../../plugins/mention-capture/mention.service';
import type { LaunchService, MiniProgramIdentity } from '../../../launch';
import type { Broadcasts } from '../../../broadcasts';
import type { Db } from '../../../db/types';
import type { RoomStats } from '../../../stats';
import { attemptOf, limitedVerify } from '../../middleware/auth-limit';
import { describeIssues } from '../seed000/schemas';
import type { AppStatusService } from './app-status.service';
import { answer, badRequest, Code, Seed002Error, unauthorized, type Answer } from './envelope';
import type { OwnerTokens } from './owner-tokens';

export interface Seed002Deps {
  /** Mount prefix before the seed's paths ('' : /robot/show, /groups, ...). */
  prefix: string;
  /** The qunbot owner whose robots serve the platform's group owners. */
  tenant: string;
  keys: ApiKeyService;
  tokens: OwnerTokens;
  groupOwners: GroupOwners;
  runtime: Runtime;
  stats: RoomStats;
  welcome: WelcomeService;
  keywords: KeywordRuleService;
  mentions: MentionService;
  launch: LaunchService;
  broadcasts: Broadcasts;
  connection: Db;
  /** Mini-programs of delivery tasks' type-4 items, per API key id ('*': any other key). */
  miniPrograms: ReadonlyMap<string, MiniProgramIdentity>;
  appStatus: AppStatusService;
  /** Refuses written texts holding a sensitive word (2003); absent: none screened. */
  screen?: TextScreen;
  authLimiter?: AuthFailureLimiter;
  timeZone: string;
  log: Logger;
}

/**
 * Who may call an endpoint: a group owner with an access token from POST /auth (`owner`), or
 * the platform's own servers with an API key of the tenant (`platform`: every endpoint the seed
 * marks unauthenticated, since each changes or reveals something of a user), or `anyone`
 * (the service status a page shows before sign-in).
 */
export type Caller = 'owner' | 'platform' | 'anyone';

export interface Seed002Request<Q, B> {
  ctx: Context;
  params: Record<string, string>;
  query: Q;
  body: B;
  /** The signed-in group owner (`owner` endpoints). */
  owner: GroupOwnerView;
  /** The platform's API key (`platform` endpoints). */
  caller: Principal;
}

export interface Seed002Endpoint<Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  caller: Caller;
  /** A blocked owner may still call it (to learn that they are blocked, or who they are). */
  allowBlocked?: true;
  query?: Q;
  body?: B;
  handle(req: Seed002Request<z.output<Q>, z.output<B>>): Promise<Answer | MsgAnswer>;
}

/** The shape two endpoints answer in (POST /auth, GET /auth/me): `{code, msg, ...}`. */
export type MsgAnswer = { code: number; msg: string } & Record<string, unknown>;

/** Keeps the input types while declaring an endpoint. */
export function endpoint<Q extends z.ZodType, B extends z.ZodType>(e: Seed002Endpoint<Q, B>): Seed002Endpoint {
  return e as unknown as Seed002Endpoint;
}

export type EndpointFactory = (deps: Seed002Deps) => Seed002Endpoint[];

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = describeIssues(r.error);
    throw badRequest(issues.line, issues.list);
  }
  return r.data;
}

/** The API key a platform server sends: X-Api-Key, or Authorization: Bearer qb_... */
function apiKeyOf(ctx: Context): string | undefined {
  const header = ctx.get('x-api-key');
  if (header) return header;
  const m = /^Bearer\s+(qb_\S+)$/i.exec(ctx.get('authorization'));
  return m?.[1];
}

/** The access token an owner's client sends: Authorization: Bearer <token> (or the bare token), or an access_token header. */
function accessTokenOf(ctx: Context): string | undefined {
  const auth = ctx.get('authorization').trim();
  if (auth) return /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '') : auth;
  return ctx.get('access_token') || undefined;
}

const tooMany = (retryAfterSec: number) =>
  new Seed002Error(Code.tooMany, `too many failed authentications: retry in ${retryAfterSec} s`);

/**
 * Seed 002 (group-owner platform) at its paths: every answer is `{code, description, data,
 * page_info}` with HTTP 200 (an internal failure 500, a client over the failed-authentication
 * limit 429); field problems come back as 1403 with the fields in `data`. No token or key is
 * logged (the request log records paths only).
 */
export function buildSeed002Router(deps: Seed002Deps, factories: readonly EndpointFactory[]): Router {
  const log = deps.log.child({ module: 'seed002' });
  const router = new Router({ prefix: deps.prefix });

  const platform = async (ctx: Context): Promise<Principal> => {
    const key = apiKeyOf(ctx);
    if (!key) throw unauthorized('this endpoint is for the platform: send its API key in X-Api-Key');
    const principal = await limitedVerify(
      ctx,
      deps.authLimiter,
      attemptOf(ctx, 'seed002', key),
      () => deps.keys.verify(key),
      tooMany,
    );
    if (!principal) throw unauthorized('unknown or revoked API key');
    if (!principal.admin && principal.owner !== deps.tenant)
      throw unauthorized(`the API key is not of the platform's owner ${deps.tenant}`);
    return principal;
  };

  const owner = async (ctx: Context, allowBlocked: boolean): Promise<GroupOwnerView> => {
    const token = accessTokenOf(ctx);
    if (!token) throw unauthorized('send the access_token from POST /auth in Authorization: Bearer <token>');
    const verified = await limitedVerify(
      ctx,
      deps.authLimiter,
      attemptOf(ctx, 'seed002', token.slice(-16)),
      async () => {
        const claims = await deps.tokens.verify(token);
        const found = claims && (await deps.groupOwners.owners.byUserId(claims.userId));
        if (!claims || !found || found.tenant !== deps.tenant) return null;
        if (found.signedOutAt && claims.issuedAtMs <= found.signedOutAt.getTime()) return null;
        return found;
      },
      tooMany,
    );
    if (!verified) throw unauthorized('invalid, expired or revoked access token');
    if (verified.blocked && !allowBlocked) throw unauthorized('this user is blocked (封号)');
    return verified;
  };

  const run = async (ctx: Context, act: () => Promise<Answer | MsgAnswer>) => {
    ctx.status = 200;
    try {
      ctx.body = await act();
    } catch (err) {
      if (err instanceof Seed002Error) {
        if (err.code === Code.tooMany) ctx.status = 429;
        ctx.body = answer(err.code, err.message, err.details ?? null);
        return;
      }
      // The core's refusals: a sensitive word (2003, naming the field and span), else bad input.
      if (err instanceof AppError && err.status < 500) {
        const code =
          err.code === 'sensitive_word'
            ? Code.sensitiveWord
            : err.status === 404 || err.code === 'robot_not_running'
              ? Code.notFound
              : err.status === 429
                ? Code.tooMany
                : Code.badRequest;
        ctx.body = answer(code, err.message, err.details ?? null);
        return;
      }
      (ctx.state.log ?? log).error({ err, route: ctx.path }, 'seed002 request failed');
      ctx.status = 500;
      ctx.body = answer(Code.internal, 'internal error; nothing was done');
    }
  };

  for (const factory of factories)
    for (const e of factory(deps))
      router[e.method](e.path, (ctx) =>
        run(ctx, async () => {
          let who: GroupOwnerView | undefined;
          let caller: Principal | undefined;
          if (e.caller === 'platform') caller = await platform(ctx);
          else if (e.caller === 'owner') who = await owner(ctx, e.allowBlocked === true);
          const query = parse(e.query, ctx.query);
          const body = parse(e.body, (ctx.request as unknown as { body?: unknown }).body ?? {});
          return e.handle({
            ctx,
            params: ctx.params,
            query,
            body,
            owner: who as GroupOwnerView,
            caller: caller as Principal,
          });
        }),
      );
  return router;
}
