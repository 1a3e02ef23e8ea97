import Router from '@koa/router';

export interface HealthDeps {
  /** Resolves true when the database answers. */
  ping(): Promise<boolean>;
}

/** `/healthz`: the process is up. `/readyz`: the database answers too (503 otherwise). */
export function healthRoutes(deps: HealthDeps): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const database = await deps.ping();
    ctx.status = database ? 200 : 503;
    ctx.body = { status: database ? 'ready' : 'unavailable', checks: { database: database ? 'ok' : 'down' } };
  });
  return router;
}
