import Koa from 'koa';
import type Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from '../logger';
import { errorHandler } from './middleware/error-handler';
import { resolveClientAddress } from './middleware/client-address';
import { requestId } from './middleware/request-id';
import { requestLog } from './middleware/request-log';
import { healthRoutes } from './routes/health.routes';

/** Everything the HTTP layer needs, passed in explicitly. */
export interface AppDeps {
  log: Logger;
  db: { ping(): Promise<boolean> };
  /** Routers mounted after health: the native API, the seed dialects (src/main.ts builds them). */
  routers?: readonly Router[];
  /** Largest JSON body accepted (default 256 kB); larger ones get 413. */
  bodyLimitKb?: number;
  /** Reverse proxies whose X-Forwarded-For names the client (config http.trustedProxies). */
  trustedProxies?: readonly string[];
}

/** Builds the Koa app without listening (tests use `app.callback()` with supertest). */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: false });
  const log = deps.log.child({ module: 'api' });
  // Errors are answered and logged by errorHandler; Koa's default handler would log them again.
  app.silent = true;
  app.use(requestId());
  app.use(resolveClientAddress(deps.trustedProxies));
  app.use(requestLog(log));
  app.use(errorHandler(log));
  const health = healthRoutes({ ping: () => deps.db.ping() });
  app.use(health.routes());
  app.use(health.allowedMethods({ throw: true }));
  // JSON only; the raw text stays on ctx.request.rawBody (signed dialects need it). Bad JSON: 400.
  // DELETE bodies too: seed 002 deletes a keyword with {"id": ...} in the body.
  app.use(
    bodyParser({
      enableTypes: ['json'],
      parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
      jsonLimit: `${deps.bodyLimitKb ?? 256}kb`,
      jsonStrict: true,
      encoding: 'utf-8',
    }),
  );
  for (const router of deps.routers ?? []) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
