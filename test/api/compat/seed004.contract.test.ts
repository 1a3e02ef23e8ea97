import { createHash } from 'node:crypto';
import request from 'supertest';
import { start, type Started } from '../../../src/main';
import { testMongoUri, useTestDatabase } from '../../support/mongo';

const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_seed004-contract-test-admin-key';
const ADMIN_PASSWORD = 'Seed004-admin-pass1';
const P = '/zhugeleida/admin';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

let qunbot: Started;
beforeAll(async () => {
  qunbot = await start({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
    QUNBOT_ADMIN_KEY: ADMIN_KEY,
    QUNBOT_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SEED004_ENABLED: 'true',
  });
});
afterAll(() => qunbot.stop());

const api = () => request(qunbot.url);

/** The seed's login: a form POST (its clients post forms). */
const login = (username: string, password: string) =>
  api().post(`${P}/login`).type('form').send({ username, password });

/** A fresh millisecond timestamp for each request (two requests within one ms would sign alike: a replay). */
let lastStamp = 0;
const nextStamp = () => String((lastStamp = Math.max(Date.now(), lastStamp + 1)));

/** The seed's common query part: user_id, timestamp (ms) and rand_str = md5(timestamp + token). */
function signed(userId: number, token: string, timestamp = nextStamp()) {
  return `user_id=${userId}&timestamp=${timestamp}&rand_str=${md5(timestamp + token)}`;
}

/** A native-API operator with this role's permissions (made by the admin key). */
async function makeOperator(username: string, permissions: string[], password?: string) {
  const role = await api()
    .post('/api/v1/roles')
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .send({ name: `role-${username}`, permissions });
  const made = await api()
    .post('/api/v1/operators')
    .set('Authorization', `Bearer ${ADMIN_KEY}`)
    .send({ username, roleId: role.body.id, ...(password ? { password } : {}) });
  return made.body as { operator: { number: number }; password?: string };
}

describe('seed 004 accounts: login, signing, password, rules, status', () => {
  let admin: { token: string; userId: number };

  test('when the admin logs in with a form as the seed does, then code 200 carries the token, ids, role and is_reset_password', async () => {
    const res = await login('admin', ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: 200,
      msg: '登录成功',
      data: {
        token: expect.stringMatching(/^[0-9a-f]{32}$/),
        user_id: 1,
        role_id: 1,
        role_name: 'admin',
        is_reset_password: true,
        last_login_date: expect.any(String),
      },
    });
    admin = { token: res.body.data.token, userId: res.body.data.user_id };
    // JSON works as well.
    const json = await api().post(`${P}/login`).send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(json.body.code).toBe(200);
  });

  test.each([
    ['a wrong password', 401, 'admin', 'Wrong-pass-1'],
    ['an unknown user', 401, 'nobody', ADMIN_PASSWORD],
    ['no password', 303, 'admin', ''],
  ])('when logging in with %s, then code %i and no token', async (_, code, username, password) => {
    const res = await login(username, password);
    expect([res.status, res.body.code, res.body.data]).toEqual([200, code, {}]);
  });

  test('when login_rules is called signed, then the role’s permission keys come back; a replayed, forged, stale or unsigned request is 非法请求', async () => {
    const query = signed(admin.userId, admin.token);
    const rules = await api().get(`${P}/login_rules?${query}`);
    expect(rules.body.code).toBe(200);
    expect(rules.body.data.rules_list).toEqual(expect.arrayContaining(['operators.manage', 'robots.write']));
    const replayed = await api().get(`${P}/login_rules?${query}`);
    expect(replayed.body).toMatchObject({ code: 404, msg: expect.stringMatching(/^非法请求/) });
    const forged = await api().get(`${P}/login_rules?${signed(admin.userId, 'not-the-token')}`);
    expect(forged.body.code).toBe(404);
    const stale = await api().get(
      `${P}/login_rules?${signed(admin.userId, admin.token, String(Date.now() - 3_600_000))}`,
    );
    expect([stale.body.code, stale.body.msg]).toEqual([404, expect.stringContaining('300 s')]);
    expect((await api().get(`${P}/login_rules`)).body.code).toBe(404);
    const other = await api().get(`${P}/login_rules?${signed(99, admin.token)}`);
    expect(other.body.code).toBe(404);
  });

  test('when a new user logs in with a generated password, then only modify_password works, with the seed’s rule and codes', async () => {
    const made = await makeOperator('clerk', ['robots.read']);
    const first = await login('clerk', made.password as string);
    expect(first.body.data).toMatchObject({ user_id: made.operator.number, is_reset_password: false });
    const token = first.body.data.token as string;
    const blocked = await api().get(`${P}/login_rules?${signed(made.operator.number, token)}`);
    expect(blocked.body.code).toBe(404);
    const modify = (password1: string, password2: string) =>
      api()
        .post(`${P}/modify_password?${signed(made.operator.number, token)}`)
        .type('form')
        .send({ password1, password2 });
    const weak = await modify('1234qwer', '1234qwer');
    expect(weak.body).toEqual({
      code: 305,
      msg: '密码复杂度检查未通过,请检查最小长度为八位,包含大小写字母和数字',
      data: {},
    });
    expect((await modify('1234qwerQWER', '1234qwerQWEX')).body.code).toBe(303);
    const elsewhere = (await login('clerk', made.password as string)).body.data.token as string;
    expect((await modify('1234qwerQWER', '1234qwerQWER')).body).toEqual({ code: 200, msg: '修改密码成功', data: {} });
    const rules = await api().get(`${P}/login_rules?${signed(made.operator.number, token)}`);
    expect(rules.body.data.rules_list).toEqual(['robots.read']);
    // The user's other session (signed in with the old password) ended; this one goes on.
    const other = await api().get(`${P}/login_rules?${signed(made.operator.number, elsewhere)}`);
    expect([other.body.code, other.body.msg]).toEqual([404, '非法请求 (bad signature)']);
    expect((await login('clerk', '1234qwerQWER')).body.data.is_reset_password).toBe(true);
  });

  test('when the admin disables a user with update_status, then that user cannot log in (306); bad status, unknown ids, oneself and missing permissions are refused', async () => {
    const made = await makeOperator('temp', ['robots.read'], 'Temp-pass-123');
    const status = (path: string, by: { userId: number; token: string }, value: unknown) =>
      api()
        .post(`${P}/${path}?${signed(by.userId, by.token)}`)
        .type('form')
        .send({ status: value });
    expect((await status(`user/update_status/${made.operator.number}`, admin, 2)).body).toEqual({
      code: 200,
      msg: '修改成功',
      data: {},
    });
    expect((await login('temp', 'Temp-pass-123')).body.code).toBe(306);
    expect((await status(`admin_userprofile/update_status/${made.operator.number}`, admin, 1)).body.code).toBe(200);
    expect((await login('temp', 'Temp-pass-123')).body.code).toBe(200);
    expect((await status(`user/update_status/${made.operator.number}`, admin, 3)).body.code).toBe(301);
    expect((await status('user/update_status/999', admin, 2)).body.code).toBe(302);
    expect((await status(`user/update_status/${admin.userId}`, admin, 2)).body.code).toBe(305);
    const clerk = await login('clerk', '1234qwerQWER');
    const denied = await status(
      `user/update_status/${made.operator.number}`,
      { userId: clerk.body.data.user_id, token: clerk.body.data.token },
      2,
    );
    expect(denied.body).toMatchObject({ code: 404, msg: expect.stringContaining('operators.manage') });
    expect((await login('temp', 'Temp-pass-123')).body.code).toBe(200);
  });

  test("when permission items are listed, added, changed and deleted as the seed does, then qunbot's tree is there, fixed, and the codes follow the seed", async () => {
    const post = (path: string, form: Record<string, string>) =>
      api()
        .post(`${P}/${path}?${signed(admin.userId, admin.token)}`)
        .type('form')
        .send(form);
    const all = await api().get(`${P}/access_rules?${signed(admin.userId, admin.token)}`);
    expect(all.body.code).toBe(200);
    const rows = all.body.data.ret_data as {
      id: number;
      url_path: string;
      super_id: number | null;
      super_name: string;
    }[];
    expect(all.body.data.data_count).toBe(rows.length);
    const robots = rows.find((r) => r.url_path === 'robots')!;
    expect(robots.super_id).toBeNull();
    expect(rows.find((r) => r.url_path === 'robots.write')).toMatchObject({
      super_id: robots.id,
      super_name: '机器人 Robots',
    });
    const parents = await api().get(`${P}/access_rules?${signed(admin.userId, admin.token)}&super_id_id__isnull=True`);
    expect(parents.body.data.ret_data.every((r: { super_id: unknown }) => r.super_id === null)).toBe(true);

    expect(
      (await post('access_rules/add/0/', { name: '导出', url_path: 'crm.export', super_id_id: String(robots.id) })).body
        .code,
    ).toBe(200);
    expect((await post('access_rules/add/0/', { name: '导出2', url_path: 'crm.export' })).body.code).toBe(303);
    expect((await post('access_rules/add/0/', { name: 'x', url_path: 'x.y', super_id_id: '9999' })).body.code).toBe(
      302,
    );
    expect((await post('access_rules/add/0/', { name: '', url_path: 'x.z' })).body.code).toBe(303);
    const mine = (await api().get(`${P}/access_rules?${signed(admin.userId, admin.token)}`)).body.data.ret_data.find(
      (r: { url_path: string }) => r.url_path === 'crm.export',
    );
    expect(
      (await post(`access_rules/update/${mine.id}`, { name: '导出报表', url_path: 'crm.export2' })).body.code,
    ).toBe(200);
    expect((await post(`access_rules/delete/${robots.id}`, {})).body.code).toBe(303);
    expect((await post(`access_rules/update/${robots.id}`, { name: '机器人', url_path: 'bots' })).body.code).toBe(303);
    expect((await post(`access_rules/delete/${mine.id}`, {})).body).toEqual({ code: 200, msg: '删除成功', data: {} });
    expect((await post(`access_rules/delete/${mine.id}`, {})).body.code).toBe(302);
  });

  test('when roles are added, listed, changed and deleted with rules_list as the seed does, then the selected items and the codes follow the seed', async () => {
    const post = (path: string, form: Record<string, string>) =>
      api()
        .post(`${P}/${path}?${signed(admin.userId, admin.token)}`)
        .type('form')
        .send(form);
    const rows = (await api().get(`${P}/access_rules?${signed(admin.userId, admin.token)}`)).body.data.ret_data as {
      id: number;
      url_path: string;
    }[];
    const id = (key: string) => String(rows.find((r) => r.url_path === key)!.id);
    const added = await post('admin_role/add/0/', {
      name: '运营',
      rules_list: JSON.stringify([id('robots.read'), id('rooms.read')]),
    });
    expect(added.body).toEqual({ code: 200, msg: '增加成功', data: {} });
    expect((await post('admin_role/add/0/', { name: '运营', rules_list: '[]' })).body.code).toBe(300);
    expect((await post('admin_role/add/0/', { name: '坏', rules_list: '["99999"]' })).body.code).toBe(302);
    expect((await post('admin_role/add/0/', { name: '坏', rules_list: 'not json' })).body.code).toBe(301);
    const list = await api().get(`${P}/admin_role?${signed(admin.userId, admin.token)}`);
    const role = list.body.data.ret_data.find((r: { role_name: string }) => r.role_name === '运营');
    const robotsGroup = role.rules_data.find(
      (g: { parent_rule_name: string }) => g.parent_rule_name === '机器人 Robots',
    );
    expect(robotsGroup.children_rule_list).toEqual([
      expect.objectContaining({ children_rule_name: expect.stringContaining('查看机器人'), selected: true }),
      expect.objectContaining({ children_rule_name: expect.stringContaining('管理机器人'), selected: false }),
    ]);
    // The native API sees the same role with its keys.
    const native = await api().get('/api/v1/roles').set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(native.body.items.find((r: { name: string }) => r.name === '运营').permissions.sort()).toEqual([
      'robots.read',
      'rooms.read',
    ]);
    expect(
      (
        await post(`admin_role/update/${role.role_id}`, {
          name: '运营2',
          rules_list: JSON.stringify([id('robots.read')]),
        })
      ).body.code,
    ).toBe(200);
    expect((await post('admin_role/delete/1', {})).body.code).toBe(303);
    expect((await post(`admin_role/delete/${role.role_id}`, {})).body.code).toBe(200);
    expect((await post(`admin_role/delete/${role.role_id}`, {})).body.code).toBe(302);
    // Without roles.manage: 非法请求, nothing made.
    const clerk = await login('clerk', '1234qwerQWER');
    const denied = await api()
      .post(`${P}/admin_role/add/0/?${signed(clerk.body.data.user_id, clerk.body.data.token)}`)
      .type('form')
      .send({ name: 'mine', rules_list: '[]' });
    expect(denied.body.code).toBe(404);
    expect(
      (await api().get('/api/v1/roles').set('Authorization', `Bearer ${ADMIN_KEY}`)).body.items.map(
        (r: { name: string }) => r.name,
      ),
    ).not.toContain('mine');
  });

  test('when a seed session is listed and ended through the native API, then its signed requests are refused; its token is no native credential', async () => {
    const seedLogin = await login('admin', ADMIN_PASSWORD);
    const token = seedLogin.body.data.token as string;
    expect((await api().get(`${P}/login_rules?${signed(1, token)}`)).body.code).toBe(200);
    expect((await api().get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    const native = (await api().post('/api/v1/sessions').send({ username: 'admin', password: ADMIN_PASSWORD })).body
      .token as string;
    const list = await api().get('/api/v1/sessions').set('Authorization', `Bearer ${native}`);
    const seedSessions = (list.body.items as { id: string; current: boolean }[]).filter((x) => !x.current);
    expect(seedSessions.length).toBeGreaterThan(0);
    for (const x of seedSessions)
      expect((await api().delete(`/api/v1/sessions/${x.id}`).set('Authorization', `Bearer ${native}`)).status).toBe(
        200,
      );
    expect((await api().get(`${P}/login_rules?${signed(1, token)}`)).body.code).toBe(404);
    // The admin's other seed token (from the first test) ended too.
    expect((await api().get(`${P}/login_rules?${signed(admin.userId, admin.token)}`)).body.code).toBe(404);
    admin = { ...admin, token: (await login('admin', ADMIN_PASSWORD)).body.data.token };
  });

  test('when an operator limited to one owner holds roles.manage, then changing the shared permission tree or roles is 非法请求 and nothing changes', async () => {
    const role = await api()
      .post('/api/v1/roles')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ name: 'role-scoped', permissions: ['roles.manage'] });
    await api()
      .post('/api/v1/operators')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ username: 'scoped', roleId: role.body.id, owner: 'acme', password: 'Scoped-pass-1' });
    const scoped = (await login('scoped', 'Scoped-pass-1')).body.data as { user_id: number; token: string };
    const post = (path: string, form: Record<string, string>) =>
      api()
        .post(`${P}/${path}?${signed(scoped.user_id, scoped.token)}`)
        .type('form')
        .send(form);
    const before = (await api().get(`${P}/access_rules?${signed(admin.userId, admin.token)}`)).body.data.data_count;
    const add = await post('access_rules/add/0/', { name: '偷偷', url_path: 'sneaky.item' });
    expect(add.body).toMatchObject({ code: 404, msg: expect.stringContaining('every owner') });
    expect((await post('access_rules/delete/1', {})).body.code).toBe(404);
    expect((await post('admin_role/add/0/', { name: 'sneaky', rules_list: '[]' })).body.code).toBe(404);
    expect((await api().get(`${P}/access_rules?${signed(admin.userId, admin.token)}`)).body.data.data_count).toBe(
      before,
    );
  });

  test('when seed 004 POSTs happen, then the audit log has them with the operator, the route, the seed code and the address; a failed login names who tried', async () => {
    expect((await login('admin', 'Not-the-pass-1')).body.code).toBe(401);
    const page = await api()
      .get(`/api/v1/audit?limit=100&action=${encodeURIComponent(`POST ${P}`)}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(page.status).toBe(200);
    const items = page.body.items as Record<string, unknown>[];
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: `POST ${P}/login`,
          username: 'admin',
          result: 'refused',
          code: 'seed004_401',
          address: expect.any(String),
        }),
        expect.objectContaining({ action: `POST ${P}/login`, username: 'clerk', result: 'ok' }),
        expect.objectContaining({ action: `POST ${P}/modify_password`, username: 'clerk', result: 'ok' }),
        expect.objectContaining({
          action: `POST ${P}/user/update_status/:id`,
          username: 'admin',
          result: 'ok',
          targetId: expect.stringMatching(/^\d+$/),
        }),
        expect.objectContaining({
          action: `POST ${P}/access_rules/add/:id`,
          username: 'scoped',
          result: 'refused',
          code: 'seed004_404',
        }),
      ]),
    );
    // Reads are not audited.
    const reads = await api()
      .get(`/api/v1/audit?action=${encodeURIComponent(`GET ${P}`)}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect([reads.status, reads.body.items]).toEqual([200, []]);
  });

  test('when the wrong method or an unknown path is used under the prefix, then the seed envelope says 402 or 404', async () => {
    const get = await api().get(`${P}/login`);
    expect([get.status, get.body.code]).toEqual([405, 402]);
    const unknown = await api().get(`${P}/nothing?${signed(admin.userId, admin.token)}`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 404]);
    // 5.8 switch_admin_user hands out another user's token: not served.
    const sw = await api().post(`${P}/admin_userprofile/switch_admin_user/2?${signed(admin.userId, admin.token)}`);
    expect([sw.body.code, sw.body.data]).toEqual([404, {}]);
    expect(JSON.stringify(sw.body)).not.toContain('token');
    const broken = await api().post(`${P}/login`).set('Content-Type', 'application/json').send('{"username":');
    expect([broken.status, broken.body.code]).toEqual([400, 303]);
  });
});
