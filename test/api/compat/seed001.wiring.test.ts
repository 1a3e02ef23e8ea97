import request from 'supertest';
import { start, type Started } from '../../../src/main';
import { testMongoUri, useTestDatabase } from '../../support/mongo';

// The database of this file (dropped after it); the started process uses it too.
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_seed001-wiring-test-admin-key';

describe('seed 001 in the composition root', () => {
  const boot = (enabled: boolean, env: Record<string, string> = {}) =>
    start({
      ...env,
      NODE_ENV: 'test',
      PORT: '0',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
      QUNBOT_ADMIN_KEY: ADMIN_KEY,
      QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
      SEED001_ENABLED: String(enabled),
      LOG_LEVEL: 'silent',
      // A developer's host, allowed without a DNS lookup (no network here).
      QUNBOT_WEBHOOK_ALLOW_HOSTS: 'dev.acme.example',
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

  test('when an owner sets, reads and removes their developer callback through the native API, then only their own is seen and the token is the one callbacks carry', async () => {
    const started: Started = await boot(true);
    const api = (method: 'get' | 'post' | 'put' | 'delete', path: string, key: string) =>
      request(started.url)[method](`/api/v1${path}`).set('Authorization', `Bearer ${key}`);
    try {
      const mint = async (owner: string) =>
        (await api('post', '/api-keys', ADMIN_KEY).send({ owner, name: owner })).body.key as string;
      const acme = await mint('acme');
      const other = await mint('other');
      expect((await api('get', '/seed001/developer-callback', acme)).status).toBe(404);
      const set = await api('put', '/seed001/developer-callback', acme).send({ url: 'https://dev.acme.example/cb' });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({
        owner: 'acme',
        url: 'https://dev.acme.example/cb',
        token: expect.stringMatching(/^whsec_[0-9a-f]{64}$/),
        updatedAt: expect.any(String),
      });
      // Same token on reading; another owner neither sees it nor may name it.
      expect((await api('get', '/seed001/developer-callback', acme)).body.token).toBe(set.body.token);
      expect((await api('get', '/seed001/developer-callback', other)).status).toBe(404);
      const foreign = await api('get', '/seed001/developer-callback?owner=acme', other);
      expect([foreign.status, foreign.body.error.code]).toEqual([403, 'forbidden']);
      // An admin names the owner, or is told to.
      expect((await api('get', '/seed001/developer-callback?owner=acme', ADMIN_KEY)).body.url).toBe(
        'https://dev.acme.example/cb',
      );
      expect((await api('get', '/seed001/developer-callback', ADMIN_KEY)).body.error.code).toBe('invalid_request');
      // The URL guard and the schema refuse; nothing changes.
      const guarded = await api('put', '/seed001/developer-callback', acme).send({ url: 'http://169.254.169.254/x' });
      expect(guarded.status).toBe(400);
      expect((await api('put', '/seed001/developer-callback', acme).send({ url: 'ftp://x' })).status).toBe(400);
      expect((await api('get', '/seed001/developer-callback', acme)).body.url).toBe('https://dev.acme.example/cb');
      expect((await api('delete', '/seed001/developer-callback', acme)).body).toEqual({ ok: true });
      expect((await api('delete', '/seed001/developer-callback', acme)).status).toBe(404);
    } finally {
      await started.stop();
    }
  });

  test('when SEED001_PREFIX is /s1, then the dialect answers under /s1 (qrcode_url included, errors in its shape) and /robots does not exist', async () => {
    // The mock puppet: a login shows a QR code without leaving the machine.
    const started: Started = await boot(true, { SEED001_PREFIX: '/s1', PUPPET: 'mock' });
    try {
      const created = await request(started.url).post('/s1/robots').send({ token: ADMIN_KEY, username: 'wx_prefixed' });
      expect(created.body).toMatchObject({ retCode: 0, data: { robot: { username: 'wx_prefixed' } } });
      const id = created.body.data.robot.id as string;
      const login = await request(started.url).post(`/s1/robots/${id}/login`).send({ token: ADMIN_KEY });
      expect(new URL(login.body.data.qrcode_url as string).pathname).toBe(`/s1/robots/${id}/qrcode`);
      const bad = await request(started.url).post('/s1/robots').set('Content-Type', 'application/json').send('{');
      expect([bad.status, bad.body.retCode]).toEqual([400, -1005]);
      const unknown = await request(started.url).get('/s1/robots/x/y/z');
      expect([unknown.status, unknown.body.retCode]).toEqual([404, -1006]);
      const old = await request(started.url).post('/robots').send({ token: ADMIN_KEY, username: 'wx_old' });
      expect([old.status, old.body.error?.code]).toEqual([404, 'not_found']);
    } finally {
      await started.stop();
    }
  });

  test('when seed 001 is mounted at /api beside seed 003 (both claim POST /api/robots), then qunbot refuses to start and names both', async () => {
    await expect(
      boot(true, {
        SEED001_PREFIX: '/api',
        SEED003_ENABLED: 'true',
        SEED003_CHANNELS: JSON.stringify([{ chid: 'C1', key: 'wiring-channel-key-0123456789' }]),
      }),
    ).rejects.toThrow(
      /two APIs claim the same method and path: seed001 \(POST \/api\/robots\) and seed003 \(POST \/api\/:name\)/,
    );
  });

  test.each(['/api/v1', '/healthz', 's1', '/s1/', '/s 1'])(
    'when SEED001_PREFIX is %j, then the configuration is refused',
    async (prefix) => {
      await expect(boot(true, { SEED001_PREFIX: prefix })).rejects.toThrow(/compat\.seed001\.prefix|SEED001_PREFIX/);
    },
  );

  test('when SEED001_ENABLED is off (the default), then /robots does not exist', async () => {
    const started = await boot(false);
    try {
      const res = await request(started.url).post('/robots').send({ token: ADMIN_KEY, username: 'wx_off' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      const settings = await request(started.url)
        .get('/api/v1/seed001/developer-callback')
        .set('Authorization', `Bearer ${ADMIN_KEY}`);
      expect(settings.status).toBe(404);
    } finally {
      await started.stop();
    }
  });
});
