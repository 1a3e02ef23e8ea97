import type Router from '@koa/router';
import type Koa from 'koa';
import type { Middleware } from 'koa';

/** One method and path pattern a router answers (`:name` one segment, `*name` the rest). */
export interface RouteClaim {
  method: string;
  path: string;
}

/** The native error body (src/api/middleware/error-handler.ts) that a dialect may rewrite. */
export interface NativeError {
  code?: unknown;
  message?: unknown;
  requestId?: unknown;
}

/**
 * Where one API is mounted and whose errors are whose. The app's error handler answers errors
 * raised outside a dialect's handlers (malformed JSON, too large, no such path, wrong method) in
 * the native shape; the dialect that owns the request rewrites them into its own.
 */
export interface Mount {
  name: string;
  /** Its routers, as mounted (paths include the mount prefix). */
  routers: readonly Router[];
  /**
   * The path prefix (with the mount prefix) under which the dialect also answers unknown paths,
   * e.g. `/robot` for seed 000: its 404s are in its shape there. Absent: only its own routes.
   */
  territory?: string;
  /** The dialect's body for an error answered natively; undefined leaves the native body. */
  rewriteError?(status: number, error: NativeError, path: string): unknown;
}

/** A path's segments, lower-cased: @koa/router matches paths without regard to case, and so does this. */
const segments = (path: string): string[] =>
  path
    .toLowerCase()
    .split('/')
    .filter((s) => s !== '');
const isParam = (s: string) => s.startsWith(':');
const isRest = (s: string) => s.startsWith('*');

/** Every method and path the routers answer (HEAD, implied by GET, left out). */
export function claimsOf(routers: readonly Router[]): RouteClaim[] {
  return routers.flatMap((router) =>
    router.stack.flatMap((layer) =>
      typeof layer.path === 'string'
        ? layer.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: layer.path as string }))
        : [],
    ),
  );
}

/** True when some concrete path matches both patterns (`:x` one segment each, `*x` one or more). */
export function patternsOverlap(a: string, b: string): boolean {
  const walk = (x: string[], y: string[]): boolean => {
    const [p, ...xs] = x;
    const [q, ...ys] = y;
    if (p === undefined || q === undefined) return p === q;
    if (isRest(p)) return true;
    if (isRest(q)) return true;
    return (isParam(p) || isParam(q) || p === q) && walk(xs, ys);
  };
  return walk(segments(a), segments(b));
}

/** True when the concrete path matches the pattern. */
export function pathMatches(pattern: string, path: string): boolean {
  const want = segments(pattern);
  const got = segments(path);
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    if (isRest(w)) return got.length > i;
    if (i >= got.length || (!isParam(w) && w !== got[i])) return false;
  }
  return want.length === got.length;
}

/** Every method and path two different mounts both claim, as sentences; empty when none. */
export function findConflicts(mounts: readonly Mount[]): string[] {
  const claims = mounts.map((m) => ({ name: m.name, claims: claimsOf(m.routers) }));
  const found = new Set<string>();
  claims.forEach((a, i) =>
    claims.slice(i + 1).forEach((b) => {
      for (const x of a.claims)
        for (const y of b.claims)
          if (x.method === y.method && patternsOverlap(x.path, y.path))
            found.add(`${a.name} (${x.method} ${x.path}) and ${b.name} (${y.method} ${y.path})`);
    }),
  );
  return [...found];
}

/** Throws at start-up when two enabled APIs claim the same method and path. */
export function assertNoConflicts(mounts: readonly Mount[]): void {
  const conflicts = findConflicts(mounts);
  if (conflicts.length === 0) return;
  throw new Error(
    `two APIs claim the same method and path: ${conflicts.slice(0, 5).join('; ')}${
      conflicts.length > 5 ? ` (and ${conflicts.length - 5} more)` : ''
    }. Give one of the dialects another mount prefix (SEED000_PREFIX, SEED001_PREFIX, SEED003_PREFIX, SEED004_PREFIX).`,
  );
}

/**
 * The mount that owns a request: the one with a route for its method and path, else one with a
 * route for its path (a wrong method), else the one with the longest territory holding the path.
 */
export function owningMount(mounts: readonly Mount[], method: string, path: string): Mount | undefined {
  const withRoutes = mounts.map((m) => ({ m, claims: claimsOf(m.routers) }));
  const byRoute =
    withRoutes.find(({ claims }) => claims.some((c) => c.method === method && pathMatches(c.path, path))) ??
    withRoutes.find(({ claims }) => claims.some((c) => pathMatches(c.path, path)));
  if (byRoute) return byRoute.m;
  let best: Mount | undefined;
  for (const m of mounts) {
    const t = m.territory?.toLowerCase();
    const p = path.toLowerCase();
    if (t === undefined || !(p === t || p.startsWith(t.endsWith('/') ? t : `${t}/`))) continue;
    if (!best || t.length > (best.territory as string).length) best = m;
  }
  return best;
}

/**
 * Rewrites natively answered errors into the shape of the mount that owns the request (route-level
 * ownership: two dialects may share a prefix). It must wrap the error handler, so installMounts
 * puts it first in the app's chain.
 */
export function mountErrorEnvelope(mounts: readonly Mount[]): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.status < 400) return;
    const body = ctx.body as { error?: NativeError } | undefined;
    if (!body || typeof body !== 'object' || !body.error || typeof body.error !== 'object') return;
    const rewritten = owningMount(mounts, ctx.method, ctx.path)?.rewriteError?.(ctx.status, body.error, ctx.path);
    if (rewritten === undefined) return;
    const status = ctx.status;
    ctx.body = rewritten;
    ctx.status = status;
  };
}

/**
 * Puts the mounts' error envelope in front of the app's whole middleware chain. Koa composes the
 * chain when `app.callback()` is called, so call this right after createApp and before listening.
 */
export function installMounts(app: Koa, mounts: readonly Mount[]): void {
  app.middleware.unshift(mountErrorEnvelope(mounts));
}
