import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import { owningMount, type Mount } from './compat/mount';

/**
 * The operator console (console/, built by Vite into dist/console) at `/`. Only the files the
 * build wrote are served, looked up by exact name (a request never names a path on disk); any
 * other GET that a browser makes for a page (it accepts HTML rather than JSON; not under /api,
 * not a dialect's path) gets index.html, so deep links work on reload. A JSON client asking for
 * an unknown path still gets the API's 404. Everything comes from qunbot's origin (CONSOLE_CSP).
 */

/** Self only: scripts and styles are the bundle's files; images may be data: URLs (QR codes). */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  /** Hashed names (assets/…-<hash>.js) never change: cached for a year. */
  immutable: boolean;
}

/** Every file of the build by its URL path (`/assets/index-abc.js`). */
function readBuild(dir: string): Map<string, Asset> {
  const files = new Map<string, Asset>();
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.posix.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else {
        const type = TYPES[path.extname(entry.name)];
        if (!type) continue;
        const body = fs.readFileSync(path.join(dir, rel));
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
        files.set(`/${rel}`, { body, type, etag, immutable: rel.startsWith('assets/') });
      }
    }
  };
  walk('');
  return files;
}

/** A console page when the build is missing: says how to build it (503: not this request's fault). */
const NOT_BUILT = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>qunbot</title></head>
<body><h1>The qunbot console is not built</h1><p>Run <code>npm run build</code> (npm install and npm start do it), then reload.</p>
<p>The API is at <a href="/api/v1/docs">/api/v1/docs</a>.</p></body></html>
`;

function secure(ctx: Context): void {
  ctx.set('Content-Security-Policy', CONSOLE_CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Frame-Options', 'DENY');
}

/** Paths that are never console pages: the APIs and the probes. */
const RESERVED = /^\/(api|healthz|readyz)(\/|$)/i;

/**
 * Serves the console after every router had its chance (installed last): GET and HEAD of a build
 * file, or index.html for a page path that no API owns.
 */
export function consoleMiddleware(opts: { dir: string; mounts: readonly Mount[] }): Middleware {
  const files = fs.existsSync(path.join(opts.dir, 'index.html')) ? readBuild(opts.dir) : undefined;
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined || ctx.status !== 404) return;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return;
    if (RESERVED.test(ctx.path) || owningMount(opts.mounts, ctx.method, ctx.path)) return;
    const asset = files?.get(ctx.path);
    // A file-like path that is not in the build stays a 404 (no page for a missing script).
    if (!asset && /\.[a-z0-9]+$/i.test(ctx.path)) return;
    if (!asset && ctx.path !== '/' && ctx.accepts('json', 'html') !== 'html') return;
    secure(ctx);
    if (!files) {
      ctx.status = 503;
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = NOT_BUILT;
      return;
    }
    const served = asset ?? (files.get('/index.html') as Asset);
    ctx.set('Cache-Control', served.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.set('ETag', served.etag);
    ctx.status = 200;
    if (ctx.get('If-None-Match') === served.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = served.type;
    ctx.body = served.body;
  };
}

/** Puts the console behind every router of the app (call after the routers are mounted). */
export function installConsole(app: Koa, opts: { dir: string; mounts: readonly Mount[] }): void {
  app.use(consoleMiddleware(opts));
}
