import pino from 'pino';
import request from 'supertest';
import { start, type Started } from '../../src/main';
import { testMongoUri, useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_operators-e2e-test-admin-key';
const ADMIN_PASSWORD = 'Adm1nistrator-pass';

/** Every log line the process writes, as text (nothing redacted: what leaks shows). */
const logged: string[] = [];
const captured = pino(
  { level: 'debug' },
  {
    write(chunk: string) {
      logged.push(chunk);
    },
  },
);

let qunbot: Started;
beforeAll(async () => {
  qunbot = await start(
    {
      NODE_ENV: 'test',
      PORT: '0',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
      QUNBOT_ADMIN_KEY: ADMIN_KEY,
      QUNBOT_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
    { log: captured },
  );
});
afterAll(() => qunbot.stop());

const api = () => request(qunbot.url);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function signIn(username: string, password: string) {
  const res = await api().post('/api/v1/sessions').send({ username, password });
  return res;
}

/** A role with these permissions, and an operator holding it who has set their own password. */
async function operatorWith(adminToken: string, name: string, permissions: string[], owner?: string) {
  const role = await api().post('/api/v1/roles').set(bearer(adminToken)).send({ name, permissions });
  expect(role.status).toBe(201);
  const made = await api()
    .post('/api/v1/operators')
    .set(bearer(adminToken))
    .send({ username: name, roleId: role.body.id, ...(owner ? { owner } : {}) });
  expect(made.status).toBe(201);
  const first = await signIn(name, made.body.password);
  const password = `New-${name}-Pass1`;
  const changed = await api()
    .put('/api/v1/me/password')
    .set(bearer(first.body.token))
    .send({ currentPassword: made.body.password, newPassword: password });
  expect(changed.status).toBe(200);
  const again = await signIn(name, password);
  return { id: made.body.operator.id as string, token: again.body.token as string, password, roleId: role.body.id };
}

describe('operators sign in (native API)', () => {
  let adminToken: string;

  test('when the first admin signs in with QUNBOT_ADMIN_PASSWORD, then they get a session token, an HttpOnly SameSite=Strict cookie and every permission', async () => {
    const res = await signIn('Admin', ADMIN_PASSWORD);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      token: expect.stringMatching(/^qs_/),
      csrfToken: expect.any(String),
      mustChangePassword: false,
      operator: { username: 'admin', enabled: true, number: 1 },
    });
    expect(res.body.operator.passwordHash).toBeUndefined();
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0] as string;
    expect(cookie).toMatch(/^qunbot_session=qs_/);
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=strict/i);
    adminToken = res.body.token;
    const me = await api().get('/api/v1/me').set(bearer(adminToken));
    expect(me.body).toMatchObject({ kind: 'operator', admin: true, operator: { username: 'admin' } });
    expect(me.body.permissions).toEqual(expect.arrayContaining(['robots.write', 'operators.manage', 'audit.read']));
  });

  test.each([
    ['a wrong password', 'admin', 'Wrong-password1'],
    ['an unknown user', 'nobody', ADMIN_PASSWORD],
  ])('when someone signs in with %s, then 401 invalid_credentials and no cookie', async (_, username, password) => {
    const res = await signIn(username, password);
    expect([res.status, res.body.error.code]).toEqual([401, 'invalid_credentials']);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  test('when an operator is made without a password, then the generated one signs in but only to change it, and the rule is enforced', async () => {
    const role = await api()
      .post('/api/v1/roles')
      .set(bearer(adminToken))
      .send({
        name: 'fresh',
        permissions: ['robots.read'],
      });
    const made = await api()
      .post('/api/v1/operators')
      .set(bearer(adminToken))
      .send({ username: 'fresh', roleId: role.body.id });
    expect(made.status).toBe(201);
    expect(made.body.password).toMatch(/^[A-Za-z0-9]{20}$/);
    const first = await signIn('fresh', made.body.password);
    expect(first.body.mustChangePassword).toBe(true);
    const blocked = await api().get('/api/v1/robots').set(bearer(first.body.token));
    expect([blocked.status, blocked.body.error.code]).toEqual([403, 'password_change_required']);
    const weak = await api()
      .put('/api/v1/me/password')
      .set(bearer(first.body.token))
      .send({ currentPassword: made.body.password, newPassword: 'short1A' });
    expect([weak.status, weak.body.error.code]).toEqual([400, 'weak_password']);
    const wrong = await api()
      .put('/api/v1/me/password')
      .set(bearer(first.body.token))
      .send({ currentPassword: 'Not-the-one1', newPassword: 'Fresh-pass-1' });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'invalid_credentials']);
    const ok = await api()
      .put('/api/v1/me/password')
      .set(bearer(first.body.token))
      .send({ currentPassword: made.body.password, newPassword: 'Fresh-pass-1' });
    expect(ok.status).toBe(200);
    const now = await signIn('fresh', 'Fresh-pass-1');
    expect(now.body.mustChangePassword).toBe(false);
    expect((await api().get('/api/v1/robots').set(bearer(now.body.token))).status).toBe(200);
  });

  test('when an operator with a limited role acts, then what the role holds works and the rest is 403 naming the permission', async () => {
    const viewer = await operatorWith(adminToken, 'viewer', ['robots.read', 'rooms.read']);
    expect((await api().get('/api/v1/robots').set(bearer(viewer.token))).status).toBe(200);
    const write = await api().post('/api/v1/robots').set(bearer(viewer.token)).send({ name: 'r', owner: 'acme' });
    expect([write.status, write.body.error.code, write.body.error.message]).toEqual([
      403,
      'forbidden',
      'this needs the permission robots.write',
    ]);
    expect((await api().get('/api/v1/operators').set(bearer(viewer.token))).status).toBe(403);
    expect((await api().get('/api/v1/api-keys').set(bearer(viewer.token))).status).toBe(403);
    // API keys keep working as before.
    expect((await api().get('/api/v1/robots').set(bearer(ADMIN_KEY))).status).toBe(200);
  });

  test('when an operator manager tries to hand out more than they hold, then 403 permission_escalation and nothing is made', async () => {
    const manager = await operatorWith(adminToken, 'manager', ['operators.manage', 'robots.read']);
    const admins = (await api().get('/api/v1/roles').set(bearer(manager.token))).body.items as {
      id: string;
      builtIn: boolean;
    }[];
    const adminRole = admins.find((r) => r.builtIn)!;
    const up = await api()
      .post('/api/v1/operators')
      .set(bearer(manager.token))
      .send({ username: 'sneaky', roleId: adminRole.id });
    expect([up.status, up.body.error.code]).toEqual([403, 'permission_escalation']);
    const list = await api().get('/api/v1/operators').set(bearer(adminToken));
    expect(list.body.items.map((o: { username: string }) => o.username)).not.toContain('sneaky');
    // Nor may they touch the admin (a role above theirs), nor change their own role.
    const adminId = list.body.items.find((o: { username: string }) => o.username === 'admin').id;
    const touch = await api().patch(`/api/v1/operators/${adminId}`).set(bearer(manager.token)).send({ enabled: false });
    expect([touch.status, touch.body.error.code]).toEqual([403, 'permission_escalation']);
    const self = await api()
      .patch(`/api/v1/operators/${manager.id}`)
      .set(bearer(manager.token))
      .send({ roleId: adminRole.id });
    expect([self.status, self.body.error.code]).toEqual([409, 'cannot_change_self']);
  });

  test('when an operator holding only api_keys.manage asks for an API key, then 403 permission_escalation: a key may do everything', async () => {
    const keyKeeper = await operatorWith(adminToken, 'keykeeper', ['api_keys.manage']);
    expect((await api().get('/api/v1/api-keys').set(bearer(keyKeeper.token))).status).toBe(200);
    const minted = await api().post('/api/v1/api-keys').set(bearer(keyKeeper.token)).send({ name: 'all-powerful' });
    expect([minted.status, minted.body.error?.code]).toEqual([403, 'permission_escalation']);
    const keys = await api().get('/api/v1/api-keys').set(bearer(adminToken));
    expect(keys.body.items.map((k: { name: string }) => k.name)).not.toContain('all-powerful');
    // The admin, who holds everything, still can.
    expect((await api().post('/api/v1/api-keys').set(bearer(adminToken)).send({ name: 'ok' })).status).toBe(201);
  });

  test('when an operator is disabled, then their session stops working at once and signing in answers 403 account_disabled', async () => {
    const victim = await operatorWith(adminToken, 'victim', ['robots.read']);
    expect((await api().get('/api/v1/robots').set(bearer(victim.token))).status).toBe(200);
    const off = await api().patch(`/api/v1/operators/${victim.id}`).set(bearer(adminToken)).send({ enabled: false });
    expect(off.body.enabled).toBe(false);
    expect((await api().get('/api/v1/robots').set(bearer(victim.token))).status).toBe(401);
    const again = await signIn('victim', victim.password);
    expect([again.status, again.body.error.code]).toEqual([403, 'account_disabled']);
    // Nobody disables themselves.
    const me = (await api().get('/api/v1/me').set(bearer(adminToken))).body.operator.id;
    const selfOff = await api().patch(`/api/v1/operators/${me}`).set(bearer(adminToken)).send({ enabled: false });
    expect([selfOff.status, selfOff.body.error.code]).toEqual([409, 'cannot_change_self']);
  });

  test('when the browser uses the cookie, then reads work, changes need the CSRF token, and signing out ends the session', async () => {
    const res = await signIn('viewer', 'New-viewer-Pass1');
    const cookie = ((res.headers['set-cookie'] as unknown as string[])[0] as string).split(';')[0] as string;
    expect((await api().get('/api/v1/me').set('Cookie', cookie)).body.operator.username).toBe('viewer');
    const forged = await api().delete('/api/v1/sessions/current').set('Cookie', cookie);
    expect([forged.status, forged.body.error.code]).toEqual([403, 'csrf_failed']);
    const sessions = await api().get('/api/v1/sessions').set('Cookie', cookie);
    expect(sessions.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const out = await api()
      .delete('/api/v1/sessions/current')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', res.body.csrfToken);
    expect(out.status).toBe(200);
    expect((await api().get('/api/v1/me').set('Cookie', cookie)).status).toBe(401);
    expect((await api().get('/api/v1/me').set(bearer(res.body.token))).status).toBe(401);
  });

  test('when operators acted, then the audit log has who did what, from where and with which result, newest first, and API keys are not in it', async () => {
    const page = await api().get('/api/v1/audit?limit=100').set(bearer(adminToken));
    expect(page.status).toBe(200);
    const items = page.body.items as Record<string, unknown>[];
    expect(items.map((e) => e.id)).toEqual([...items.map((e) => e.id)].sort().reverse());
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'POST /api/v1/sessions',
          username: 'nobody',
          result: 'refused',
          status: 401,
          code: 'invalid_credentials',
          address: expect.any(String),
        }),
        expect.objectContaining({ action: 'POST /api/v1/sessions', username: 'admin', result: 'ok', status: 201 }),
        expect.objectContaining({
          action: 'POST /api/v1/operators',
          username: 'manager',
          result: 'refused',
          code: 'permission_escalation',
        }),
        expect.objectContaining({
          action: 'PATCH /api/v1/operators/:id',
          username: 'admin',
          result: 'ok',
          targetId: expect.stringMatching(/^[0-9a-f]{24}$/),
        }),
      ]),
    );
    // The viewer's refused robot creation is there; the API key's calls are not.
    expect(items.some((e) => e.action === 'POST /api/v1/robots' && e.username === 'viewer' && e.status === 403)).toBe(
      true,
    );
    expect(items.every((e) => typeof e.username === 'string')).toBe(true);
    const refused = await api()
      .get('/api/v1/audit?result=refused&action=POST%20/api/v1/sessions')
      .set(bearer(adminToken));
    expect(refused.body.items.length).toBeGreaterThan(0);
    expect(refused.body.items.every((e: { result: string; action: string }) => e.result === 'refused')).toBe(true);
    const viewer = await signIn('viewer', 'New-viewer-Pass1');
    expect((await api().get('/api/v1/audit').set(bearer(viewer.body.token))).status).toBe(403);
    expect((await api().get('/api/v1/audit?cursor=nonsense').set(bearer(adminToken))).status).toBe(400);
  });

  test('when all of this happened, then no password, session token or password hash appears in the log', () => {
    const text = logged.join('');
    expect(logged.length).toBeGreaterThan(10);
    for (const secret of [ADMIN_PASSWORD, 'New-viewer-Pass1', 'Fresh-pass-1', 'qs_', '$argon2id$', adminToken])
      expect(text).not.toContain(secret);
  });
});
