import request from 'supertest';
import { start, type Started } from '../../../src/main';
import { testMongoUri, useTestDatabase } from '../../support/mongo';

// The database of this file (dropped after it); the started process uses it too.
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_seed001-wiring-test-admin-key';

describe('seed 001 in the composition root', () => {
  const boot = (enabled: boolean) =>
    start({
      NODE_ENV: 'test',
      PORT: '0',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
      QUNBOT_ADMIN_KEY: ADMIN_KEY,
      SEED001_ENABLED: String(enabled),
      LOG_LEVEL: 'silent',
    });

  test('when SEED001_ENABLED is on, then /robots answers the seed envelope, malformed JSON included', async () => {
    const started: Started = await boot(true);
    try {
      const created = await request(started.url).post('/robots').send({ token: ADMIN_KEY, username: 'wx_wired' });
      expect(created.body).toMatchObject({
        retCode: 0,
        errorMsg: '',
        data: { robot: { status: 'created', username: 'wx_wired' } },
      });
      expect((await started.runtime.robots.get(created.body.data.robot.id))?.owner).toBe('seed001');
      const bad = await request(started.url).post('/robots').set('Content-Type', 'application/json').send('{"token":');
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ retCode: -1005, errorMsg: expect.any(String) });
      // The native API keeps its own error shape.
      expect((await request(started.url).get('/api/v1/robots')).body.error.code).toBe('unauthorized');
    } finally {
      await started.stop();
    }
  });

  test('when SEED001_ENABLED is off (the default), then /robots does not exist', async () => {
    const started = await boot(false);
    try {
      const res = await request(started.url).post('/robots').send({ token: ADMIN_KEY, username: 'wx_off' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    } finally {
      await started.stop();
    }
  });
});
