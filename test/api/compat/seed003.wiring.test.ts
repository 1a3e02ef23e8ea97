import { createHash } from 'node:crypto';
import request from 'supertest';
import { start, type Started } from '../../../src/main';
import { testMongoUri, useTestDatabase } from '../../support/mongo';

// The database of this file (dropped after it); the started process uses it too.
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_seed003-wiring-test-admin-key';
const KEY = 'wiring-channel-key-0123456789';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const shanghaiNow = () => new Date(Date.now() + 8 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);

describe('seed 003 in the composition root', () => {
  const boot = (enabled: boolean, env: Record<string, string> = {}) =>
    start({
      ...env,
      NODE_ENV: 'test',
      PORT: '0',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
      QUNBOT_ADMIN_KEY: ADMIN_KEY,
      QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
      QUNBOT_TIME_ZONE: 'Asia/Shanghai',
      SEED003_ENABLED: String(enabled),
      SEED003_CHANNELS: JSON.stringify([{ chid: 'WIRE', key: KEY }]),
      LOG_LEVEL: 'silent',
    });

  test('when SEED003_ENABLED is on, then /api/<name> answers the signed dialect, malformed JSON included, and /api/v1 stays native', async () => {
    const started: Started = await boot(true);
    try {
      const body = JSON.stringify({
        reqHead: { chid: 'WIRE', txcode: 'WIRE-1', txtime: shanghaiNow(), botcode: 'nobody', sign: '' },
        reqBody: {},
      });
      const res = await request(started.url)
        .post('/api/botStatus')
        .set('Content-Type', 'application/json')
        .set('X-Ecaspsplus-Signature', md5(body + KEY))
        .set('X-Ecaspsplus-SignatureType', 'MD5')
        .send(body);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rtCode: '3001', resHead: {}, resBody: { rtCode: '3001' } });
      const forged = await request(started.url)
        .post('/api/botStatus')
        .set('Content-Type', 'application/json')
        .set('X-Ecaspsplus-Signature', md5(body))
        .set('X-Ecaspsplus-SignatureType', 'MD5')
        .send(body);
      expect(forged.status).toBe(401);
      expect(forged.body.rtCode).toBe('2003');
      const bad = await request(started.url)
        .post('/api/login')
        .set('Content-Type', 'application/json')
        .send('{"reqHead":');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ rtCode: '1001', resBody: { rtCode: '1001' } });
      expect((await request(started.url).get('/api/v1/robots')).body.error.code).toBe('unauthorized');
    } finally {
      await started.stop();
    }
  });

  test('when SEED003_ENABLED is off (the default), then /api/<name> does not exist', async () => {
    const started = await boot(false);
    try {
      const res = await request(started.url).post('/api/login').send({ reqHead: {} });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    } finally {
      await started.stop();
    }
  });

  test('when SEED003_PREFIX is /s3, then the signed dialect answers at /s3/api/<name>, its errors in its shape there', async () => {
    const started: Started = await boot(true, { SEED003_PREFIX: '/s3' });
    try {
      const body = JSON.stringify({
        reqHead: { chid: 'WIRE', txcode: 'WIRE-S3', txtime: shanghaiNow(), botcode: 'nobody', sign: '' },
        reqBody: {},
      });
      const res = await request(started.url)
        .post('/s3/api/botStatus')
        .set('Content-Type', 'application/json')
        .set('X-Ecaspsplus-Signature', md5(body + KEY))
        .set('X-Ecaspsplus-SignatureType', 'MD5')
        .send(body);
      expect([res.status, res.body.rtCode]).toEqual([200, '3001']);
      const bad = await request(started.url).post('/s3/api/login').set('Content-Type', 'application/json').send('{');
      expect([bad.status, bad.body.rtCode]).toEqual([400, '1001']);
      const unknown = await request(started.url).post('/s3/api/nothing').send({});
      expect(unknown.body.rtCode).toBe('1003');
      expect((await request(started.url).post('/api/botStatus').send(body)).body.error.code).toBe('not_found');
    } finally {
      await started.stop();
    }
  });
});
