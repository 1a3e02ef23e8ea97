import request from 'supertest';
import { start, type Started } from '../../../src/main';
import { testMongoUri, useTestDatabase } from '../../support/mongo';
import { startMockService, type MockService } from '../../support/puppet-mock';
import { nextEvent } from '../../support/runtime';
import { calendarDay, inviteRobotIntoNewGroup, loggedInServiceRobot } from '../../support/service-robots';

/**
 * Seed 002 (group-owner platform) as its clients call it, over a real qunbot and two
 * puppet-service mock robots of the platform's owner: the platform assigns a robot and gets a
 * token for a user, the user invites the robot into a group and manages it (welcome, nickname,
 * statistics), another user sees nothing of it, the platform blocks a user and cancels a group.
 * Every answer is `{code, description, data, page_info}` (POST /auth and GET /auth/me as the seed
 * shows them), HTTP 200.
 */
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_seed002-contract-admin-key-0123';
const env = () => ({
  NODE_ENV: 'test',
  PORT: '0',
  MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
  QUNBOT_ADMIN_KEY: ADMIN_KEY,
  QUNBOT_ADMIN_PASSWORD: 'Seed002-admin-pass1',
  QUNBOT_TIME_ZONE: 'Asia/Shanghai',
  QUNBOT_STATS_FLUSH_SEC: '3600',
  SEED002_ENABLED: 'true',
  SEED002_OWNER: 'platform-x',
});

let qunbot: Started;
let services: MockService[];
let platformKey: string;
const robotIds: string[] = [];

const api = () => request(qunbot.url);
const key = () => ({ 'X-Api-Key': platformKey });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const today = () => calendarDay('Asia/Shanghai');

beforeAll(async () => {
  services = [await startMockService('RobotA'), await startMockService('RobotB')];
  qunbot = await start(env());
  platformKey = (
    await api().post('/api/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'platform', owner: 'platform-x' })
  ).body.key;
  for (const [i, svc] of services.entries())
    robotIds.push(await loggedInServiceRobot(qunbot, ADMIN_KEY, svc, { name: `r${i}`, owner: 'platform-x' }));
});
afterAll(async () => {
  await qunbot?.stop();
  for (const svc of services ?? []) await svc.stop();
});

const serviceOf = (robotId: string) => services[robotIds.indexOf(robotId)] as MockService;

/** Signs a platform user up with a robot and a token. */
async function signUp(unionId: string, nickName: string) {
  const assigned = await api()
    .post('/robot/distribution')
    .set(key())
    .send({ open_id: `open-${unionId}`, union_id: unionId, sharing_user_id: '', channel: 'h5' });
  expect(assigned.body.code).toBe(1200);
  const auth = await api().post('/auth').set(key()).send({ union_id: unionId });
  const token = auth.body.access_token as string;
  const userId = (await api().get('/user').set(bearer(token))).body.data as string;
  await api()
    .put(`/user/${userId}`)
    .set(key())
    .send({ union_id: unionId, nick_name: nickName, head_url: '', appid: 'wxapp', open_id: '' });
  const robotId = (await api().get('/robot/show').set(bearer(token))).body.data.robot_id as string;
  return { token, userId, robotId, assigned: assigned.body };
}

/** `by` (a WeChat contact, or a new one named so) invites the user's robot into a new group of 3; resolves once recorded. */
async function inviteInto(
  robotId: string,
  by: string | ReturnType<MockService['mocker']['createContact']>,
  topic: string,
) {
  const svc = serviceOf(robotId);
  if (typeof by === 'string') by = svc.mocker.createContact({ name: by });
  const { room, roomId, others } = await inviteRobotIntoNewGroup(qunbot, svc, by, topic);
  return { room, code: roomId, by, others };
}

describe('seed 002: service status', () => {
  test('when anyone reads the status, then 1 (normal); when the platform sets maintenance, then everyone reads it; a bad status is 1403 and changes nothing', async () => {
    expect((await api().get('/app/status')).body).toEqual({
      code: 1200,
      description: '',
      data: { status: 1 },
      page_info: {},
    });
    expect((await api().post('/app/status').send({ status: 2 })).body.code).toBe(1401);
    const set = await api().post('/app/status').set(key()).send({ status: 2, upGradeEndTime: '12月17日12点' });
    expect(set.body).toMatchObject({ code: 1200, data: { status: 2, upGradeEndTime: '12月17日12点' } });
    const bad = await api().post('/app/status').set(key()).send({ status: 3 });
    expect([bad.status, bad.body.code]).toEqual([200, 1403]);
    expect(bad.body.data).toEqual([expect.objectContaining({ path: 'status' })]);
    expect((await api().get('/app/status')).body.data).toEqual({ status: 2, upGradeEndTime: '12月17日12点' });
    await api().post('/app/status').set(key()).send({ status: 1 });
    expect((await api().get('/app/status')).body.data).toEqual({ status: 1 });
  });
});

describe('seed 002: users, robots and tokens', () => {
  test('when the platform assigns a robot, then it answers the robot’s card; the token names the user; registration is known', async () => {
    const amy = await signUp('union-amy', 'Amy');
    expect(amy.assigned).toEqual({
      code: 1200,
      description: '',
      data: {
        // The mock reports an avatar URL; puppets that report none answer ''.
        head_url: expect.stringMatching(/^https?:\/\//),
        qr_code: expect.stringMatching(/^data:image\/png;base64,/),
        wechat_no: expect.any(String),
        name: expect.stringMatching(/^Robot[AB]$/),
      },
      page_info: {},
    });
    expect((await api().get('/auth/me').set(bearer(amy.token))).body).toEqual({
      me: { user_id: amy.userId },
      code: 1200,
      msg: '',
    });
    const show = await api().get('/robot/show').set(bearer(amy.token));
    expect(show.body.data).toMatchObject({
      robot_id: amy.robotId,
      robot_name: amy.assigned.data.name,
      wechat_no: amy.assigned.data.wechat_no,
    });
    expect((await api().get('/user/robots').set(bearer(amy.token))).body.data).toEqual([
      { id: amy.robotId, name: amy.assigned.data.name, wechat_no: amy.assigned.data.wechat_no },
    ]);
    expect((await api().get('/users/union-amy/registered').set(key())).body.data).toBe(true);
    expect((await api().get('/users/union-nobody/registered').set(key())).body.data).toBe(false);
    expect((await api().get(`/api/v1/group-owners/${amy.userId}`).set(bearer(ADMIN_KEY))).body).toMatchObject({
      unionId: 'union-amy',
      openId: 'open-union-amy',
      channel: 'h5',
      nickName: 'Amy',
      appId: 'wxapp',
      robotId: amy.robotId,
    });
  });

  test.each([
    ['no token', {}],
    ['a forged token', bearer('eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoieCJ9.c2lnbmF0dXJl')],
    [
      'a token signed with another key',
      bearer(
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoieCIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjo0MTAwMDAwMDAwLCJpc3MiOiJxdW5ib3Qtc2VlZDAwMiJ9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ),
    ],
    ['the platform key instead of a token', { Authorization: 'Bearer qb_not-a-token' }],
  ])('when an owner endpoint gets %s, then 1401', async (_, headers) => {
    const res = await api().get('/groups').set(headers);
    expect([res.status, res.body.code]).toEqual([200, 1401]);
  });

  test('when the platform calls without its key, with an unknown key or with another owner’s key, then 1401; an unknown union id gets no token (1404)', async () => {
    expect((await api().post('/auth').send({ union_id: 'union-amy' })).body.code).toBe(1401);
    expect(
      (
        await api()
          .post('/auth')
          .set({ 'X-Api-Key': 'qb_unknown-key-unknown-key-00000' })
          .send({ union_id: 'union-amy' })
      ).body.code,
    ).toBe(1401);
    const other = (
      await api().post('/api/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'o', owner: 'someone-else' })
    ).body.key;
    expect((await api().post('/auth').set({ 'X-Api-Key': other }).send({ union_id: 'union-amy' })).body.code).toBe(
      1401,
    );
    expect((await api().post('/auth').set(key()).send({ union_id: 'union-nobody' })).body.code).toBe(1404);
  });

  test('when no robot can be assigned, then 1600 机器人未找到; undistributable robots are skipped', async () => {
    for (const id of robotIds)
      expect((await api().post('/robot/undistributable').set(key()).send({ robot_id: id })).body.code).toBe(1200);
    const none = await api()
      .post('/robot/distribution')
      .set(key())
      .send({ union_id: 'union-late', open_id: 'o', sharing_user_id: 's', channel: 'c' });
    expect(none.body).toMatchObject({ code: 1600, description: '机器人未找到' });
    expect((await api().post('/robot/undistributable').set(key()).send({ robot_id: 'no-such-robot' })).body.code).toBe(
      1404,
    );
    for (const id of robotIds)
      await api().patch(`/api/v1/robots/${id}`).set(bearer(ADMIN_KEY)).send({ assignable: true });
  });
});

describe('seed 002: an owner’s groups', () => {
  let amy: Awaited<ReturnType<typeof signUp>>;
  let group: Awaited<ReturnType<typeof inviteInto>>;

  beforeAll(async () => {
    amy = await signUp('union-amy', 'Amy');
    group = await inviteInto(amy.robotId, 'Amy', '读书会');
    // The platform's sensitive word, refused with 2003 wherever an owner writes it.
    await api()
      .post('/api/v1/sensitive-words')
      .set(bearer(ADMIN_KEY))
      .send({ words: ['赌博'], owner: 'platform-x' });
  });

  test('when the owner invited the robot into a group, then /groups, /owner/groups and /owner/group/verify list it with counted pages', async () => {
    const groups = await api().get('/groups?status=1&current_page=&page_size=').set(bearer(amy.token));
    expect(groups.body).toEqual({
      code: 1200,
      description: '',
      data: [
        {
          code: group.code,
          name: '读书会',
          robot_name: amy.assigned.data.name,
          launch_switch: 0,
          create_date: today(),
          old_group: 0,
        },
      ],
      page_info: { current_page: 0, page_size: 20, total_page: 1, total_records: 1 },
    });
    expect((await api().get('/groups?status=0').set(bearer(amy.token))).body.data).toEqual([]);
    expect((await api().get('/owner/group/verify').set(bearer(amy.token))).body.data).toBe(true);
    const owned = await api().get('/owner/groups?page_size=-1').set(bearer(amy.token));
    expect(owned.body.data).toEqual([
      {
        id: group.code,
        code: group.code,
        name: '读书会',
        launch_switch: 0,
        create_date: expect.stringMatching(new RegExp(`^${today()} \\d\\d:\\d\\d:\\d\\d$`)),
      },
    ]);
    expect(owned.body.page_info).toEqual({ current_page: 0, page_size: 1, total_page: 1, total_records: 1 });
    const second = await inviteInto(amy.robotId, group.by, '跑步群');
    const page1 = await api().get('/owner/groups?current_page=1&page_size=1').set(bearer(amy.token));
    expect(page1.body.data.map((g: { code: string }) => g.code)).toEqual([second.code]);
    expect(page1.body.page_info).toEqual({ current_page: 1, page_size: 1, total_page: 2, total_records: 2 });
  });

  test('when the owner sets a welcome and the robot’s nickname, then they are stored and listed; a sensitive word is 2003 naming it, and nothing is stored', async () => {
    const set = await api()
      .post(`/groups/${group.code}/welcome`)
      .set(bearer(amy.token))
      .send({ welcome_msg: '欢迎入群' });
    expect(set.body).toEqual({ code: 1200, description: '', data: 'SUCCESS', page_info: {} });
    const refused = await api()
      .post(`/groups/${group.code}/welcome`)
      .set(bearer(amy.token))
      .send({ welcome_msg: '欢迎来 赌 博' });
    expect(refused.body.code).toBe(2003);
    expect(refused.body.data).toEqual([expect.objectContaining({ path: 'welcome_msg', word: '赌博' })]);
    const listed = await api().get('/groups/welcome').set(bearer(amy.token));
    expect(listed.body.data).toContainEqual({ id: group.code, name: '读书会', welcome_msg: '欢迎入群' });
    expect(listed.body.page_info).toMatchObject({ current_page: 0, total_records: 2 });

    expect(
      (await api().post(`/groups/${group.code}/robot_name`).set(bearer(amy.token)).send({ remark_name: '小助手' })).body
        .data,
    ).toBe('SUCCESS');
    expect(
      (await api().post(`/groups/${group.code}/robot_name`).set(bearer(amy.token)).send({ remark_name: '赌博王' })).body
        .code,
    ).toBe(2003);
    const groups = await api().get('/groups').set(bearer(amy.token));
    expect(groups.body.data.find((g: { code: string }) => g.code === group.code).robot_name).toBe('小助手');
  });

  test('when members speak and join, then 群主群数据 counts today’s speakers, joins and members', async () => {
    const spoke = nextEvent(
      qunbot.runtime.manager,
      'handled',
      (e) => e.event.kind === 'message' && e.roomId === group.code,
    );
    group.others[0]!.say('大家好').to(group.room);
    await spoke;
    const stats = await api().get('/groups/statistics?current_page=0&page_size=5').set(bearer(amy.token));
    expect(stats.body.code).toBe(1200);
    expect(stats.body.data.find((g: { group_id: string }) => g.group_id === group.code)).toEqual({
      group_id: group.code,
      group_name: '读书会',
      group_mem_counts: 4,
      join_group_counts: 1,
      exit_group_counts: 0,
      speaker_counts: 1,
    });
    expect(stats.body.page_info).toEqual({ current_page: 0, page_size: 5, total_page: 1, total_records: 2 });
    expect((await api().get('/groups/statistics?date=2026-02-30').set(bearer(amy.token))).body.code).toBe(1403);
  });

  test('when another owner names Amy’s group, then 1404 群不存在 and nothing changes; they list no groups', async () => {
    const bob = await signUp('union-bob', 'Bob');
    const res = await api().post(`/groups/${group.code}/welcome`).set(bearer(bob.token)).send({ welcome_msg: '我的' });
    expect(res.body).toMatchObject({ code: 1404, description: '群不存在' });
    expect(
      (await api().post(`/groups/${group.code}/robot_name`).set(bearer(bob.token)).send({ remark_name: 'x' })).body
        .code,
    ).toBe(1404);
    expect((await api().get('/groups').set(bearer(bob.token))).body).toMatchObject({
      data: [],
      page_info: { total_records: 0, total_page: 0 },
    });
    expect((await api().get('/owner/group/verify').set(bearer(bob.token))).body.data).toBe(false);
    const welcome = await api().get('/groups/welcome').set(bearer(amy.token));
    expect(welcome.body.data).toContainEqual({ id: group.code, name: '读书会', welcome_msg: '欢迎入群' });
  });

  test('when the owner adds a keyword batch, then a member’s message gets the reply in the group and trigger_times counts it; it is changed and deleted; another owner sees none of it', async () => {
    const created = await api()
      .post('/keywords')
      .set(bearer(amy.token))
      .send({ group_codes: [group.code], keywords: ['价格', '多少钱'], reply_content: '99元一本' });
    expect(created.body).toMatchObject({ code: 1200, data: 'SUCCESS' });
    const id = created.body.batch_id as string;
    const svc = serviceOf(amy.robotId);
    const before = svc.puppet.received.length;
    group.others[1]!.say('请问价格').to(group.room);
    const [reply] = (await svc.puppet.receivedCount(before + 1)).slice(before);
    expect(reply).toMatchObject({ conversationId: group.room.id, kind: 'text', text: '99元一本' });
    const listed = await api().get('/keywords').set(bearer(amy.token));
    expect(listed.body.data).toEqual([
      {
        batch_id: id,
        keywords: ['价格', '多少钱'],
        bind_group_counts: 1,
        reply_content: '99元一本',
        trigger_times: 1,
        group_codes: [group.code],
      },
    ]);
    const changed = await api()
      .put('/keywords')
      .set(bearer(amy.token))
      .send({ id, group_codes: [group.code], keywords: ['书价'], reply_content: '88元' });
    expect(changed.body.code).toBe(1200);
    expect((await api().get(`/keywords/${id}`).set(bearer(amy.token))).body.data).toMatchObject({
      keywords: ['书价'],
      reply_content: '88元',
      trigger_times: 1,
    });

    const bob = await signUp('union-bob', 'Bob');
    expect((await api().get(`/keywords/${id}`).set(bearer(bob.token))).body.code).toBe(1404);
    expect((await api().get('/keywords').set(bearer(bob.token))).body.data).toEqual([]);
    expect((await api().delete('/keywords').set(bearer(bob.token)).send({ id })).body.code).toBe(1404);
    const foreign = await api()
      .post('/keywords')
      .set(bearer(bob.token))
      .send({ group_codes: [group.code], keywords: ['x'], reply_content: 'y' });
    expect(foreign.body.code).toBe(1403);
    expect(foreign.body.data).toEqual([{ path: 'group_codes.0', message: 'not one of your groups' }]);
    const sensitive = await api()
      .post('/keywords')
      .set(bearer(amy.token))
      .send({ group_codes: [group.code], keywords: ['x'], reply_content: '来赌博吧' });
    expect(sensitive.body.code).toBe(2003);
    expect((await api().get('/keywords').set(bearer(amy.token))).body.data).toHaveLength(1);

    expect((await api().delete('/keywords').set(bearer(amy.token)).send({ id })).body.data).toBe('SUCCESS');
    expect((await api().get('/keywords').set(bearer(amy.token))).body.data).toEqual([]);
    expect((await api().delete('/keywords').set(bearer(amy.token)).send({})).body.code).toBe(1403);
  });

  test('when the owner turns @-messages on and a member @-mentions the robot, then the owner gets a private notice, the message is listed with its context, and the reply reaches the group', async () => {
    expect((await api().get('/alt/switch').set(bearer(amy.token))).body.data).toBe(0);
    expect((await api().put('/alt/switch').set(bearer(amy.token)).send({ alt_switch: 1 })).body.data).toBe(1);
    expect((await api().get('/alt/switch').set(bearer(amy.token))).body.data).toBe(1);
    const svc = serviceOf(amy.robotId);
    const robotName = amy.assigned.data.name as string;
    const before = svc.puppet.received.length;
    const captured = nextEvent(
      qunbot.runtime.manager,
      'handled',
      (e) => e.event.kind === 'message' && e.roomId === group.code,
    );
    group.others[0]!.say('明天几点开始').to(group.room);
    await captured;
    group.others[1]!.say(`@${robotName} 请问明天几点开始`, [svc.user]).to(group.room);
    // The notice goes to Amy herself (her WeChat id was learnt from her invitation), not into the group.
    const [notice] = (await svc.puppet.receivedCount(before + 1)).slice(before);
    expect(notice).toMatchObject({ conversationId: group.by.id, kind: 'text' });
    expect(notice!.text).toContain('【读书会】');
    expect(notice!.text).toContain('请问明天几点开始');

    const list = await api().get('/alt_msg?current_page=0&page_size=10').set(bearer(amy.token));
    expect(list.body.data).toEqual([
      {
        msg_id: expect.any(String),
        group_name: '读书会',
        msg_content: `@${robotName} 请问明天几点开始`,
        group_id: group.code,
        status: 0,
      },
    ]);
    expect(list.body.page_info).toEqual({ current_page: 0, page_size: 10, total_page: 1, total_records: 1 });
    const msgId = list.body.data[0].msg_id as string;
    const context = await api().get(`/groups/${group.code}/msg/${msgId}/context`).set(bearer(amy.token));
    expect(context.body.code).toBe(1200);
    // The messages before it in the group (earlier tests' included), the mention last: none came after it yet.
    const texts = context.body.data.map((l: { content: { content: string } }) => l.content.content);
    expect(texts.slice(-2)).toEqual(['明天几点开始', `@${robotName} 请问明天几点开始`]);
    expect(texts).toContain('大家好');
    expect(context.body.data.at(-1)).toMatchObject({
      mem_code: group.others[1]!.id,
      group_code: group.code,
      content: { type: 3 },
    });
    expect((await api().get('/alt_msg').set(bearer(amy.token))).body.data[0].status).toBe(1);

    const replied = await api()
      .post('/alt_msg/reply')
      .set(bearer(amy.token))
      .send({ group_code: group.code, mem_code: group.others[1]!.id, content: '晚上八点', type: 3 });
    expect(replied.body).toEqual({ code: 1200, description: '', data: null, page_info: {} });
    const [reply] = (await svc.puppet.receivedCount(before + 2)).slice(before + 1);
    expect(reply).toMatchObject({ conversationId: group.room.id, text: expect.stringContaining('晚上八点') });
    expect(
      (
        await api()
          .post('/alt_msg/reply')
          .set(bearer(amy.token))
          .send({ group_code: group.code, mem_code: 'x', content: 'y', type: 1 })
      ).body.code,
    ).toBe(1403);

    const bob = await signUp('union-bob', 'Bob');
    expect((await api().get(`/groups/${group.code}/msg/${msgId}/context`).set(bearer(bob.token))).body.code).toBe(1404);
    expect((await api().get('/alt_msg').set(bearer(bob.token))).body.data).toEqual([]);
    expect(
      (
        await api()
          .post('/alt_msg/reply')
          .set(bearer(bob.token))
          .send({ group_code: group.code, mem_code: 'x', content: 'y', type: 3 })
      ).body.code,
    ).toBe(1404);
    await api().put('/alt/switch').set(bearer(amy.token)).send({ alt_switch: 0 });
  });

  test('when the rating system rates groups, then each shows its stars as quality_level with history; an unknown group or command rates nothing', async () => {
    const rated = await api()
      .post('/groups/star')
      .set(key())
      .send({ command: 'update_group_star', data: [{ groupId: group.code, state: 2, star: 4 }] });
    expect(rated.body).toEqual({ code: 1200, description: '', data: null, page_info: {} });
    const groups = await api().get('/groups').set(bearer(amy.token));
    expect(groups.body.data.find((g: { code: string }) => g.code === group.code).quality_level).toBe(4);
    const mixed = await api()
      .post('/groups/star')
      .set(key())
      .send({
        command: 'update_group_star',
        data: [
          { groupId: group.code, state: 3, star: 1 },
          { groupId: 'ffffffffffffffffffffffff', state: 1, star: 1 },
        ],
      });
    expect(mixed.body.code).toBe(1403);
    expect(mixed.body.data).toEqual([{ path: 'data.1.groupId', message: 'no such group' }]);
    expect(
      (
        await api()
          .post('/groups/star')
          .set(key())
          .send({ command: 'other', data: [{ groupId: group.code, state: 1, star: 1 }] })
      ).body.code,
    ).toBe(1403);
    expect(
      (
        await api()
          .post('/groups/star')
          .send({ command: 'update_group_star', data: [{ groupId: group.code, state: 1, star: 1 }] })
      ).body.code,
    ).toBe(1401);
    const history = await api().get(`/api/v1/rooms/${group.code}/star-ratings`).set(bearer(ADMIN_KEY));
    expect(
      history.body.items.map((r: { star: number; state: number; source: string }) => [r.star, r.state, r.source]),
    ).toEqual([[4, 2, expect.stringMatching(/^api-key:/)]]);
  });

  test('when the delivery system sends a task, then only groups with the switch on get it, once, and the others are reported; the owner sees it in the launch history', async () => {
    const codes = (await api().get('/owner/groups?page_size=-1').set(bearer(amy.token))).body.data.map(
      (g: { code: string }) => g.code,
    ) as string[];
    const off = codes.find((c) => c !== group.code) as string;
    expect(
      (await api().put('/launch/switch').set(bearer(amy.token)).send({ code: group.code, rcv_task_flag: 1 })).body,
    ).toMatchObject({ code: 1200, data: 1 });
    expect(
      (await api().get('/groups').set(bearer(amy.token))).body.data.find((g: { code: string }) => g.code === group.code)
        .launch_switch,
    ).toBe(1);
    const svc = serviceOf(amy.robotId);
    const before = svc.puppet.received.length;
    const task = {
      taskId: 'T-1001',
      groupIds: [group.code, off, 'ffffffffffffffffffffffff'],
      content: {
        items: [
          { type: 1, title: '', content: '今日好书推荐', filePath: null, url: null },
          { type: 3, title: '书单', content: '十本好书', filePath: null, url: 'https://example.com/books' },
        ],
      },
    };
    const received = await api().post('/task/receive').set(key()).send(task);
    expect(received.body).toEqual({
      code: 1200,
      description: '',
      data: {
        task_id: 'T-1001',
        duplicate: false,
        accepted: [group.code],
        refused: [
          { groupId: off, reason: 'switch_off' },
          { groupId: 'ffffffffffffffffffffffff', reason: 'unknown_group' },
        ],
      },
      page_info: {},
    });
    const sends = (await svc.puppet.receivedCount(before + 2)).slice(before);
    expect(sends.map((r) => [r.conversationId, r.kind])).toEqual([
      [group.room.id, 'text'],
      [group.room.id, 'url'],
    ]);
    // The same task again: answered as the first, delivered by no second broadcast.
    const again = await api().post('/task/receive').set(key()).send(task);
    expect(again.body.data).toMatchObject({ task_id: 'T-1001', duplicate: true, accepted: [group.code] });
    const broadcasts = await api().get('/api/v1/broadcasts?owner=platform-x&limit=100').set(bearer(ADMIN_KEY));
    expect(broadcasts.body.items.filter((b: { source?: string }) => b.source === 'launch:T-1001')).toHaveLength(1);
    const outcome = await api().get('/api/v1/launch-tasks/T-1001?owner=platform-x').set(bearer(ADMIN_KEY));
    expect(outcome.body.task).toMatchObject({ taskId: 'T-1001', roomIds: [group.code] });

    const history = await api().get('/launch/switch?current_page=0&page_size=10').set(bearer(amy.token));
    expect(history.body.data).toEqual([
      { task_id: 'T-1001', send_date: expect.any(String), group_count: 1, send_flag: expect.any(Number) },
    ]);
    expect(history.body.page_info).toEqual({ current_page: 0, page_size: 10, total_page: 1, total_records: 1 });
    const detail = await api().get('/launch/history/detail?task_id=T-1001').set(bearer(amy.token));
    expect(detail.body.data).toEqual({
      groups: [group.code],
      materials: [
        { url: null, type: 1, title: '', content: '今日好书推荐', filePath: null },
        { url: 'https://example.com/books', type: 3, title: '书单', content: '十本好书', filePath: null },
      ],
      send_date: expect.any(String),
    });
    const bob = await signUp('union-bob', 'Bob');
    expect((await api().get('/launch/history/detail?task_id=T-1001').set(bearer(bob.token))).body.code).toBe(1404);
    expect(
      (await api().put('/launch/switch').set(bearer(bob.token)).send({ code: group.code, rcv_task_flag: 0 })).body.code,
    ).toBe(1404);
  });

  test.each([
    [{ type: 2, content: 'no image url' }, 'content.items.0.filePath'],
    [{ type: 3, title: 'x', url: 'ftp://x' }, 'content.items.0.url'],
    [{ type: 4, title: 'mini' }, 'content.items.0.type'],
    [{ type: 9, content: 'x' }, 'content.items.0.type'],
    [{ type: 1, content: '   ' }, 'content.items.0.content'],
  ])('when a task item is %j, then 1403 names %s and the task is not received', async (item, path) => {
    const res = await api()
      .post('/task/receive')
      .set(key())
      .send({ taskId: `bad-${path}-${item.type}`, groupIds: [group.code], content: { items: [item] } });
    expect(res.body.code).toBe(1403);
    expect(res.body.data.map((d: { path: string }) => d.path)).toContain(path);
    const stored = await api()
      .get(`/api/v1/launch-tasks/bad-${path}-${item.type}?owner=platform-x`)
      .set(bearer(ADMIN_KEY));
    expect(stored.status).toBe(404);
  });

  test('when the owner completes a group message, then it is scheduled for the day at 10:00, listed in the next week, changed, and dropped on recall before it went out', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = calendarDay('Asia/Shanghai', tomorrow);
    const put = (token: string, body: object, id = 'T-A') => api().put(`/tasks/${id}`).set(bearer(token)).send(body);
    const made = await put(amy.token, {
      message: { type: 1, content: '周五读书会', title: '', desc: '', url: '' },
      group_ids: [group.code],
      send_date: day,
    });
    expect(made.body).toEqual({ code: 1200, description: '', data: null, page_info: {} });
    const shown = await api().get('/tasks/T-A/message').set(bearer(amy.token));
    expect(shown.body.data).toEqual({
      groups_info: [{ id: group.code, name: '读书会' }],
      content: [{ type: 1, content: '周五读书会', title: '', desc: '', url: '' }],
      send_date: `${day} 10:00:00`,
    });
    expect((await api().get('/tasks/T-A').set(bearer(amy.token))).body.data).toMatchObject({
      task_id: 'T-A',
      status: 'scheduled',
    });
    const next = await api().get('/tasks/messages?direction=up').set(bearer(amy.token));
    expect(next.body.data.map((t: { task_id: string }) => t.task_id)).toEqual(['T-A']);
    expect((await api().get('/tasks/messages?direction=down').set(bearer(amy.token))).body.data).toEqual([]);

    const changed = await put(amy.token, {
      message: { type: 3, title: '书单', desc: '十本好书', url: 'https://example.com/list' },
      group_ids: [group.code],
      send_date: `${day} 20:30`,
    });
    expect(changed.body.code).toBe(1200);
    expect((await api().get('/tasks/T-A/message').set(bearer(amy.token))).body.data).toMatchObject({
      content: [{ type: 3, title: '书单', desc: '十本好书', url: 'https://example.com/list' }],
      send_date: `${day} 20:30:00`,
    });

    const bob = await signUp('union-bob', 'Bob');
    expect((await api().get('/tasks/T-A').set(bearer(bob.token))).body.code).toBe(1404);
    expect(
      (await put(bob.token, { message: { type: 1, content: 'x' }, group_ids: [group.code], send_date: day })).body.code,
    ).toBe(1403);
    expect((await api().delete('/tasks/T-A').set(bearer(bob.token))).body.code).toBe(1404);
    expect(
      (
        await put(
          amy.token,
          { message: { type: 1, content: '来赌博' }, group_ids: [group.code], send_date: day },
          'T-B',
        )
      ).body.code,
    ).toBe(2003);
    const past = await put(
      amy.token,
      { message: { type: 1, content: 'x' }, group_ids: [group.code], send_date: '2020-01-01' },
      'T-C',
    );
    expect([past.body.code, past.body.data[0].path]).toEqual([1403, 'send_date']);
    expect(
      (
        await put(
          amy.token,
          { message: { type: 1, content: 'x' }, group_ids: [group.code], send_date: '2026-02-30' },
          'T-D',
        )
      ).body.code,
    ).toBe(1403);
    expect(
      (await put(amy.token, { message: { type: 2, url: 'not a url' }, group_ids: [group.code], send_date: day }, 'T-E'))
        .body.data[0].path,
    ).toBe('message.url');
    expect((await api().get('/tasks/T-B').set(bearer(amy.token))).body.code).toBe(1404);
    const far = await put(
      amy.token,
      {
        message: { type: 1, content: 'x' },
        group_ids: [group.code],
        send_date: calendarDay('Asia/Shanghai', new Date(Date.now() + 100 * 86_400_000)),
      },
      'T-F',
    );
    expect([far.body.code, far.body.data[0].path]).toEqual([1403, 'send_date']);

    // An operator deletes the broadcast under a task: the task answers 1404, not a failure.
    await put(amy.token, { message: { type: 1, content: '会取消' }, group_ids: [group.code], send_date: day }, 'T-G');
    const listed = await api().get('/api/v1/broadcasts?owner=platform-x&limit=100').set(bearer(ADMIN_KEY));
    const g = listed.body.items.find((b: { name: string }) => b.name === '群发 T-G');
    expect((await api().delete(`/api/v1/broadcasts/${g.id}`).set(bearer(ADMIN_KEY))).status).toBe(200);
    expect(
      (await put(amy.token, { message: { type: 1, content: 'x' }, group_ids: [group.code], send_date: day }, 'T-G'))
        .body.code,
    ).toBe(1404);
    expect((await api().get('/tasks/T-G').set(bearer(amy.token))).body.code).toBe(1404);
    expect((await api().delete('/tasks/T-A').set(bearer(amy.token))).body.code).toBe(1200);
    expect((await api().get('/tasks/T-A').set(bearer(amy.token))).body.code).toBe(1404);
    const left = await api().get('/api/v1/broadcasts?owner=platform-x&limit=100').set(bearer(ADMIN_KEY));
    expect(left.body.items.filter((b: { name: string }) => b.name.startsWith('群发'))).toEqual([]);
  });

  test.each([
    ['/groups?status=2', 'status'],
    ['/groups?page_size=0', 'page_size'],
    ['/groups?current_page=-1', 'current_page'],
    ['/owner/groups?page_size=-2', 'page_size'],
    ['/groups/welcome?page_size=1000', 'page_size'],
  ])('when %s, then 1403 names %s', async (path, field) => {
    const res = await api().get(path).set(bearer(amy.token));
    expect(res.body.code).toBe(1403);
    expect(res.body.data.map((d: { path: string }) => d.path)).toContain(field);
  });

  test('when the platform cancels groups with one unknown id, then 1404 and none is cancelled; with known ids, the robot leaves and the group is gone from the owner’s lists', async () => {
    const before = (await api().get('/owner/groups').set(bearer(amy.token))).body.page_info.total_records;
    const mixed = await api()
      .post('/groups/delete')
      .set(key())
      .send({ group_ids: [group.code, 'ffffffffffffffffffffffff'], cancel_reason: 2 });
    expect(mixed.body.code).toBe(1404);
    expect((await api().get('/owner/groups').set(bearer(amy.token))).body.page_info.total_records).toBe(before);
    expect(
      (
        await api()
          .post('/groups/delete')
          .set(key())
          .send({ group_ids: [group.code], cancel_reason: 9 })
      ).body.code,
    ).toBe(1403);
    const done = await api()
      .post('/groups/delete')
      .set(key())
      .send({ group_ids: [group.code], cancel_reason: 2 });
    expect(done.body).toEqual({ code: 1200, description: '', data: '', page_info: {} });
    expect(serviceOf(amy.robotId).puppet.quitRooms).toContain(group.room.id);
    const after = await api().get('/owner/groups').set(bearer(amy.token));
    expect(after.body.data.map((g: { code: string }) => g.code)).not.toContain(group.code);
    expect(after.body.page_info.total_records).toBe(before - 1);
    const stored = await api().get(`/api/v1/rooms/${group.code}/group-owner`).set(bearer(ADMIN_KEY));
    expect(stored.body).toMatchObject({ userId: amy.userId, cancelReason: 2 });
  });

  test('when the platform blocks a user, then their token ends; a new token may only learn that they are blocked', async () => {
    const carl = await signUp('union-carl', 'Carl');
    expect((await api().put(`/users/${carl.userId}/block`).set(key())).body.code).toBe(1200);
    expect((await api().get('/groups').set(bearer(carl.token))).body.code).toBe(1401);
    const again = (await api().post('/auth').set(key()).send({ union_id: 'union-carl' })).body.access_token;
    expect((await api().get('/users/block_verify').set(bearer(again))).body.data).toBe(true);
    expect((await api().get('/groups').set(bearer(again))).body.code).toBe(1401);
    expect((await api().get('/users/block_verify').set(bearer(amy.token))).body.data).toBe(false);
    const assign = await api().post('/robot/distribution').set(key()).send({ union_id: 'union-carl' });
    expect(assign.body.code).toBe(1401);
  });
});

describe('seed 002: errors in its own shape', () => {
  test('when the body is malformed JSON or the method is wrong, then the answer is in seed 002’s envelope', async () => {
    const bad = await api()
      .post('/robot/distribution')
      .set(key())
      .set('Content-Type', 'application/json')
      .send('{"union_id":');
    expect(bad.body).toMatchObject({ code: 1403, data: null, page_info: {} });
    const wrong = await api().delete('/robot/show');
    expect(wrong.body).toMatchObject({ code: 1405, page_info: {} });
  });
});
