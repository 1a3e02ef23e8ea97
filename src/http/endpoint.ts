import type { Context } from 'koa';
import type Router from '@koa/router';
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Permission } from './permissions';
import { permits, type Principal } from './principal';
import { AppError, forbidden, unauthorized } from './errors';
import { errorBody } from './schemas';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyObject = z.ZodObject<z.ZodRawShape>;
type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/**
 * Who may call an endpoint: any authenticated caller (an API key or an operator session), only
 * one that sees every owner (`admin`), or anyone (`public`: signing in).
 */
export type Access = 'key' | 'admin' | 'public';

/** Nobody: the principal of a `public` endpoint's handler. */
const ANONYMOUS: Principal = { keyId: '', admin: false, permissions: new Set() };

/** What a handler gets: the validated path, query and body, the caller, and the Koa context. */
export interface EndpointInput<P, Q, B> {
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  principal: Principal;
  ctx: Context;
}

/**
 * One HTTP endpoint: its path, the zod schemas of its input and output, and its handler.
 * The same schemas validate requests and produce the OpenAPI document.
 */
export interface Endpoint<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
> {
  method: Method;
  /** Koa-style path relative to the API's prefix, e.g. `/robots/:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access?: Access;
  /**
   * The permission the caller's role must hold (operators; API keys hold every one), or `any`
   * for what every signed-in caller may do to themselves (their own sessions and password).
   */
  permission: Permission | 'any';
  params?: P;
  query?: Q;
  body?: B;
  /** Success status (default 200; 201 for creations). */
  status?: number;
  /**
   * `text/event-stream`: the handler answers a stream of server-sent events (a Readable, which
   * `response` describes as text); absent: JSON.
   */
  produces?: 'text/event-stream';
  response: R;
  handle(input: EndpointInput<P, Q, B>): Promise<z.infer<R>>;
}

/** A state-changing call as it ended: for the audit log (src/api wires it). */
export interface ActionRecord {
  /** The caller; null when authentication failed; the anonymous principal on public endpoints. */
  principal: Principal | null;
  method: string;
  /** The route with the API's prefix, e.g. `/api/v1/robots/:id`. */
  route: string;
  params: Record<string, string>;
  status: number;
  /** The error code when refused or failed. */
  code?: string;
  ctx: Context;
}

/** How a request proves who it is; the API layer resolves the key, this module only asks. */
export type Authenticate = (ctx: Context) => Promise<Principal | null>;

function issues(err: z.ZodError, where: string) {
  return err.issues
    .slice(0, 20)
    .map((i) => ({ in: where, path: i.path.map(String).join('.'), code: i.code, message: i.message }));
}

function validate<S extends z.ZodType | undefined>(schema: S, value: unknown, where: string): Infer<S> {
  if (!schema) return undefined as Infer<S>;
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError(400, 'invalid_request', `invalid ${where}`, issues(r.error, where));
  return r.data as Infer<S>;
}

function hasBody(ctx: Context): boolean {
  return Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
}

/**
 * An endpoint without a body schema takes no body: none, or `{}`. Anything else (another type:
 * 415; other JSON: 400) is refused before the action runs.
 */
function noBody(ctx: Context): undefined {
  if (!hasBody(ctx)) return undefined;
  const body = jsonBody(ctx);
  const empty = typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0;
  if (!empty)
    throw new AppError(400, 'invalid_request', 'this endpoint takes no body: send none, or {}', [
      { in: 'body', path: '', code: 'unexpected_body', message: 'expected no body or {}' },
    ]);
  return undefined;
}

/** Reads the JSON body the body parser left; a body of another type is a 415. */
function jsonBody(ctx: Context): unknown {
  if (!hasBody(ctx)) return {};
  if (!ctx.request.is('application/json'))
    throw new AppError(415, 'unsupported_media_type', 'send the body as application/json');
  return (ctx.request as unknown as { body?: unknown }).body ?? {};
}

function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

/** A router whose endpoints are validated by zod and listed in the OpenAPI registry. */
export class EndpointRouter {
  constructor(
    private readonly router: Router,
    private readonly registry: OpenAPIRegistry,
    private readonly authenticate: Authenticate,
    private readonly prefix = '',
    /** Awaited after every state-changing call (not GET), whatever its outcome, before the answer goes. */
    private readonly onAction?: (a: ActionRecord) => Promise<void>,
  ) {}

  add<
    P extends AnyObject | undefined,
    Q extends AnyObject | undefined,
    B extends z.ZodType | undefined,
    R extends z.ZodType,
  >(e: Endpoint<P, Q, B, R>): this {
    const status = e.status ?? 200;
    const access = e.access ?? 'key';
    const route = this.prefix + e.path;
    this.router[e.method](e.path, async (ctx) => {
      if (!this.onAction || e.method === 'get') return this.run(e, access, status, ctx);
      let principal: Principal | null = null;
      try {
        principal = await this.run(e, access, status, ctx);
        await this.onAction({ principal, method: e.method.toUpperCase(), route, params: ctx.params, status, ctx });
      } catch (err) {
        const known = err instanceof AppError;
        await this.onAction({
          principal: principal ?? (ctx.state.principal as Principal | null | undefined) ?? null,
          method: e.method.toUpperCase(),
          route,
          params: ctx.params,
          status: known ? err.status : 500,
          code: known ? err.code : 'internal_error',
          ctx,
        });
        throw err;
      }
    });
    this.registerDoc(e, access, status);
    return this;
  }

  /** Authenticates, checks access and permission, validates, handles; answers the principal. */
  private async run<
    P extends AnyObject | undefined,
    Q extends AnyObject | undefined,
    B extends z.ZodType | undefined,
    R extends z.ZodType,
  >(e: Endpoint<P, Q, B, R>, access: Access, status: number, ctx: Context): Promise<Principal> {
    const principal = access === 'public' ? ANONYMOUS : await this.authenticate(ctx);
    if (!principal)
      throw unauthorized('send a valid API key (Authorization: Bearer <key>) or sign in (POST /api/v1/sessions)');
    if (access === 'admin' && !principal.admin) throw forbidden('this endpoint needs an admin key or operator');
    if (access !== 'public' && e.permission !== 'any' && principal.mustChangePassword)
      throw new AppError(
        403,
        'password_change_required',
        'change the generated password first (PUT /api/v1/me/password)',
      );
    if (access !== 'public' && e.permission !== 'any' && !permits(principal, e.permission))
      throw forbidden(`this needs the permission ${e.permission}`);
    const params = validate(e.params, ctx.params, 'path');
    const query = validate(e.query?.strict(), ctx.query, 'query');
    const body = e.body ? validate(e.body, jsonBody(ctx), 'body') : noBody(ctx);
    const result = await e.handle({ params, query, body, principal, ctx } as unknown as EndpointInput<P, Q, B>);
    ctx.status = status;
    if (e.produces) ctx.type = e.produces;
    ctx.body = result;
    return principal;
  }

  private registerDoc<
    P extends AnyObject | undefined,
    Q extends AnyObject | undefined,
    B extends z.ZodType | undefined,
    R extends z.ZodType,
  >(e: Endpoint<P, Q, B, R>, access: Access, status: number): void {
    const route: RouteConfig = {
      method: e.method,
      path: this.prefix + openApiPath(e.path),
      tags: [e.tag],
      summary: e.summary,
      description: [
        e.description,
        access === 'public' ? 'No authentication.' : e.permission === 'any' ? '' : `Needs \`${e.permission}\`.`,
      ]
        .filter(Boolean)
        .join(' '),
      'x-permission': access === 'public' ? 'public' : e.permission,
      security: access === 'public' ? [] : [{ apiKey: [] }, { session: [] }],
      request: {
        ...(e.params ? { params: e.params } : {}),
        ...(e.query ? { query: e.query } : {}),
        ...(e.body ? { body: { required: true, content: { 'application/json': { schema: e.body } } } } : {}),
      },
      responses: {
        [status]: { description: 'success', content: { [e.produces ?? 'application/json']: { schema: e.response } } },
        400: {
          description: 'invalid input (code invalid_request, details list the fields)',
          content: { 'application/json': { schema: errorBody } },
        },
        401: {
          description: 'missing or unknown API key or session',
          content: { 'application/json': { schema: errorBody } },
        },
        429: {
          description: 'too many failed authentications from this address or with this key prefix (see Retry-After)',
          headers: {
            'Retry-After': { description: 'seconds until the client may try again', schema: { type: 'integer' } },
          },
          content: { 'application/json': { schema: errorBody } },
        },
        ...(access === 'admin' || (access !== 'public' && e.permission !== 'any')
          ? {
              403: {
                description: access === 'admin' ? 'needs an admin key or operator' : `needs ${e.permission}`,
                content: { 'application/json': { schema: errorBody } },
              },
            }
          : {}),
        ...(e.params
          ? {
              404: {
                description: "not found (or another owner's)",
                content: { 'application/json': { schema: errorBody } },
              },
            }
          : {}),
      },
    };
    this.registry.registerPath(route);
  }
}
