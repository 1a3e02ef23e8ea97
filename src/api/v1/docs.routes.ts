import fs from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';

/**
 * GET <prefix>/docs: Swagger UI for the OpenAPI document, served from the swagger-ui-dist
 * package (no CDN: qunbot runs on machines without internet). Only the files listed in ASSETS
 * are served, looked up by exact name, so a request can never name another file on disk.
 */

const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const version = (JSON.parse(fs.readFileSync(path.join(dist, 'package.json'), 'utf8')) as { version: string }).version;

/** The only files of the package the page needs, and their content types. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/**
 * Self only. Images may also be data: URLs (Swagger UI's CSS draws its icons that way). No
 * inline script: the start-up code is a file of its own (init.js) for that reason.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function page(prefix: string): string {
  const assets = `${prefix}/docs/assets`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>qunbot API</title>
    <link rel="stylesheet" href="${assets}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${assets}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${assets}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${assets}/swagger-ui-bundle.js"></script>
    <script src="${prefix}/docs/init.js"></script>
  </body>
</html>
`;
}

function init(prefix: string): string {
  // validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
  return `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(`${prefix}/openapi.json`)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;
}

function secure(ctx: Context): void {
  ctx.set('Content-Security-Policy', DOCS_CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
}

/** Serves `body` with a version ETag; a browser that has it gets a 304. */
function cached(ctx: Context, etag: string, type: string, body: () => string | Buffer): void {
  secure(ctx);
  ctx.set('ETag', etag);
  ctx.set('Cache-Control', 'public, max-age=3600');
  ctx.status = 200;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.type = type;
  ctx.body = body();
}

/** Adds the docs page, its start-up script and the Swagger UI files to the API's router. */
export function docsRoutes(router: Router, prefix: string): void {
  const html = page(prefix);
  const script = init(prefix);
  // Read once on first use and kept (about 1.5 MB): the files never change while running.
  const files = new Map<string, Buffer>();
  const tag = (name: string) => `"swagger-ui-dist-${version}-${name}"`;

  router.get('/docs', (ctx) => {
    secure(ctx);
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html;
  });
  router.get('/docs/init.js', (ctx) =>
    cached(ctx, tag(`init-${prefix}`), 'text/javascript; charset=utf-8', () => script),
  );
  router.get('/docs/assets/:file', (ctx) => {
    const name = ctx.params.file;
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    // Unknown name: fall through to the JSON 404 of the error handler.
    if (!type) return;
    cached(ctx, tag(name), type, () => {
      let data = files.get(name);
      if (!data) files.set(name, (data = fs.readFileSync(path.join(dist, name))));
      return data;
    });
  });
}
