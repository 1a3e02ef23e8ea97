import request from 'supertest';
import { createApp } from '../../src/api/app';
import { connectDatabase, type Database } from '../../src/db/connection';
import { silentLog } from '../support/logger';
import { testMongoUri, uniqueDbName, useTestDatabase } from '../support/mongo';
import { startTcpProxy } from '../support/tcp-proxy';

// File-level, so its teardown runs after every describe's own afterAll.
const t = useTestDatabase(__filename);

describe('health endpoints', () => {
  test('when the process is up, then /healthz answers 200 with a request id', async () => {
    const app = createApp({ log: silentLog, db: t.db });
    const res = await request(app.callback()).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('when the caller sends a sane X-Request-Id, then it is echoed; when insane, then replaced', async () => {
    const app = createApp({ log: silentLog, db: t.db }).callback();
    expect((await request(app).get('/healthz').set('X-Request-Id', 'abc-123')).headers['x-request-id']).toBe('abc-123');
    const odd = await request(app).get('/healthz').set('X-Request-Id', 'a b<script>');
    expect(odd.headers['x-request-id']).not.toBe('a b<script>');
  });

  test('when the database answers, then /readyz is 200', async () => {
    const res = await request(createApp({ log: silentLog, db: t.db }).callback()).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  test('when no route matches, then a JSON 404 with a stable code', async () => {
    const res = await request(createApp({ log: silentLog, db: t.db }).callback()).post('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found' });
  });

  test('when a method is not allowed on a route, then 405 with a stable code', async () => {
    const res = await request(createApp({ log: silentLog, db: t.db }).callback()).post('/healthz');
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe('method_not_allowed');
  });

  test('when a handler crashes, then the client sees a 500 without internals and the error is logged once', async () => {
    const lines: Record<string, unknown>[] = [];
    const pino = (await import('pino')).default;
    const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const app = createApp({ log, db: { ping: () => Promise.reject(new Error('secret internals')) } });
    const res = await request(app.callback()).get('/readyz');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('secret internals');
    expect(res.body.error.code).toBe('internal_error');
    expect(lines.filter((l) => l.msg === 'unhandled error')).toHaveLength(1);
  });

  describe('when the database goes down', () => {
    let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
    let db: Database;

    beforeAll(async () => {
      const target = new URL(testMongoUri());
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 27017) });
      const viaProxy = `mongodb://127.0.0.1:${proxy.port}/?directConnection=true`;
      db = await connectDatabase({
        uri: viaProxy,
        dbName: uniqueDbName('readyz'),
        serverSelectionTimeoutMs: 1000,
        log: silentLog,
        attempts: 1,
      });
    });
    afterAll(async () => {
      await db.close();
      await proxy.close();
    });

    test('then /readyz is 503 while it is down and 200 once it is back', async () => {
      const app = createApp({ log: silentLog, db }).callback();
      expect((await request(app).get('/readyz')).status).toBe(200);

      proxy.down();
      const down = await request(app).get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ status: 'unavailable', checks: { database: 'down' } });
      expect((await request(app).get('/healthz')).status).toBe(200);

      // The driver reconnects on its own (heartbeat); await its event rather than counting probes.
      const back =
        db.connection.readyState === 1
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              db.connection.once('connected', () => resolve());
              db.connection.once('reconnected', () => resolve());
            });
      proxy.up();
      await back;
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++)
        status = (await request(app).get('/readyz')).status;
      expect(status).toBe(200);
    });
  });
});
