import request from 'supertest';
import { start, type Started } from '../../../src/main';
import { testMongoUri, useTestDatabase } from '../../support/mongo';

// The database of this file (dropped after it); the started process uses it too.
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_seed000-wiring-test-admin-key';
const FRXS_KEY = 'frxs-wiring-key-0123456789abcdef';

describe('seed 000 in the composition root', () => {
  const boot = (env: Record<string, string>) =>
    start({
      NODE_ENV: 'test',
      PORT: '0',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
      QUNBOT_ADMIN_KEY: ADMIN_KEY,
      QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
      LOG_LEVEL: 'silent',
      ...env,
    });

  test("when SEED000_ENABLED is on with SEED000_PLATFORMS, then /robot answers with the platform key and in the dialect's error body, beside seed 001", async () => {
    const started: Started = await boot({
      SEED000_ENABLED: 'true',
      SEED000_PLATFORMS: JSON.stringify([{ id: 'frxs', key: FRXS_KEY }]),
      SEED001_ENABLED: 'true',
    });
    try {
      const list = await request(started.url)
        .get('/robot/platform_user_list')
        .query({ platform_id: 'frxs' })
        .set('X-Platform-Key', FRXS_KEY);
      expect(list.body).toEqual({ ret: 0, msg: 'ok', login_user_list: [] });
      const rule = await request(started.url)
        .post('/robot/define_sign_rule/')
        .set('X-Platform-Key', FRXS_KEY)
        .send({ md_username: '136', keyword: '签到', platform_id: 'frxs' });
      expect(rule.body).toMatchObject({ ret: 0, keyword: '签到' });
      expect((await started.plugins['sign-in'].signIn.rules('seed000:frxs:136')).map((r) => r.keywords)).toEqual([
        ['签到'],
      ]);

      const anonymous = await request(started.url).get('/robot/platform_user_list');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ ret: -1, code: 'missing_key' });
      const bad = await request(started.url)
        .post('/robot/getqrcode/')
        .set('X-Platform-Key', FRXS_KEY)
        .set('Content-Type', 'application/json')
        .send('{"md_username":');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ ret: -1, code: 'invalid_json' });
      // Seed 001 and the native API keep their own shapes.
      const seed001 = await request(started.url)
        .post('/robots')
        .set('Content-Type', 'application/json')
        .send('{"token":');
      expect(seed001.body).toEqual({ retCode: -1005, errorMsg: expect.any(String) });
      expect((await request(started.url).get('/api/v1/robots')).body.error.code).toBe('unauthorized');
    } finally {
      await started.stop();
    }
  });

  test('when SEED000_ENABLED is off (the default), then /robot does not exist', async () => {
    const started = await boot({ SEED000_PLATFORMS: JSON.stringify([{ id: 'frxs', key: FRXS_KEY }]) });
    try {
      const res = await request(started.url).get('/robot/platform_user_list').set('X-Platform-Key', FRXS_KEY);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    } finally {
      await started.stop();
    }
  });

  test('when SEED000_ENABLED is on without platforms, then start-up stops naming SEED000_PLATFORMS', async () => {
    await expect(boot({ SEED000_ENABLED: 'true' })).rejects.toThrow('SEED000_PLATFORMS');
  });

  test('when SEED000_PREFIX is /s0, then the dialect answers under /s0/robot, its errors in its shape there, and /robot is not its', async () => {
    const started: Started = await boot({
      SEED000_ENABLED: 'true',
      SEED000_PLATFORMS: JSON.stringify([{ id: 'frxs', key: FRXS_KEY }]),
      SEED000_PREFIX: '/s0',
    });
    try {
      const list = await request(started.url)
        .get('/s0/robot/platform_user_list')
        .query({ platform_id: 'frxs' })
        .set('X-Platform-Key', FRXS_KEY);
      expect(list.body).toEqual({ ret: 0, msg: 'ok', login_user_list: [] });
      const unknown = await request(started.url).get('/s0/robot/nothing');
      expect([unknown.status, unknown.body.ret, unknown.body.code]).toEqual([404, -1, 'not_found']);
      const old = await request(started.url).get('/robot/platform_user_list').set('X-Platform-Key', FRXS_KEY);
      expect([old.status, old.body.error?.code]).toEqual([404, 'not_found']);
    } finally {
      await started.stop();
    }
  });
});
