import Koa from 'koa';
import type { Logger } from '../logger';
import { errorHandler } from './middleware/error-handler';
import { requestId } from './middleware/request-id';
import { requestLog } from './middleware/request-log';
import { healthRoutes } from './routes/health.routes';

/** Everything the HTTP layer needs, passed in explicitly. */
export interface AppDeps {
  log: Logger;
  db: { ping(): Promise<boolean> };
}

/** Builds the Koa app without listening (tests use `app.callback()` with supertest). */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: false });
  const log = deps.log.child({ module: 'api' });
  // Errors are answered and logged by errorHandler; Koa's default handler would log them again.
  app.silent = true;
  app.use(requestId());
  app.use(requestLog(log));
  app.use(errorHandler(log));
  const health = healthRoutes({ ping: () => deps.db.ping() });
  app.use(health.routes());
  app.use(health.allowedMethods({ throw: true }));
  return app;
}
