import type { Runtime } from '../../../src/bot/runtime';
import { seed000Mount, ownerOf, productionTargets, seed000Router } from '../../../src/api/compat/seed000';
import { compatHarness } from '../../support/api';
import { memoryLog } from '../../support/logger';
import { useTestDatabase } from '../../support/mongo';
import { createRooms, startMockService, type MockService } from '../../support/puppet-mock';
import { nextEvent, testPlugins, testRuntime, testRuntimeConfig } from '../../support/runtime';
import { installMounts } from '../../../src/api/compat/mount';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const KEYS = { frxs: 'frxs-platform-key-0123456789abcdef', star: 'star-platform-key-0123456789abcdef' };
const PLATFORMS = [
  { id: 'frxs', key: KEYS.frxs },
  { id: 'star_chain', key: KEYS.star },
];
/** A frxs user with two WeChat accounts (robots A and B), a star_chain user, a user with no robot. */
const U1 = '13600000001';
const U9 = '13900000009';
const NOBODY = '13700000000';

/**
 * Makes the mock service show a QR code when its next robot connects. A puppet-service server
 * does not replay a scan shown before the client's event stream is up; it starts its puppet
 * (which runs the mocker's behaviours) only after the stream is connected, so this is the moment.
 */
function scanOnStart(svc: MockService): (url: string) => void {
  let next: string | undefined;
  svc.mocker.use((m) => {
    const url = next;
    next = undefined;
    if (url) setImmediate(() => m.scan(url));
    return () => undefined;
  });
  return (url) => {
    next = url;
  };
}

const puppetOf = (svc: MockService) => ({
  kind: 'service' as const,
  token: svc.token,
  endpoint: svc.endpoint,
  tlsDisable: true,
});

const t = useTestDatabase(__filename);

describe('seed 000 platform robot API (contract, robots on puppet-service gRPC mocks)', () => {
  /** svcA: U1's first account (the default puppet); svcB: U1's second; svcS: U9's (star_chain); svcQ: never shows a code by itself. */
  let svcA: MockService;
  let svcB: MockService;
  let svcS: MockService;
  let svcQ: MockService;
  const scan: Record<'A' | 'B' | 'S', (url: string) => void> = {
    A: () => undefined,
    B: () => undefined,
    S: () => undefined,
  };
  let roomsA: ReturnType<typeof createRooms>;
  let roomsB: ReturnType<typeof createRooms>;
  let roomsS: ReturnType<typeof createRooms>;
  let runtime: Runtime;
  let plugins: ReturnType<typeof testPlugins>;
  let h: Awaited<ReturnType<typeof compatHarness>>;
  const logs = memoryLog('debug');
  let robotA: string;
  let robotB: string;
  let robotS: string;

  const post = (path: string, body: object | string, key: string | null = KEYS.frxs) => {
    const req = h.client().post(path);
    if (key !== null) req.set('X-Platform-Key', key);
    return req.send(body);
  };
  const get = (path: string, query: Record<string, string>, key: string | null = KEYS.frxs) => {
    const req = h.client().get(path).query(query);
    if (key !== null) req.set('X-Platform-Key', key);
    return req;
  };
  const production = async (robotId: string) =>
    (await runtime.rooms.list(robotId, { production: true })).map((r) => r.puppetId).sort();

  beforeAll(async () => {
    [svcA, svcB, svcS, svcQ] = await Promise.all([
      startMockService('樂阳'),
      startMockService('渺渺的'),
      startMockService('星链客服'),
      startMockService('Q'),
    ]);
    scan.A = scanOnStart(svcA);
    scan.B = scanOnStart(svcB);
    scan.S = scanOnStart(svcS);
    roomsA = createRooms(svcA, 3, 2, (i) => ['测试福利社', '福利社XXXX', '闲聊群'][i] as string);
    roomsB = createRooms(svcB, 2, 2, (i) => ['B 生产群', 'B 闲聊'][i] as string);
    roomsS = createRooms(svcS, 1, 2, () => '星链群');
    const config = testRuntimeConfig();
    // Robots getqrcode creates use the configured default puppet: svcA here.
    config.bot = { ...config.bot, defaultPuppet: puppetOf(svcA) };
    plugins = testPlugins(t.db);
    runtime = testRuntime(t.db, {
      config,
      log: logs.log,
      stages: plugins.stages(['sign-in'], { log: logs.log }),
    });
    h = await compatHarness(t.db, {
      routers: () => [
        seed000Router({
          runtime,
          signIn: plugins.services['sign-in'].signIn,
          platforms: PLATFORMS,
          log: logs.log,
          qrWaitMs: 10_000,
        }),
      ],
      prepare: (app, routers) => installMounts(app, [seed000Mount(routers)]),
      log: logs.log,
    });
  });

  afterAll(async () => {
    await runtime.manager.stopAll();
    await Promise.all([svcA, svcB, svcS, svcQ].map((s) => s.stop()));
  });

  describe('logins and accounts', () => {
    test('when getqrcode is called for a user without robots, then a robot of that user is created, started and its QR code answered', async () => {
      scan.A('https://login.weixin.qq.com/l/seed000-a');
      const res = await post('/robot/getqrcode/', { md_username: U1, platform_id: 'frxs' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ret: 0,
        msg: 'ok',
        status: 'waiting_for_scan',
        robot_id: expect.stringMatching(/^[0-9a-f]{24}$/),
        qrcode: 'https://login.weixin.qq.com/l/seed000-a',
        qrcode_img: expect.stringMatching(/^data:image\/png;base64,/),
        expires_at: expect.any(String),
      });
      expect(Buffer.from(res.body.qrcode_img.split(',')[1], 'base64').subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(new Date(res.body.expires_at).getTime()).toBeGreaterThan(Date.now());
      robotA = res.body.robot_id;
      expect(await runtime.robots.get(robotA)).toMatchObject({
        owner: ownerOf('frxs', U1),
        status: 'waiting_for_scan',
        desired: 'running',
        puppetKind: 'service',
      });
    });

    test('when getqrcode is called again before the scan, then the same robot answers the same code (no second robot)', async () => {
      const res = await post('/robot/getqrcode', { md_username: Number(U1) });
      expect(res.body).toMatchObject({
        ret: 0,
        status: 'waiting_for_scan',
        robot_id: robotA,
        qrcode: 'https://login.weixin.qq.com/l/seed000-a',
      });
      expect(await runtime.robots.list({ owner: ownerOf('frxs', U1) })).toHaveLength(1);
    });

    test('when the account logs in, then host_list shows it in the 11.16 shape with ret 1 and its groups', async () => {
      const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotA);
      svcA.mocker.login(svcA.user);
      await synced;
      const res = await get('/robot/host_list', { username: U1 });
      expect(res.status).toBe(200);
      const groups = roomsA.map(({ room }, i) => ({
        username: room.id,
        nickname: ['测试福利社', '福利社XXXX', '闲聊群'][i],
      }));
      expect(res.body).toEqual({
        ret: 0,
        msg: 'ok',
        data: [{ wx_username: svcA.user.id, name: '樂阳', ret: 1, group: expect.any(Array), production_list: [] }],
      });
      expect(res.body.data[0].group).toHaveLength(3);
      expect(new Set(res.body.data[0].group)).toEqual(new Set(groups));
    });

    test('when the user has a robot that is not logged in, then getqrcode starts that one instead of creating another', async () => {
      robotB = (
        await runtime.manager.create({ name: 'second account', owner: ownerOf('frxs', U1), puppet: puppetOf(svcB) })
      ).id;
      scan.B('https://login.weixin.qq.com/l/seed000-b');
      const res = await post('/robot/getqrcode/', { md_username: U1, platform_id: 'frxs' });
      expect(res.body).toMatchObject({
        ret: 0,
        status: 'waiting_for_scan',
        robot_id: robotB,
        qrcode: 'https://login.weixin.qq.com/l/seed000-b',
      });
      expect(await runtime.robots.list({ owner: ownerOf('frxs', U1) })).toHaveLength(2);

      const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotB);
      svcB.mocker.login(svcB.user);
      await synced;
      const list = await get('/robot/host_list/', { username: U1, platform_id: 'frxs' });
      expect(
        list.body.data.map((d: { wx_username: string; name: string; ret: number }) => [d.wx_username, d.name, d.ret]),
      ).toEqual([
        [svcA.user.id, '樂阳', 1],
        [svcB.user.id, '渺渺的', 1],
      ]);
      expect(list.body.data[1].group.map((g: { nickname: string }) => g.nickname)).toEqual(['B 生产群', 'B 闲聊']);
    });

    test('when getqrcode names a logged-in account by wx_username, then it answers logged_in without a code', async () => {
      const res = await post('/robot/getqrcode/', { md_username: U1, wx_username: svcA.user.id });
      expect(res.body).toEqual({
        ret: 0,
        msg: 'ok',
        status: 'logged_in',
        robot_id: robotA,
        qrcode: '',
        qrcode_img: '',
        wx_username: svcA.user.id,
        name: '樂阳',
      });
    });

    test("when another platform's user logs in, then each platform lists only its own users", async () => {
      robotS = (
        await runtime.manager.create({ name: 'star', owner: ownerOf('star_chain', U9), puppet: puppetOf(svcS) })
      ).id;
      scan.S('https://login.weixin.qq.com/l/seed000-s');
      const qr = await post('/robot/getqrcode/', { md_username: U9, platform_id: 'star_chain' }, KEYS.star);
      expect(qr.body).toMatchObject({ ret: 0, robot_id: robotS, qrcode: 'https://login.weixin.qq.com/l/seed000-s' });
      const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotS);
      svcS.mocker.login(svcS.user);
      await synced;

      const frxs = await get('/robot/platform_user_list', { platform_id: 'frxs' });
      expect(frxs.status).toBe(200);
      expect(frxs.body).toEqual({
        ret: 0,
        msg: 'ok',
        login_user_list: [{ user: U1, wxuser_list: ['樂阳', '渺渺的'] }],
      });
      const star = await get('/robot/platform_user_list/', {}, KEYS.star);
      expect(star.body).toEqual({ ret: 0, msg: 'ok', login_user_list: [{ user: U9, wxuser_list: ['星链客服'] }] });
      // The same md_username on another platform is another user.
      const otherPlatform = await get('/robot/host_list', { username: U1 }, KEYS.star);
      expect(otherPlatform.status).toBe(404);
      expect(otherPlatform.body).toMatchObject({ ret: -1, code: 'unknown_user' });
    });

    test('when host_list names a user with no robot, then it answers 404 unknown_user, not an empty list', async () => {
      const res = await get('/robot/host_list', { username: NOBODY });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        ret: -1,
        code: 'unknown_user',
        msg: `${NOBODY} has no robot on this platform`,
        request_id: expect.any(String),
      });
    });

    test('when host_list names a user whose robots never logged in, then the list is empty', async () => {
      await runtime.manager.create({ name: 'never', owner: ownerOf('star_chain', NOBODY), puppet: puppetOf(svcS) });
      expect((await get('/robot/host_list', { username: NOBODY }, KEYS.star)).body).toEqual({
        ret: 0,
        msg: 'ok',
        data: [],
      });
    });
  });

  describe('production rooms', () => {
    test('when add_production_chatroom names rooms by wx_username, then they are flagged and host_list lists them as production_list', async () => {
      const ids = [roomsA[0].room.id, roomsA[2].room.id];
      const res = await post('/robot/add_production_chatroom/', { chatroom_list: ids, wx_username: svcA.user.id });
      expect(res.status).toBe(200);
      expect(res.body.ret).toBe(0);
      expect(new Set(res.body.chatroom_list)).toEqual(
        new Set([
          { username: ids[0], nickname: '测试福利社' },
          { username: ids[1], nickname: '闲聊群' },
        ]),
      );
      expect(await production(robotA)).toEqual([...ids].sort());
      const list = await get('/robot/host_list', { username: U1 });
      expect(new Set(list.body.data[0].production_list)).toEqual(
        new Set([
          { username: ids[0], nickname: '测试福利社' },
          { username: ids[1], nickname: '闲聊群' },
        ]),
      );
      expect(list.body.data[1].production_list).toEqual([]);
    });

    test('when the older form names the user by md_username, then the room of whichever robot has it is flagged', async () => {
      const res = await post('/robot/add_production_chatroom', { chatroom_list: [roomsB[0].room.id], md_username: U1 });
      expect(res.body).toEqual({
        ret: 0,
        msg: 'ok',
        chatroom_list: [{ username: roomsB[0].room.id, nickname: 'B 生产群' }],
      });
      expect(await production(robotB)).toEqual([roomsB[0].room.id]);
    });

    test('when remove_production_chatroom names a room, then only that flag is cleared; an empty list changes nothing', async () => {
      const res = await post('/robot/remove_production_chatroom/', {
        chatroom_list: [roomsA[2].room.id],
        wx_username: svcA.user.id,
      });
      expect(res.body).toEqual({
        ret: 0,
        msg: 'ok',
        chatroom_list: [{ username: roomsA[2].room.id, nickname: '闲聊群' }],
      });
      expect(await production(robotA)).toEqual([roomsA[0].room.id]);
      const none = await post('/robot/remove_production_chatroom', { chatroom_list: [], wx_username: svcA.user.id });
      expect(none.body).toEqual({ ret: 0, msg: 'ok', chatroom_list: [] });
      expect(await production(robotA)).toEqual([roomsA[0].room.id]);
    });

    test("when send_msg's targets are computed, then they are the production rooms of the platform's logged-in robots", async () => {
      await post(
        '/robot/add_production_chatroom',
        { chatroom_list: [roomsS[0].room.id], wx_username: svcS.user.id },
        KEYS.star,
      );
      const frxs = await productionTargets(runtime, 'frxs');
      expect(frxs).toEqual([
        { robotId: robotA, roomId: expect.any(String), puppetId: roomsA[0].room.id, topic: '测试福利社' },
        { robotId: robotB, roomId: expect.any(String), puppetId: roomsB[0].room.id, topic: 'B 生产群' },
      ]);
      expect((await productionTargets(runtime, 'star_chain')).map((x) => x.puppetId)).toEqual([roomsS[0].room.id]);
    });

    test("when a listed room is not the robot's, then 404 unknown_chatroom names it and no room is changed", async () => {
      for (const [body, unknown] of [
        [{ chatroom_list: [roomsA[1].room.id, 'nope@chatroom'], wx_username: svcA.user.id }, ['nope@chatroom']],
        // B's room through A's account: each account's own rooms only.
        [{ chatroom_list: [roomsA[1].room.id, roomsB[1].room.id], wx_username: svcA.user.id }, [roomsB[1].room.id]],
        [{ chatroom_list: [roomsS[0].room.id], md_username: U1 }, [roomsS[0].room.id]],
      ] as const) {
        const res = await post('/robot/add_production_chatroom/', body);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({
          ret: -1,
          code: 'unknown_chatroom',
          msg: expect.stringContaining(unknown[0]),
          request_id: expect.any(String),
          details: { unknown },
        });
      }
      const res = await post('/robot/remove_production_chatroom/', {
        chatroom_list: [roomsA[0].room.id, 'gone@chatroom'],
        wx_username: svcA.user.id,
      });
      expect(res.body.code).toBe('unknown_chatroom');
      expect(await production(robotA)).toEqual([roomsA[0].room.id]);
      expect(await production(robotB)).toEqual([roomsB[0].room.id]);
    });

    test('when wx_username is no robot of the platform (or of that user), or md_username has no robot, then 404 and nothing changes', async () => {
      const cases: [object, string, number][] = [
        [{ chatroom_list: [roomsA[1].room.id], wx_username: 'wxid_nobody' }, 'unknown_wx_username', 404],
        // The star_chain account through the frxs key.
        [{ chatroom_list: [roomsS[0].room.id], wx_username: svcS.user.id }, 'unknown_wx_username', 404],
        [
          { chatroom_list: [roomsA[1].room.id], wx_username: svcA.user.id, md_username: NOBODY },
          'unknown_wx_username',
          404,
        ],
        [{ chatroom_list: [roomsA[1].room.id], md_username: NOBODY }, 'unknown_user', 404],
      ];
      for (const [body, code, status] of cases) {
        for (const path of ['/robot/add_production_chatroom/', '/robot/remove_production_chatroom']) {
          const res = await post(path, body);
          expect(res.status).toBe(status);
          expect(res.body).toMatchObject({ ret: -1, code, msg: expect.any(String) });
        }
      }
      expect(await production(robotA)).toEqual([roomsA[0].room.id]);
      expect(await production(robotS)).toEqual([roomsS[0].room.id]);
    });
  });

  describe('sign-in keyword', () => {
    const replyTo = async (svc: MockService, act: () => void) => {
      const before = svc.puppet.received.length;
      const got = svc.puppet.receivedCount(before + 1);
      act();
      return (await got)[before];
    };

    test("when define_sign_rule sets a keyword, then a member typing it in a room of the user's robot is signed in", async () => {
      const res = await post('/robot/define_sign_rule/', { md_username: U1, keyword: ' 打卡 ', platform_id: 'frxs' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ret: 0, msg: 'ok', md_username: U1, keyword: '打卡' });
      const rules = await plugins.services['sign-in'].signIn.rules(ownerOf('frxs', U1));
      expect(rules).toMatchObject([{ keywords: ['打卡'], roomIds: [], enabled: true }]);

      const { room, people } = roomsA[1];
      const reply = await replyTo(svcA, () => people[0].say('打卡').to(room));
      expect(reply.conversationId).toBe(room.id);
      expect(reply.text).toContain('签到成功');
      const record = (await runtime.rooms.list(robotA)).find((r) => r.puppetId === room.id);
      expect(await plugins.services['sign-in'].signIn.history(record!.id, people[0].id)).toHaveLength(1);
      // The user's second account signs in with the same rule.
      const other = await replyTo(svcB, () => roomsB[1].people[0].say('打卡').to(roomsB[1].room));
      expect(other).toMatchObject({ conversationId: roomsB[1].room.id, text: expect.stringContaining('签到成功') });
    });

    test("when define_sign_rule is called again, then the one rule's keyword is replaced and the old one no longer signs in", async () => {
      const res = await post('/robot/define_sign_rule', { md_username: Number(U1), keyword: '签到' });
      expect(res.body).toMatchObject({ ret: 0, keyword: '签到' });
      expect((await plugins.services['sign-in'].signIn.rules(ownerOf('frxs', U1))).map((r) => r.keywords)).toEqual([
        ['签到'],
      ]);

      const { room, people } = roomsA[1];
      const before = svcA.puppet.received.length;
      const handled = nextEvent(
        runtime.manager,
        'handled',
        (e) => e.robotId === robotA && e.event.kind === 'message' && e.event.text === '打卡',
      );
      people[1].say('打卡').to(room);
      await handled;
      expect(svcA.puppet.received.length).toBe(before);
      const reply = await replyTo(svcA, () => people[1].say('签到').to(room));
      expect(reply.text).toContain('签到成功');
    });

    test("when another platform's user with the same md_username defines a keyword, then it is that user's own rule", async () => {
      await post(
        '/robot/define_sign_rule/',
        { md_username: U1, keyword: '报到', platform_id: 'star_chain' },
        KEYS.star,
      );
      expect(
        (await plugins.services['sign-in'].signIn.rules(ownerOf('star_chain', U1))).map((r) => r.keywords),
      ).toEqual([['报到']]);
      expect((await plugins.services['sign-in'].signIn.rules(ownerOf('frxs', U1))).map((r) => r.keywords)).toEqual([
        ['签到'],
      ]);
    });
  });

  describe('getqrcode when no code comes', () => {
    test('when the robot shows no QR code within the wait, then 202 status starting with Retry-After, and the next call answers the code once shown', async () => {
      const quick = await compatHarness(t.db, {
        routers: () => [
          seed000Router({
            runtime,
            signIn: plugins.services['sign-in'].signIn,
            platforms: PLATFORMS,
            log: logs.log,
            qrWaitMs: 300,
          }),
        ],
        prepare: (app, routers) => installMounts(app, [seed000Mount(routers)]),
        log: logs.log,
      });
      const user = '13600000077';
      const robotQ = (
        await runtime.manager.create({ name: 'slow', owner: ownerOf('frxs', user), puppet: puppetOf(svcQ) })
      ).id;
      const res = await quick
        .client()
        .post('/robot/getqrcode/')
        .set('X-Platform-Key', KEYS.frxs)
        .send({ md_username: user });
      expect(res.status).toBe(202);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toEqual({
        ret: 0,
        msg: expect.stringContaining('call getqrcode again'),
        status: 'starting',
        robot_id: robotQ,
        qrcode: '',
        qrcode_img: '',
      });

      const shown = nextEvent(runtime.manager, 'qrcode', (e) => e.robotId === robotQ);
      svcQ.mocker.scan('https://login.weixin.qq.com/l/seed000-q');
      await shown;
      const again = await quick
        .client()
        .post('/robot/getqrcode')
        .set('X-Platform-Key', KEYS.frxs)
        .send({ md_username: user });
      expect(again.body).toMatchObject({ ret: 0, robot_id: robotQ, qrcode: 'https://login.weixin.qq.com/l/seed000-q' });
      expect(await runtime.robots.list({ owner: ownerOf('frxs', user) })).toHaveLength(1);
      await runtime.manager.stop(robotQ);
    });

    test('when the robot cannot start (bad puppet settings), then 503 login_unavailable at once, without waiting out the wait', async () => {
      const user = '13600000088';
      // A puppet-service robot without a token: the puppet cannot be built.
      const broken = (
        await runtime.manager.create({
          name: 'broken',
          owner: ownerOf('frxs', user),
          puppet: { kind: 'service', endpoint: '127.0.0.1:1', tlsDisable: true },
        })
      ).id;
      const started = Date.now();
      const res = await post('/robot/getqrcode/', { md_username: user });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        ret: -1,
        code: 'login_unavailable',
        msg: expect.stringContaining('error'),
        request_id: expect.any(String),
      });
      // The router waits up to 10 s for a code; a failed robot answers well before.
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await runtime.robots.list({ owner: ownerOf('frxs', user) })).toEqual([
        expect.objectContaining({ id: broken, status: 'error' }),
      ]);
      await runtime.manager.stop(broken);
    });

    test('when getqrcode names an account the user never had, then 404 unknown_wx_username and no robot is made', async () => {
      const res = await post('/robot/getqrcode/', { md_username: U1, wx_username: svcS.user.id });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('unknown_wx_username');
      expect(await runtime.robots.list({ owner: ownerOf('frxs', U1) })).toHaveLength(2);
    });
  });

  describe('access and malformed requests (nothing is done)', () => {
    /** One request per endpoint, with a given key and an optional platform_id. */
    const calls = (key: string | null, platformId?: string) => {
      const p: Record<string, string> = platformId === undefined ? {} : { platform_id: platformId };
      return [
        () => post('/robot/getqrcode/', { md_username: NOBODY, ...p }, key),
        () => get('/robot/host_list', { username: U1, ...p }, key),
        () =>
          post(
            '/robot/add_production_chatroom/',
            { chatroom_list: [roomsA[1].room.id], wx_username: svcA.user.id, ...p },
            key,
          ),
        () =>
          post(
            '/robot/remove_production_chatroom/',
            { chatroom_list: [roomsA[0].room.id], wx_username: svcA.user.id, ...p },
            key,
          ),
        () => post('/robot/define_sign_rule/', { md_username: U1, keyword: '偷改', ...p }, key),
        () => get('/robot/platform_user_list', { ...p }, key),
      ];
    };

    /** What a refused request must not have changed. */
    const snapshot = async () => ({
      robots: (await runtime.robots.list()).map((r) => [r.id, r.owner, r.status]),
      productionA: await production(robotA),
      rules: (await plugins.services['sign-in'].signIn.rules(ownerOf('frxs', U1))).map((r) => r.keywords),
    });

    test.each([
      ['no key', 401, 'missing_key', null, undefined],
      ['an unknown key', 401, 'invalid_key', 'frxs-platform-key-0123456789abcdeX', undefined],
      ['an empty key', 401, 'missing_key', '', undefined],
      ['an unknown platform_id', 404, 'unknown_platform', KEYS.frxs, 'nope'],
      ["another platform's platform_id", 403, 'platform_mismatch', KEYS.frxs, 'star_chain'],
      // An unknown key with an unknown platform: the key is checked first.
      ['an unknown key and platform', 401, 'invalid_key', 'x'.repeat(30), 'nope'],
    ] as const)(
      'when a request carries %s, then every endpoint answers %i %s',
      async (_, status, code, key, platformId) => {
        const before = await snapshot();
        for (const call of calls(key, platformId)) {
          const res = await call();
          expect(res.status).toBe(status);
          expect(res.body).toEqual({ ret: -1, code, msg: expect.any(String), request_id: expect.any(String) });
        }
        expect(await snapshot()).toEqual(before);
      },
    );

    test.each([
      ['getqrcode without md_username', '/robot/getqrcode/', { platform_id: 'frxs' }, 'md_username'],
      ['getqrcode with an object md_username', '/robot/getqrcode/', { md_username: { a: 1 } }, 'md_username'],
      ['getqrcode with a colon in md_username', '/robot/getqrcode/', { md_username: 'a:b' }, 'md_username'],
      [
        'production with a string list',
        '/robot/add_production_chatroom/',
        { chatroom_list: 'x@chatroom', wx_username: 'w' },
        'chatroom_list',
      ],
      [
        'production with numbers in the list',
        '/robot/add_production_chatroom/',
        { chatroom_list: [1, 2], wx_username: 'w' },
        'chatroom_list.0',
      ],
      [
        'production naming no robot',
        '/robot/remove_production_chatroom/',
        { chatroom_list: ['x@chatroom'] },
        'wx_username',
      ],
      [
        'production with a numeric wx_username',
        '/robot/add_production_chatroom/',
        { chatroom_list: [], wx_username: 5 },
        'wx_username',
      ],
      ['define_sign_rule without keyword', '/robot/define_sign_rule/', { md_username: U1 }, 'keyword'],
      [
        'define_sign_rule with a blank keyword',
        '/robot/define_sign_rule/',
        { md_username: U1, keyword: '   ' },
        'keyword',
      ],
      [
        'define_sign_rule with a long keyword',
        '/robot/define_sign_rule/',
        { md_username: U1, keyword: 'x'.repeat(51) },
        'keyword',
      ],
      [
        'define_sign_rule with a numeric platform_id',
        '/robot/define_sign_rule/',
        { md_username: U1, keyword: 'k', platform_id: 1 },
        'platform_id',
      ],
    ])('when %s, then 400 invalid_request naming the field', async (_, path, body, field) => {
      const before = await snapshot();
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        ret: -1,
        code: 'invalid_request',
        msg: expect.stringContaining(field),
        request_id: expect.any(String),
        details: expect.arrayContaining([expect.objectContaining({ path: field })]),
      });
      expect(await snapshot()).toEqual(before);
    });

    test('when a query parameter is missing or repeated, then 400 invalid_request', async () => {
      for (const res of [
        await get('/robot/host_list', {}),
        await h.client().get(`/robot/host_list?username=${U1}&username=${U1}`).set('X-Platform-Key', KEYS.frxs),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ ret: -1, code: 'invalid_request', msg: expect.stringContaining('username') });
      }
    });

    test("when the body is malformed JSON, a JSON array, not JSON or too large, then the dialect's error body (never a 5xx)", async () => {
      const before = await snapshot();
      const malformed = await h
        .client()
        .post('/robot/getqrcode/')
        .set('X-Platform-Key', KEYS.frxs)
        .set('Content-Type', 'application/json')
        .send('{"md_username":');
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({
        ret: -1,
        code: 'invalid_json',
        msg: expect.stringContaining('not valid JSON'),
        request_id: expect.any(String),
      });
      // Without a key too: the body is parsed before the dialect looks at the request.
      const anonymous = await h
        .client()
        .post('/robot/define_sign_rule/')
        .set('Content-Type', 'application/json')
        .send('nope');
      expect(anonymous.body).toMatchObject({ ret: -1, code: 'invalid_json' });

      const array = await post('/robot/define_sign_rule/', [{ md_username: U1, keyword: 'x' }]);
      expect(array.status).toBe(400);
      expect(array.body).toMatchObject({ ret: -1, code: 'invalid_request', msg: 'the body must be a JSON object' });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await h
          .client()
          .post('/robot/define_sign_rule/')
          .set('X-Platform-Key', KEYS.frxs)
          .set('Content-Type', type)
          .send(`md_username=${U1}&keyword=form`);
        expect(res.status).toBe(415);
        expect(res.body).toMatchObject({
          ret: -1,
          code: 'unsupported_media_type',
          msg: expect.stringContaining('application/json'),
        });
      }
      const big = await post('/robot/add_production_chatroom/', {
        chatroom_list: ['x'.repeat(300 * 1024)],
        wx_username: svcA.user.id,
      });
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ ret: -1, code: 'body_too_large' });
      expect(await snapshot()).toEqual(before);
    });

    test("when a path or method under /robot does not exist, then 404 not_found / 405 method_not_allowed in the dialect's body", async () => {
      const path = await post('/robot/send_nothing/', {});
      expect(path.status).toBe(404);
      expect(path.body).toMatchObject({ ret: -1, code: 'not_found' });
      const method = await get('/robot/getqrcode/', { md_username: U1 });
      expect(method.status).toBe(405);
      expect(method.body).toMatchObject({ ret: -1, code: 'method_not_allowed' });
      // Other paths keep the native shape.
      const native = await h.client().get('/robots-x');
      expect(native.status).toBe(404);
      expect(native.body.error).toMatchObject({ code: 'not_found' });
    });
  });

  describe('logs (after everything above)', () => {
    test('when every endpoint was called with platform keys, then no log line carries one', () => {
      expect(logs.lines.length).toBeGreaterThan(0);
      const all = JSON.stringify(logs.lines);
      for (const key of Object.values(KEYS)) expect(all).not.toContain(key);
      // No request failed unexpectedly (the one 503 above is the robot that could not start).
      expect(
        logs.lines.filter((l) => l.msg === 'seed000 request failed' || (l.msg === 'request' && l.status === 500)),
      ).toEqual([]);
    });
  });
});
