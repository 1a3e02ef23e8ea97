import type { AuthFailureLimiter } from '../../../auth/auth-failure-limiter';
import { attemptOf, limitedVerify } from '../../middleware/auth-limit';
import { clientAddressOf } from '../../middleware/client-address';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import type { Runtime } from '../../../bot/runtime';
import type { Broadcasts } from '../../../broadcasts';
import type { Logger } from '../../../logger';
import type { SignInService } from '../../../plugins/sign-in/sign-in.service';
import { errorBody, okBody, Seed000Error } from './envelope';
import { PlatformKeys, type Platform, type PlatformConfig } from './platforms';
import { describeIssues } from './schemas';

/** Header that carries the platform key (the seed shows no credentials; see the README). */
export const KEY_HEADER = 'x-platform-key';

export interface Seed000Deps {
  runtime: Runtime;
  /** Mount prefix before the seed's paths (default '': /robot/...). */
  prefix?: string;
  /** The sign-in plugin's rules (define_sign_rule). */
  signIn: Pick<SignInService, 'defineKeyword'>;
  /** The configured platforms with their keys (digested at once; the keys are not kept). */
  platforms: readonly PlatformConfig[];
  log: Logger;
  /** How long getqrcode waits for a starting robot to show its QR code (default 15 s). */
  qrWaitMs?: number;
  /** Broadcasts (send_msg); without them send_msg is absent. */
  broadcasts?: Broadcasts;
  /** Counts wrong platform keys and refuses clients over the limit (429); absent: no limit. */
  authLimiter?: AuthFailureLimiter;
}

/** What endpoints get besides their request. */
export interface EndpointDeps {
  runtime: Runtime;
  signIn: Pick<SignInService, 'defineKeyword'>;
  log: Logger;
  qrWaitMs: number;
  /** Runs `fn` after every earlier call with the same key has finished (in this process). */
  serialize<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export interface Seed000Request<I> {
  ctx: Context;
  /** The platform of the key the request carried (platform_id, when given, named the same). */
  platform: Platform;
  input: I;
}

/**
 * One endpoint of the dialect. The router does the rest the same way for each: the key, the
 * JSON body or query validated by `input`, the platform_id check, and the envelope.
 */
export interface Seed000Endpoint<S extends z.ZodType = z.ZodType> {
  method: 'get' | 'post';
  /** The seed's path without its trailing slash; both forms are answered. */
  path: string;
  /** Validates the query (get) or the JSON body (post); a `platform_id` field is checked against the key. */
  input: S;
  /** The answer's fields (after `ret: 0, msg: 'ok'`, which they may override); throw Seed000Error for a refusal. */
  handle(req: Seed000Request<z.output<S>>): Promise<Record<string, unknown>>;
}

/** The endpoints of one concern, given the dependencies. */
export type EndpointFactory = (deps: EndpointDeps) => Seed000Endpoint[];

/** Keeps the input type while declaring an endpoint. */
export function endpoint<S extends z.ZodType>(e: Seed000Endpoint<S>): Seed000Endpoint {
  return e as unknown as Seed000Endpoint;
}

function hasBody(ctx: Context): boolean {
  return Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
}

/** The JSON object body ({} when none). Malformed JSON never gets here: the body parser answers it (see envelope.ts). */
function jsonBody(ctx: Context): unknown {
  if (!hasBody(ctx)) return {};
  if (!ctx.request.is('application/json'))
    throw new Seed000Error(415, 'unsupported_media_type', 'send the body as application/json');
  const body = (ctx.request as unknown as { body?: unknown }).body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new Seed000Error(400, 'invalid_request', 'the body must be a JSON object');
  return body;
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = describeIssues(r.error);
    throw new Seed000Error(400, 'invalid_request', issues.line, issues.list);
  }
  return r.data;
}

/** Calls with the same key run one after another (a failed call does not stop the next); keys are dropped when idle. */
export function keyedSerializer(): EndpointDeps['serialize'] {
  const tails = new Map<string, Promise<unknown>>();
  return (key, fn) => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/**
 * Seed 000 platform robot API at /robot/...: each endpoint a translation onto the runtime's
 * services (see the endpoint files). Every request must carry a configured platform's key in the
 * X-Platform-Key header; the key is never logged (the request log records the path only).
 */
export function seed000Router(deps: Seed000Deps, factories: readonly EndpointFactory[]): Router {
  const log = deps.log.child({ module: 'seed000' });
  const keys = new PlatformKeys(deps.platforms);
  const endpointDeps: EndpointDeps = {
    runtime: deps.runtime,
    signIn: deps.signIn,
    log,
    qrWaitMs: deps.qrWaitMs ?? 15_000,
    serialize: keyedSerializer(),
  };
  const router = new Router(deps.prefix ? { prefix: deps.prefix } : {});

  /**
   * A caller without a key (the seed's clients send none): admitted when its address is on a
   * platform's allow-list; the platform is the one the request names (platform_id), else the
   * only one admitting that address.
   */
  function admitWithoutKey(ctx: Context): Platform {
    const open = keys.openTo(clientAddressOf(ctx));
    if (open.length === 0)
      throw new Seed000Error(
        401,
        'missing_key',
        'send the platform key in the X-Platform-Key header (callers from this address need one)',
      );
    const source = (ctx.method === 'POST' ? (ctx.request as { body?: unknown }).body : ctx.query) as
      { platform_id?: unknown } | undefined;
    const asked = typeof source?.platform_id === 'string' ? source.platform_id : undefined;
    if (asked !== undefined) {
      const named = open.find((p) => p.id === asked);
      if (named) return named;
      if (!keys.has(asked)) throw new Seed000Error(404, 'unknown_platform', `no platform "${asked}" is configured`);
      throw new Seed000Error(403, 'platform_mismatch', `this address may not call platform "${asked}" without a key`);
    }
    if (open.length === 1) return open[0] as Platform;
    throw new Seed000Error(
      400,
      'platform_required',
      `several platforms admit this address without a key (${open.map((p) => p.id).join(', ')}): name platform_id`,
    );
  }

  async function authenticate(ctx: Context): Promise<Platform> {
    const key = ctx.get(KEY_HEADER);
    if (!key) return admitWithoutKey(ctx);
    const platform = await limitedVerify(
      ctx,
      deps.authLimiter,
      attemptOf(ctx, 'seed000', key),
      () => keys.verify(key) ?? null,
      (retryAfterSec) =>
        new Seed000Error(429, 'too_many_failures', `too many failed authentications: retry in ${retryAfterSec} s`),
    );
    if (!platform) throw new Seed000Error(401, 'invalid_key', 'the platform key is not valid');
    return platform;
  }

  /** A platform_id in the request must be a configured platform, and the key's. */
  function checkPlatformId(input: unknown, platform: Platform): void {
    const asked = (input as { platform_id?: unknown } | null)?.platform_id;
    if (typeof asked !== 'string') return;
    if (!keys.has(asked)) throw new Seed000Error(404, 'unknown_platform', `no platform "${asked}" is configured`);
    if (asked !== platform.id)
      throw new Seed000Error(403, 'platform_mismatch', `the key is for platform "${platform.id}", not "${asked}"`);
  }

  function mount(e: Seed000Endpoint): void {
    router[e.method](e.path, async (ctx) => {
      try {
        const platform = await authenticate(ctx);
        const input = parse(e.input, e.method === 'post' ? jsonBody(ctx) : ctx.query);
        checkPlatformId(input, platform);
        ctx.status = 200;
        // A handler may set another 2xx status (getqrcode: 202 while no code is shown yet).
        ctx.body = okBody(await e.handle({ ctx, platform, input }));
      } catch (err) {
        if (err instanceof Seed000Error) {
          ctx.status = err.status;
          ctx.body = errorBody(err.code, err.message, ctx.state.requestId, err.details);
          return;
        }
        // Never the request or its key: only the error.
        (ctx.state.log ?? log).error({ err, route: e.path }, 'seed000 request failed');
        ctx.status = 500;
        ctx.body = errorBody('internal_error', 'internal error', ctx.state.requestId);
      }
    });
  }

  for (const factory of factories) for (const e of factory(endpointDeps)) mount(e);
  return router;
}
