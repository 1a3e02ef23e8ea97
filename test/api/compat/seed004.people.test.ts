import pino from 'pino';
import { start, type Started } from '../../../src/main';
import { testMongoUri, useTestDatabase } from '../../support/mongo';
import { seed004Client } from '../../support/seed004-client';

/**
 * Seed 004 users (5.1-5.4) and reply scripts (17.1-17.8) as the seed's clients send them: form
 * posts (JSON too), signed queries, the seed's codes. Companies are the seed's names of owners.
 */
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_seed004-people-test-admin-key';
const ADMIN_PASSWORD = 'Seed004-admin-pass1';

/** Every log line the process writes (nothing redacted: what leaks shows). */
const logged: string[] = [];
const captured = pino({ level: 'debug' }, { write: (chunk: string) => void logged.push(chunk) });

let qunbot: Started;
beforeAll(async () => {
  qunbot = await start(
    {
      NODE_ENV: 'test',
      PORT: '0',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
      QUNBOT_ADMIN_KEY: ADMIN_KEY,
      QUNBOT_ADMIN_PASSWORD: ADMIN_PASSWORD,
      SEED004_ENABLED: 'true',
    },
    { log: captured },
  );
});
afterAll(() => qunbot.stop());

const seed = seed004Client(() => qunbot.url);
const native = (method: 'get' | 'put' | 'post', path: string) =>
  seed.api()[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`);

type User = { userId: number; token: string };
let admin: User;
let acme: { number: number; name: string };
let globex: { number: number; name: string };
/** Role numbers by name (seed role_id). */
const roleIds = new Map<string, number>();

async function role(name: string, permissions: string[]): Promise<number> {
  const made = await native('post', '/api/v1/roles').send({ name, permissions });
  expect(made.status).toBe(201);
  roleIds.set(name, made.body.number);
  return made.body.number as number;
}

/** Logs a user in for the first time and sets their own password (initial passwords must be changed). */
async function firstLogin(loginUser: string, initial: string, own: string): Promise<User> {
  const first = await seed.signIn(loginUser, initial);
  expect(first.data.is_reset_password).toBe(false);
  const changed = await seed.as(first).post('modify_password', { password1: own, password2: own });
  expect(changed.body.code).toBe(200);
  return seed.signIn(loginUser, own);
}

describe('seed 004 users (5.1-5.4) and companies', () => {
  test('when owners’ companies are named natively, then they carry the seed’s numbers and names', async () => {
    const a = await native('put', '/api/v1/companies/acme').send({ name: 'Acme 公司' });
    const g = await native('put', '/api/v1/companies/globex').send({ name: 'Globex 公司' });
    expect([a.status, g.status]).toEqual([200, 200]);
    expect(a.body).toMatchObject({ owner: 'acme', name: 'Acme 公司', number: expect.any(Number) });
    acme = a.body;
    globex = g.body;
    expect((await native('put', '/api/v1/companies/acme2').send({ name: 'Acme 公司' })).body.error.code).toBe(
      'company_name_taken',
    );
    const list = await native('get', '/api/v1/companies');
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['Acme 公司', 'Globex 公司']),
    );
    admin = await seed.signIn('admin', ADMIN_PASSWORD);
    await role('运营', ['robots.read', 'rooms.read', 'scripts.read', 'scripts.write']);
    await role('经理', ['operators.manage', 'robots.read', 'scripts.read']);
  });

  test('when the admin adds a user with a form as the seed does, then the list shows them in their company and role, and their first login must change the password', async () => {
    const add = await seed.as(admin).post('admin_userprofile/add/0', {
      login_user: 'ops1',
      password: 'Ops1-initial-pass',
      role_id: roleIds.get('运营'),
      company_id: acme.number,
      username: '运营一号',
      position: '运营专员',
    });
    expect(add.body).toEqual({ code: 200, msg: '增加成功', data: {} });
    const list = await seed.as(admin).get('admin_userprofile');
    expect(list.body.code).toBe(200);
    const rows = list.body.data.ret_data as Record<string, unknown>[];
    expect(list.body.data.data_count).toBe(rows.length);
    expect(rows.find((r) => r.login_user === 'ops1')).toMatchObject({
      id: expect.any(Number),
      avatar: '',
      username: '运营一号',
      position: '运营专员',
      company_name: 'Acme 公司',
      company_id: acme.number,
      role_id: roleIds.get('运营'),
      role_name: '运营',
      status: 1,
      status_text: '启用',
      create_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      last_login_date: '',
    });
    expect(rows.find((r) => r.login_user === 'admin')).toMatchObject({ id: 1, company_id: 0, company_name: '' });
    const first = await seed.signIn('ops1', 'Ops1-initial-pass');
    expect(first.data).toMatchObject({ is_reset_password: false, company_id: acme.number, company_name: 'Acme 公司' });
    const blocked = await seed.as(first).get('talkGroupManageShow');
    expect(blocked.body.code).toBe(404);
    await firstLogin('ops1', 'Ops1-initial-pass', 'Ops1-own-pass-1');
  });

  test.each<[string, number, Record<string, unknown>, RegExp]>([
    ['a taken login_user', 303, { login_user: 'OPS1' }, /login_user/],
    ['a weak password', 305, { password: 'weakpass' }, /^密码复杂度检查未通过/],
    ['no login_user', 303, { login_user: '' }, /login_user/],
    ['a login_user with spaces', 303, { login_user: 'two words' }, /login_user/],
    ['an unknown role_id', 302, { role_id: 999 }, /role_id/],
    ['a role_id that is no number', 301, { role_id: 'admin' }, /role_id/],
    ['an unknown company_id', 302, { company_id: 999 }, /company_id/],
    ['no company_id', 301, { company_id: '' }, /company_id/],
  ])('when a user is added with %s, then code %i and nobody is added', async (_, code, change, msg) => {
    const form = {
      login_user: 'ops-bad',
      password: 'Good-pass-123',
      role_id: roleIds.get('运营'),
      company_id: acme.number,
      ...change,
    };
    const res = await seed.as(admin).post('admin_userprofile/add/0', form);
    expect([res.body.code, res.body.msg]).toEqual([code, expect.stringMatching(msg)]);
    const list = await seed.as(admin).get('admin_userprofile');
    expect(list.body.data.ret_data.filter((r: { login_user: string }) => r.login_user === 'ops-bad')).toEqual([]);
  });

  test('when a user is added with a JSON body, then it works as the form does', async () => {
    const res = await seed.as(admin).postJson('admin_userprofile/add/0', {
      login_user: 'ops2',
      password: 'Ops2-initial-pass',
      role_id: roleIds.get('运营'),
      company_id: globex.number,
    });
    expect(res.body.code).toBe(200);
    const row = (await seed.as(admin).get('admin_userprofile')).body.data.ret_data.find(
      (r: { login_user: string }) => r.login_user === 'ops2',
    );
    expect(row).toMatchObject({ username: 'ops2', company_name: 'Globex 公司' });
  });

  test('when a user is updated, then a name change keeps them signed in, a role change signs them out, and a new password must be changed again', async () => {
    const ops1 = await seed.signIn('ops1', 'Ops1-own-pass-1');
    const id = ops1.userId;
    const same = { login_user: 'ops1', role_id: roleIds.get('运营'), company_id: acme.number };
    const renamed = await seed.as(admin).post(`admin_userprofile/update/${id}`, { ...same, username: '运营一号(改)' });
    expect(renamed.body).toEqual({ code: 200, msg: '修改成功', data: {} });
    expect((await seed.as(ops1).get('login_rules')).body.code).toBe(200);
    const moved = await seed
      .as(admin)
      .post(`admin_userprofile/update/${id}`, { ...same, role_id: roleIds.get('经理') });
    expect(moved.body.code).toBe(200);
    expect((await seed.as(ops1).get('login_rules')).body.code).toBe(404);
    const again = await seed.signIn('ops1', 'Ops1-own-pass-1');
    expect((await seed.as(again).get('login_rules')).body.data.rules_list).toEqual(
      expect.arrayContaining(['operators.manage']),
    );
    const reset = await seed.as(admin).post(`admin_userprofile/update/${id}`, {
      ...same,
      role_id: roleIds.get('经理'),
      password: 'Reset-by-admin-1',
    });
    expect(reset.body.code).toBe(200);
    expect((await seed.login('ops1', 'Ops1-own-pass-1')).body.code).toBe(401);
    expect((await seed.signIn('ops1', 'Reset-by-admin-1')).data.is_reset_password).toBe(false);
    await firstLogin('ops1', 'Reset-by-admin-1', 'Ops1-own-pass-2');
    // Unknown ids, a weak password, oneself with a password: refused, nothing changed.
    expect((await seed.as(admin).post('admin_userprofile/update/999', same)).body.code).toBe(302);
    expect((await seed.as(admin).post(`admin_userprofile/update/${id}`, { ...same, password: 'weak' })).body.code).toBe(
      305,
    );
    const self = await seed.as(admin).post(`admin_userprofile/update/${admin.userId}`, {
      login_user: 'admin',
      role_id: 1,
      company_id: 0,
      password: 'Admin-new-pass-1',
    });
    expect(self.body.code).toBe(305);
    expect((await seed.login('admin', ADMIN_PASSWORD)).body.code).toBe(200);
  });

  test('when a company manager (operators.manage within acme) works on users, then they see and touch only acme’s, and cannot hand out a role above theirs', async () => {
    const manager = await seed.signIn('ops1', 'Ops1-own-pass-2');
    const list = await seed.as(manager).get('admin_userprofile');
    expect(list.body.data.ret_data.map((r: { login_user: string }) => r.login_user).sort()).toEqual(['ops1']);
    const ops2 = (await seed.as(admin).get('admin_userprofile')).body.data.ret_data.find(
      (r: { login_user: string }) => r.login_user === 'ops2',
    );
    expect((await seed.as(manager).post(`admin_userprofile/delete/${ops2.id}`)).body.code).toBe(302);
    const elsewhere = await seed.as(manager).post('admin_userprofile/add/0', {
      login_user: 'ops3',
      password: 'Ops3-initial-pass',
      role_id: roleIds.get('经理'),
      company_id: globex.number,
    });
    expect(elsewhere.body.code).toBe(404);
    const above = await seed.as(manager).post('admin_userprofile/add/0', {
      login_user: 'ops3',
      password: 'Ops3-initial-pass',
      role_id: roleIds.get('运营'),
      company_id: acme.number,
    });
    expect([above.body.code, above.body.msg]).toEqual([404, expect.stringContaining('scripts.write')]);
    // Company 0 from a company manager means their own company.
    const own = await seed.as(manager).post('admin_userprofile/add/0', {
      login_user: 'ops3',
      password: 'Ops3-initial-pass',
      role_id: roleIds.get('经理'),
      company_id: 0,
    });
    expect(own.body.code).toBe(200);
    const rows = (await seed.as(manager).get('admin_userprofile')).body.data.ret_data;
    expect(rows.find((r: { login_user: string }) => r.login_user === 'ops3')).toMatchObject({
      company_name: 'Acme 公司',
    });
  });

  test('when users are deleted, then oneself is 305, an unknown id 302, and a deleted user cannot log in', async () => {
    const rows = (await seed.as(admin).get('admin_userprofile')).body.data.ret_data as {
      id: number;
      login_user: string;
    }[];
    const ops3 = rows.find((r) => r.login_user === 'ops3')!;
    expect((await seed.as(admin).post(`admin_userprofile/delete/${admin.userId}`)).body).toEqual({
      code: 305,
      msg: '不允许删除自己',
      data: {},
    });
    expect((await seed.as(admin).post('admin_userprofile/delete/999')).body.code).toBe(302);
    expect((await seed.as(admin).post('admin_userprofile/delete/x')).body.code).toBe(302);
    expect((await seed.as(admin).post(`admin_userprofile/delete/${ops3.id}`)).body).toEqual({
      code: 200,
      msg: '删除成功',
      data: {},
    });
    expect((await seed.login('ops3', 'Ops3-initial-pass')).body.code).toBe(401);
    const after = (await seed.as(admin).get('admin_userprofile')).body.data.ret_data;
    expect(after.map((r: { login_user: string }) => r.login_user)).not.toContain('ops3');
  });
});

describe('seed 004 reply scripts (17.1-17.8)', () => {
  let writer: User;
  let groupId: number;

  test('when groups are added as the seed does, then the list shows them with ids, company and owner user; the codes follow the seed', async () => {
    expect(
      (await seed.as(admin).post('talkGroupManageOper/add/0', { groupName: '售后', userProfile: '张聪' })).body.code,
    ).toBe(303);
    const add = await seed
      .as(admin)
      .post('talkGroupManageOper/add/0', { groupName: '售后', userProfile: '张聪', companyName: 'Acme 公司' });
    expect(add.body).toEqual({ code: 200, msg: '添加成功', data: {} });
    const dup = await seed
      .as(admin)
      .post('talkGroupManageOper/add/0', { groupName: '售后', userProfile: '李四', companyName: 'Acme 公司' });
    expect(dup.body.code).toBe(303);
    expect(
      (
        await seed
          .as(admin)
          .post('talkGroupManageOper/add/0', { groupName: 'x', userProfile: 'y', companyName: '无此公司' })
      ).body.code,
    ).toBe(302);
    expect(
      (await seed.as(admin).post('talkGroupManageOper/add/0', { userProfile: 'y', companyName: 'Acme 公司' })).body
        .code,
    ).toBe(303);
    await seed
      .as(admin)
      .post('talkGroupManageOper/add/0', { groupName: '售后', userProfile: '王五', companyName: 'Globex 公司' });
    const show = await seed.as(admin).get('talkGroupManageShow');
    expect(show.body.code).toBe(200);
    expect(show.body.data.objsCount).toBe(2);
    const acmeGroup = show.body.data.otherList.find((g: { companyName: string }) => g.companyName === 'Acme 公司');
    expect(acmeGroup).toMatchObject({
      id: expect.any(Number),
      groupName: '售后',
      userProfile: '张聪',
      createDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    });
    groupId = acmeGroup.id;
    // The native API sees the same group.
    const groups = await native('get', '/api/v1/script-groups');
    expect(groups.body.items.find((g: { number: number }) => g.number === groupId)).toMatchObject({
      owner: 'acme',
      name: '售后',
      assignee: '张聪',
    });
  });

  test('when items are added by group name, then they list with ids, send counts and their group; a name two companies share needs talkGroupId', async () => {
    writer = await firstLogin('ops2', 'Ops2-initial-pass', 'Ops2-own-pass-1');
    // ops2 is of Globex: its 售后 is Globex's.
    expect(
      (await seed.as(writer).post('speechDetailsManageOper/add/0', { contentWords: '您好', talkGroupName: '售后' }))
        .body.code,
    ).toBe(200);
    // The admin sees both companies' 售后: ambiguous without talkGroupId.
    const ambiguous = await seed
      .as(admin)
      .post('speechDetailsManageOper/add/0', { contentWords: '请稍等', talkGroupName: '售后' });
    expect([ambiguous.body.code, ambiguous.body.msg]).toEqual([303, expect.stringContaining('talkGroupId')]);
    const byId = await seed
      .as(admin)
      .post('speechDetailsManageOper/add/0', { contentWords: '请稍等', talkGroupName: '售后', talkGroupId: groupId });
    expect(byId.body.code).toBe(200);
    expect(
      (await seed.as(admin).post('speechDetailsManageOper/add/0', { contentWords: 'x', talkGroupName: '无此分组' }))
        .body.code,
    ).toBe(302);
    expect((await seed.as(admin).post('speechDetailsManageOper/add/0', { talkGroupId: groupId })).body.code).toBe(303);
    // A sensitive word (the global list) is a form error, and nothing is stored.
    expect((await native('post', '/api/v1/sensitive-words').send({ global: true, words: ['代开发票'] })).status).toBe(
      201,
    );
    const flagged = await seed.as(admin).post('speechDetailsManageOper/add/0', {
      contentWords: '可代 开發票',
      talkGroupName: '售后',
      talkGroupId: groupId,
    });
    expect([flagged.body.code, flagged.body.msg]).toEqual([303, expect.stringContaining('代开发票')]);
    const mine = await seed.as(writer).get('speechDetailsManageShow');
    expect(mine.body.data).toEqual({
      otherList: [
        {
          id: expect.any(Number),
          contentWords: '您好',
          sendNum: 0,
          talkGroupName: '售后',
          talkGroupId: expect.any(Number),
          createDate: expect.any(String),
        },
      ],
      objsCount: 1,
    });
    const all = await seed.as(admin).get('speechDetailsManageShow');
    expect(all.body.data.objsCount).toBe(2);
    const acmeOnly = await seed.as(admin).get(`speechDetailsManageShow?talkGroupId=${groupId}`);
    expect(acmeOnly.body.data.otherList.map((i: { contentWords: string }) => i.contentWords)).toEqual(['请稍等']);
  });

  test('when items and groups are updated and deleted (deletes are GETs in the seed), then another company’s are 302 and the codes follow the seed', async () => {
    const theirs = (await seed.as(writer).get('speechDetailsManageShow')).body.data.otherList[0];
    const acmeItem = (await seed.as(admin).get(`speechDetailsManageShow?talkGroupId=${groupId}`)).body.data
      .otherList[0];
    // A Globex user cannot touch Acme's item or group.
    expect(
      (
        await seed
          .as(writer)
          .post(`speechDetailsManageOper/update/${acmeItem.id}`, { contentWords: 'x', talkGroupName: '售后' })
      ).body.code,
    ).toBe(302);
    expect((await seed.as(writer).get(`talkGroupManageOper/delete/${groupId}`)).body.code).toBe(302);
    const edited = await seed.as(writer).post(`speechDetailsManageOper/update/${theirs.id}`, {
      contentWords: '您好，请问有什么可以帮您',
      talkGroupName: '售后',
    });
    expect(edited.body).toEqual({ code: 200, msg: '修改成功', data: {} });
    const renamed = await seed.as(admin).post(`talkGroupManageOper/update/${groupId}`, { groupName: '售后服务' });
    expect(renamed.body.code).toBe(200);
    const moved = await seed.as(admin).post(`talkGroupManageOper/update/${groupId}`, { companyName: 'Globex 公司' });
    expect(moved.body.code).toBe(303);
    expect((await seed.as(admin).post('talkGroupManageOper/update/999', { groupName: 'x' })).body.code).toBe(302);
    expect((await seed.as(admin).get(`speechDetailsManageOper/delete/${acmeItem.id}`)).body).toEqual({
      code: 200,
      msg: '删除成功',
      data: {},
    });
    expect((await seed.as(admin).get(`speechDetailsManageOper/delete/${acmeItem.id}`)).body.code).toBe(302);
    expect((await seed.as(admin).get(`talkGroupManageOper/delete/${groupId}`)).body.code).toBe(200);
    const groups = (await seed.as(admin).get('talkGroupManageShow')).body.data;
    expect(
      groups.otherList.map((g: { groupName: string; companyName: string }) => `${g.companyName}/${g.groupName}`),
    ).toEqual(['Globex 公司/售后']);
    expect((await seed.as(writer).get('speechDetailsManageShow')).body.data.otherList[0].contentWords).toBe(
      '您好，请问有什么可以帮您',
    );
    // Deletes by GET are audited as changes.
    const audit = await native(
      'get',
      `/api/v1/audit?action=${encodeURIComponent('GET /zhugeleida/admin/talkGroupManageOper')}`,
    );
    expect(audit.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ username: 'admin', result: 'ok', targetId: String(groupId) })]),
    );
  });
});

describe('seed 004 refusals of things in use, and secrets', () => {
  test('when a role users hold or a permission item with children is deleted, then 304 and nothing goes', async () => {
    const held = await seed.as(admin).post(`admin_role/delete/${roleIds.get('运营')}`);
    expect([held.body.code, held.body.msg]).toEqual([304, expect.stringMatching(/^含有子级数据/)]);
    expect((await seed.as(admin).post('access_rules/add/0', { name: 'CRM', url_path: 'crm' })).body.code).toBe(200);
    const items = async () =>
      (await seed.as(admin).get('access_rules')).body.data.ret_data as { id: number; url_path: string }[];
    const parent = (await items()).find((i) => i.url_path === 'crm')!;
    expect(
      (
        await seed
          .as(admin)
          .post('access_rules/add/0', { name: '导出', url_path: 'crm.export', super_id_id: parent.id })
      ).body.code,
    ).toBe(200);
    expect((await seed.as(admin).post(`access_rules/delete/${parent.id}`)).body.code).toBe(304);
    expect((await items()).map((i) => i.url_path)).toEqual(expect.arrayContaining(['crm', 'crm.export']));
    const child = (await items()).find((i) => i.url_path === 'crm.export')!;
    expect((await seed.as(admin).post(`access_rules/delete/${child.id}`)).body.code).toBe(200);
    expect((await seed.as(admin).post(`access_rules/delete/${parent.id}`)).body.code).toBe(200);
  });

  test('when all of this happened, then no password, token or password hash appears in the log', () => {
    const text = logged.join('');
    expect(logged.length).toBeGreaterThan(10);
    const secrets = [
      ADMIN_PASSWORD,
      'Ops1-initial-pass',
      'Ops1-own-pass-1',
      'Ops1-own-pass-2',
      'Reset-by-admin-1',
      'Ops2-initial-pass',
      'Ops3-initial-pass',
      '$argon2id$',
      admin.token,
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
