import { timingSafeEqual, createHash } from 'node:crypto';
import Router from '@koa/router';
import type { Registry } from 'prom-client';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `GET /metrics` in the Prometheus text format, for a scraper holding the metrics token
 * (`Authorization: Bearer <token>`); compared in constant time, never logged.
 */
export function metricsRouter(registry: Registry, token: string): Router {
  const router = new Router();
  const want = digest(token);
  router.get('/metrics', async (ctx) => {
    const sent = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
    if (!sent || !timingSafeEqual(digest(sent), want)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = { error: { code: 'unauthorized', message: 'send the metrics token: Authorization: Bearer <token>' } };
      return;
    }
    ctx.set('Content-Type', registry.contentType);
    ctx.body = await registry.metrics();
  });
  return router;
}
