import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import type { Runtime } from '../../../src/bot/runtime';
import { seed001Mount, seed001Router } from '../../../src/api/compat/seed001';
import { AppError } from '../../../src/http/errors';
import { compatHarness } from '../../support/api';
import { memoryLog } from '../../support/logger';
import { useTestDatabase } from '../../support/mongo';
import { createRooms, startMockService, type MockService } from '../../support/puppet-mock';
import { nextEvent, testRuntime, testRuntimeConfig } from '../../support/runtime';
import { installMounts } from '../../../src/api/compat/mount';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Keeps a binary body as a Buffer. */
function binary(res: Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** 127.0.0.1 stand-in for the developer's side: the login callback URL and an image to send. */
async function startSite() {
  const png = Buffer.concat([PNG_SIGNATURE, Buffer.alloc(32)]);
  const server = http.createServer((req, res) => {
    if (req.url === '/pic.png') {
      res.setHeader('Content-Type', 'image/png');
      res.end(png);
      return;
    }
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const t = useTestDatabase(__filename);

describe('seed 001 robots API (contract, robot on puppet-service gRPC mock)', () => {
  let svc: MockService;
  let runtime: Runtime;
  let site: Awaited<ReturnType<typeof startSite>>;
  let h: Awaited<ReturnType<typeof compatHarness>>;
  let rooms: ReturnType<typeof createRooms>;
  const logs = memoryLog('debug');
  let token: string;
  let robotId: string;
  let qrcodeUrl: URL;
  const tokens: string[] = [];

  const post = (path: string, body: object) => h.client().post(path).send(body);
  const get = (path: string, tok = token) => h.client().get(path).query({ token: tok });

  beforeAll(async () => {
    svc = await startMockService('QunBot');
    site = await startSite();
    rooms = createRooms(svc, 3, 2, (i) => (i === 0 ? '粉丝福利群 AG1234' : i === 1 ? 'Group 1 XY5678' : `Group ${i}`));
    const config = testRuntimeConfig();
    // The seed carries no puppet settings: robots it creates use the configured default puppet.
    config.bot = {
      ...config.bot,
      defaultPuppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    };
    runtime = testRuntime(t.db, { config });
    h = await compatHarness(t.db, {
      routers: (keys) => [
        seed001Router({
          runtime,
          keys,
          log: logs.log,
          imagesPerMinute: 3,
          // The URL guard, as qunbot wires it; here only refused.example is refused.
          checkCallbackUrl: async (url) => {
            if (new URL(url).hostname === 'refused.example')
              throw new AppError(400, 'callback_url_refused', 'refused.example resolves to a private address');
          },
        }),
      ],
      prepare: (app, routers) => installMounts(app, [seed001Mount(routers)]),
      log: logs.log,
    });
    token = await h.ownerToken('alice');
    tokens.push(token, h.adminToken);
  });

  afterAll(async () => {
    await runtime.manager.stopAll();
    await svc.stop();
    await site.close();
  });

  describe('happy path, every endpoint in the seed order', () => {
    test("when POST /robots with token and username, then the robot envelope is answered and the robot is the key owner's", async () => {
      const res = await post('/robots', { token, username: 'wx_alice' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        retCode: 0,
        errorMsg: '',
        data: {
          robot: { id: expect.stringMatching(/^[0-9a-f]{24}$/), status: 'created', username: 'wx_alice', nickname: '' },
        },
      });
      robotId = res.body.data.robot.id;
      expect(await runtime.robots.get(robotId)).toMatchObject({
        owner: 'alice',
        username: 'wx_alice',
        puppetKind: 'service',
      });

      const again = await post('/robots', { token, username: 'wx_alice' });
      expect(again.body.data.robot.id).toBe(robotId);
    });

    test('when an admin token creates a robot, then it belongs to owner seed001', async () => {
      const res = await post('/robots', { token: h.adminToken, username: 'wx_admin' });
      expect(res.body.retCode).toBe(0);
      expect((await runtime.robots.get(res.body.data.robot.id))?.owner).toBe('seed001');
    });

    test.each(['\u202eevil\u0007', '\u0000x', '\u200b\u200b'])(
      'when POST /robots with the username %j, then -1005 as the native API refuses such names, and nothing is stored',
      async (username) => {
        const before = (await runtime.robots.list({})).length;
        const res = await post('/robots', { token, username });
        expect(res.body.retCode).toBe(-1005);
        expect((await runtime.robots.list({})).length).toBe(before);
      },
    );

    test('when GET /robots/<id>?token=, then the robot envelope is answered', async () => {
      const res = await get(`/robots/${robotId}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        retCode: 0,
        errorMsg: '',
        data: { robot: { id: robotId, status: 'created', username: 'wx_alice', nickname: '' } },
      });
    });

    test('when POST /login with callback_url and agent_id, then they are saved, the robot starts and qrcode_url is a signed link without the token', async () => {
      const res = await post(`/robots/${robotId}/login`, {
        token,
        callback_url: `${site.base}/login-done?k=1`,
        agent_id: 'AG1234',
      });
      expect(res.status).toBe(200);
      expect(res.body.retCode).toBe(0);
      expect(res.body.errorMsg).toBe('');
      expect(res.body.data.robot).toMatchObject({ id: robotId, username: 'wx_alice', nickname: '' });
      expect(['starting', 'waiting_for_scan']).toContain(res.body.data.robot.status);
      qrcodeUrl = new URL(res.body.data.qrcode_url);
      expect(qrcodeUrl.pathname).toBe(`/robots/${robotId}/qrcode`);
      expect(res.body.data.qrcode_url).not.toContain(token);
      expect(await runtime.robots.get(robotId)).toMatchObject({
        agentCode: 'AG1234',
        callbackUrl: `${site.base}/login-done?k=1`,
        desired: 'running',
      });
      expect(runtime.manager.robot(robotId)).toBeDefined();
    });

    test('when qrcode_url is opened while the robot shows its QR code, then it answers that code as PNG', async () => {
      // Opened first: the link waits for the code the robot is about to show.
      const opened = h
        .client()
        .get(qrcodeUrl.pathname + qrcodeUrl.search)
        .buffer(true)
        .parse(binary)
        .then((r) => r);
      svc.mocker.scan('https://login.weixin.qq.com/l/seed001-test', 2);
      const res = await opened;
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body as Buffer;
      expect(body.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      const stored = await runtime.robots.get(robotId);
      expect(stored?.status).toBe('waiting_for_scan');
      expect(body.equals(Buffer.from((stored?.qr?.dataUrl ?? '').split(',')[1] ?? '', 'base64'))).toBe(true);

      // Opened again once stored; also with ?token= instead of the signature.
      const viaToken = await h.client().get(`/robots/${robotId}/qrcode`).query({ token }).buffer(true).parse(binary);
      expect(viaToken.status).toBe(200);
      expect((viaToken.body as Buffer).equals(body)).toBe(true);
    });

    test("when the QR link is tampered with, expired or another owner's token is used, then no image", async () => {
      const sig = qrcodeUrl.searchParams.get('sig') ?? '';
      const tampered = await h
        .client()
        .get(`/robots/${robotId}/qrcode`)
        .query({ expires: qrcodeUrl.searchParams.get('expires'), sig: `${sig.slice(0, -2)}xx` });
      expect(tampered.status).toBe(401);
      expect(tampered.body).toEqual({ retCode: 2000, errorMsg: expect.any(String) });
      const expired = await h.client().get(`/robots/${robotId}/qrcode`).query({ expires: '1000', sig });
      expect(expired.body.retCode).toBe(2000);
      const bob = await h.ownerToken('bob');
      tokens.push(bob);
      const other = await h.client().get(`/robots/${robotId}/qrcode`).query({ token: bob });
      expect(other.status).toBe(404);
      expect(other.body.retCode).toBe(-1006);
    });

    test('when the user scans and logs in, then GET shows logged_in with the WeChat nickname', async () => {
      const loggedIn = nextEvent(runtime.manager, 'login', (e) => e.robotId === robotId);
      const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
      svc.mocker.login(svc.user);
      await loggedIn;
      await synced;
      const res = await get(`/robots/${robotId}`);
      expect(res.body.data.robot).toEqual({
        id: robotId,
        status: 'logged_in',
        username: 'wx_alice',
        nickname: 'QunBot',
      });

      const qr = await h.client().get(qrcodeUrl.pathname + qrcodeUrl.search);
      expect(qr.status).toBe(404);
      expect(qr.body.retCode).toBe(-1006);
    });

    test('when POST /rooms/sync, then every room is answered as {id, nickname = topic}', async () => {
      const res = await post(`/robots/${robotId}/rooms/sync`, { token });
      expect(res.body.retCode).toBe(0);
      const stored = await runtime.rooms.list(robotId);
      expect(res.body.data.rooms).toHaveLength(3);
      expect(new Set(res.body.data.rooms)).toEqual(new Set(stored.map((r) => ({ id: r.id, nickname: r.topic }))));
      expect(res.body.data.rooms.map((r: { nickname: string }) => r.nickname).sort()).toEqual([
        'Group 1 XY5678',
        'Group 2',
        '粉丝福利群 AG1234',
      ]);
      for (const r of res.body.data.rooms) expect(Object.keys(r).sort()).toEqual(['id', 'nickname']);
    });

    test('when GET /rooms, then the same list is answered', async () => {
      const res = await get(`/robots/${robotId}/rooms`);
      expect(res.body.retCode).toBe(0);
      const sync = await post(`/robots/${robotId}/rooms/sync`, { token });
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect([...res.body.data.rooms].sort(byId)).toEqual([...sync.body.data.rooms].sort(byId));
    });

    test('when GET /rooms/active, then only rooms whose name ends with agent_id are answered, username in the seed @@ form', async () => {
      const res = await get(`/robots/${robotId}/rooms/active`);
      // The mock names rooms "…@chatroom" (not web WeChat): the username is @@ and qunbot's room id.
      const bound = (await runtime.rooms.list(robotId)).find((r) => r.puppetId === rooms[0].room.id);
      expect(res.body).toEqual({
        retCode: 0,
        errorMsg: '',
        data: { rooms: [{ username: `@@${bound?.id}`, nickname: '粉丝福利群 AG1234' }] },
      });
      expect(res.body.data.rooms[0].username).toMatch(/^@@/);
    });

    test('when POST /message names the room by its @@ username from /rooms/active, then that room receives it', async () => {
      const [active] = (await get(`/robots/${robotId}/rooms/active`)).body.data.rooms;
      const before = svc.puppet.received.length;
      const res = await post(`/robots/${robotId}/message`, {
        token,
        to_user: active.username,
        msg_type: 'text',
        content: 'to the @@ username',
      });
      expect(res.body.retCode).toBe(0);
      const [sent] = (await svc.puppet.receivedCount(before + 1)).slice(before);
      expect(sent).toMatchObject({ text: 'to the @@ username', conversationId: rooms[0].room.id });
    });

    test('when the agent_id changes on a logged-in robot, then the binding follows at once', async () => {
      const res = await post(`/robots/${robotId}/login`, { token, agent_id: 'XY5678' });
      expect(res.body.retCode).toBe(0);
      expect(res.body.data.qrcode_url).toBe('');
      const group1 = (await runtime.rooms.list(robotId)).find((r) => r.puppetId === rooms[1].room.id);
      expect((await get(`/robots/${robotId}/rooms/active`)).body.data.rooms).toEqual([
        { username: `@@${group1?.id}`, nickname: 'Group 1 XY5678' },
      ]);
      expect((await runtime.robots.get(robotId))?.callbackUrl).toBe(`${site.base}/login-done?k=1`);
      await post(`/robots/${robotId}/login`, { token, agent_id: 'AG1234' });
      expect((await get(`/robots/${robotId}/rooms/active`)).body.data.rooms).toEqual([
        { username: expect.stringMatching(/^@@[0-9a-f]{24}$/), nickname: '粉丝福利群 AG1234' },
      ]);
    });

    test('when POST /message text to a room id, then it is queued and the room receives it', async () => {
      const room = (await runtime.rooms.list(robotId)).find((r) => r.topic === 'Group 1 XY5678');
      const before = svc.puppet.received.length;
      const res = await post(`/robots/${robotId}/message`, {
        token,
        to_user: room?.id,
        msg_type: 'text',
        content: 'hello from seed 001',
      });
      expect(res.body).toEqual({ retCode: 0, errorMsg: '', data: { message_id: expect.any(String) } });
      const [sent] = (await svc.puppet.receivedCount(before + 1)).slice(before);
      expect(sent).toMatchObject({ conversationId: rooms[1].room.id, kind: 'text', text: 'hello from seed 001' });
    });

    test('when POST /message image to a room username (puppet id), then the room receives the image', async () => {
      const before = svc.puppet.received.length;
      const res = await post(`/robots/${robotId}/message`, {
        token,
        to_user: rooms[2].room.id,
        msg_type: 'image',
        content: `${site.base}/pic.png`,
      });
      expect(res.body.retCode).toBe(0);
      const [sent] = (await svc.puppet.receivedCount(before + 1)).slice(before);
      expect(sent).toMatchObject({ conversationId: rooms[2].room.id, kind: 'file' });
      expect(JSON.stringify(sent.payload)).toContain('pic.png');
    });

    test('when an image URL is one qunbot may not fetch, then -1002 and nothing is queued', async () => {
      const before = svc.puppet.received.length;
      const res = await post(`/robots/${robotId}/message`, {
        token,
        to_user: rooms[2].room.id,
        msg_type: 'image',
        content: 'http://refused.example/pic.png',
      });
      expect(res.body).toEqual({ retCode: -1002, errorMsg: expect.stringContaining('文件位置错误') });
      expect(svc.puppet.received.length).toBe(before);
    });

    test('when a robot sends more images a minute than allowed, then 1205 and the excess is not queued', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push(
          (
            await post(`/robots/${robotId}/message`, {
              token,
              to_user: rooms[2].room.id,
              msg_type: 'image',
              content: `${site.base}/pic.png?n=${i}`,
            })
          ).body.retCode,
        );
      // 3 a minute here; the test before sent one already.
      expect(codes).toEqual([0, 0, 1205, 1205]);
      const text = await post(`/robots/${robotId}/message`, {
        token,
        to_user: rooms[2].room.id,
        msg_type: 'text',
        content: 'texts are not limited',
      });
      expect(text.body.retCode).toBe(0);
    });

    test('when POST /message to a room the robot does not have, then -1001', async () => {
      for (const to_user of ['nope@chatroom', '0123456789abcdef01234567']) {
        const res = await post(`/robots/${robotId}/message`, { token, to_user, msg_type: 'text', content: 'x' });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ retCode: -1001, errorMsg: expect.stringContaining('微信群不存在') });
      }
    });

    test('when POST /logout, then the robot logs out and sends, sync and logout answer 1102', async () => {
      const out = nextEvent(runtime.manager, 'status', (e) => e.robotId === robotId && e.status === 'logged_out');
      const res = await post(`/robots/${robotId}/logout`, { token });
      expect(res.body).toEqual({ retCode: 0, errorMsg: '' });
      await out;
      expect((await get(`/robots/${robotId}`)).body.data.robot.status).toBe('logged_out');
      const before = svc.puppet.received.length;
      const send = await post(`/robots/${robotId}/message`, {
        token,
        to_user: rooms[1].room.id,
        msg_type: 'text',
        content: 'after logout',
      });
      expect(send.body).toEqual({ retCode: 1102, errorMsg: expect.stringContaining('微信已经退出登录') });
      expect((await post(`/robots/${robotId}/rooms/sync`, { token })).body.retCode).toBe(1102);
      expect((await post(`/robots/${robotId}/logout`, { token })).body.retCode).toBe(1102);
      // Rooms stay listed after a logout.
      expect((await get(`/robots/${robotId}/rooms`)).body.data.rooms).toHaveLength(3);
      expect(svc.puppet.received.length).toBe(before);
    });

    test('when POST /login after a logout, then a fresh login starts: qrcode_url waits for the new QR code and the robot logs in again', async () => {
      const res = await post(`/robots/${robotId}/login`, { token });
      expect(res.body.retCode).toBe(0);
      expect(res.body.data.robot.status).toBe('starting');
      const link = new URL(res.body.data.qrcode_url);
      // The link is opened before the puppet shows a code: it waits for it instead of answering -1006.
      const opened = h
        .client()
        .get(link.pathname + link.search)
        .buffer(true)
        .parse(binary)
        .then((r) => r);
      svc.mocker.scan('https://login.weixin.qq.com/l/seed001-relogin', 2);
      const png = await opened;
      expect(png.status).toBe(200);
      expect((png.body as Buffer).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(await runtime.robots.get(robotId)).toMatchObject({
        status: 'waiting_for_scan',
        qr: { payload: 'https://login.weixin.qq.com/l/seed001-relogin' },
      });
      const loggedIn = nextEvent(runtime.manager, 'login', (e) => e.robotId === robotId);
      svc.mocker.login(svc.user);
      await loggedIn;
      expect((await get(`/robots/${robotId}`)).body.data.robot.status).toBe('logged_in');
    });

    test('when DELETE /robots/<id>, then the robot envelope is answered and the robot and its rooms are gone', async () => {
      const res = await h.client().delete(`/robots/${robotId}`).query({ token });
      expect(res.body).toMatchObject({
        retCode: 0,
        errorMsg: '',
        data: { robot: { id: robotId, username: 'wx_alice', nickname: 'QunBot' } },
      });
      expect(await runtime.robots.get(robotId)).toBeNull();
      expect(await runtime.rooms.list(robotId)).toEqual([]);
      expect(runtime.manager.robot(robotId)).toBeUndefined();
      expect((await get(`/robots/${robotId}`)).body.retCode).toBe(-1006);
    });
  });

  describe('errors', () => {
    let idle: string;
    beforeAll(async () => {
      idle = (await post('/robots', { token, username: 'wx_idle' })).body.data.robot.id;
    });

    test('when the token is missing, unknown or repeated, then 2000 and nothing happens', async () => {
      const before = (await runtime.robots.list()).length;
      for (const res of [
        await post('/robots', { username: 'x' }),
        await post('/robots', { token: 'qb_not-a-real-key-at-all', username: 'x' }),
        await h.client().get(`/robots/${idle}`),
        await h.client().get(`/robots/${idle}?token=${token}&token=${token}`),
        await get(`/robots/${idle}/rooms`, 'short'),
      ]) {
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ retCode: 2000, errorMsg: expect.stringContaining('应用不存在') });
      }
      expect((await runtime.robots.list()).length).toBe(before);
    });

    test('when a revoked token is used, then 2000', async () => {
      const made = await h.keys.create({ name: 'short-lived', owner: 'alice' });
      expect((await get(`/robots/${idle}`, made.key)).body.retCode).toBe(0);
      await h.keys.revoke(made.id);
      expect((await get(`/robots/${idle}`, made.key)).body.retCode).toBe(2000);
    });

    test("when the robot does not exist or is another owner's, then -1006 on every endpoint and nothing changes", async () => {
      const bob = await h.ownerToken('bob');
      tokens.push(bob);
      for (const [id, tok] of [
        ['0123456789abcdef01234567', token],
        ['not-an-id', token],
        [idle, bob],
      ] as const) {
        const answers = [
          await get(`/robots/${id}`, tok),
          await h.client().delete(`/robots/${id}`).query({ token: tok }),
          await post(`/robots/${id}/login`, { token: tok, agent_id: 'ZZ9999' }),
          await post(`/robots/${id}/rooms/sync`, { token: tok }),
          await get(`/robots/${id}/rooms`, tok),
          await get(`/robots/${id}/rooms/active`, tok),
          await post(`/robots/${id}/message`, { token: tok, to_user: 'a@chatroom', msg_type: 'text', content: 'x' }),
          await post(`/robots/${id}/logout`, { token: tok }),
        ];
        for (const res of answers) expect(res.body).toEqual({ retCode: -1006, errorMsg: expect.any(String) });
      }
      const still = await runtime.robots.get(idle);
      expect(still).toMatchObject({ owner: 'alice', status: 'created' });
      expect(still?.agentCode).toBeUndefined();
      expect(runtime.manager.robot(idle)).toBeUndefined();
    });

    test('when a robot was never started, then sync, message and logout answer 1102', async () => {
      expect((await post(`/robots/${idle}/rooms/sync`, { token })).body.retCode).toBe(1102);
      expect(
        (await post(`/robots/${idle}/message`, { token, to_user: rooms[0].room.id, msg_type: 'text', content: 'x' }))
          .body.retCode,
      ).toBe(1102);
      expect((await post(`/robots/${idle}/logout`, { token })).body.retCode).toBe(1102);
      expect((await get(`/robots/${idle}/rooms`)).body).toEqual({ retCode: 0, errorMsg: '', data: { rooms: [] } });
      expect((await get(`/robots/${idle}/rooms/active`)).body).toEqual({
        retCode: 0,
        errorMsg: '',
        data: { rooms: [] },
      });
    });

    test('when parameters are invalid, then -1005 naming the field and nothing is written', async () => {
      const cases: [string, object][] = [
        ['/robots', { token }],
        ['/robots', { token, username: '' }],
        ['/robots', { token, username: 42 }],
        [`/robots/${idle}/login`, { token, agent_id: 'toolong1' }],
        [`/robots/${idle}/login`, { token, agent_id: 'AB12CD', callback_url: 'ftp://example.com/x' }],
        [`/robots/${idle}/message`, { token, to_user: 'a@chatroom', msg_type: 'video', content: 'x' }],
        [`/robots/${idle}/message`, { token, to_user: 'a@chatroom', msg_type: 'image', content: 'not a url' }],
        [`/robots/${idle}/message`, { token, to_user: 'a@chatroom', msg_type: 'text', content: '' }],
        [`/robots/${idle}/message`, { token, msg_type: 'text', content: 'x' }],
        [`/robots/${idle}/message`, { token, to_user: 'a@chatroom', msg_type: 'text', content: 'x'.repeat(4001) }],
      ];
      const before = (await runtime.robots.list()).length;
      for (const [path, body] of cases) {
        const res = await post(path, body);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ retCode: -1005, errorMsg: expect.stringMatching(/^参数错误: /) });
      }
      expect((await post('/robots', { token, username: 42 })).body.errorMsg).toContain('username');
      expect((await post(`/robots/${idle}/login`, { token, agent_id: 'toolong1' })).body.errorMsg).toContain(
        'agent_id',
      );
      expect((await runtime.robots.list()).length).toBe(before);
      expect((await runtime.robots.get(idle))?.agentCode).toBeUndefined();
      expect(runtime.manager.robot(idle)).toBeUndefined();
    });

    test('when the callback URL guard refuses callback_url, then -1005 with its reason and nothing is saved', async () => {
      const guarded = await compatHarness(t.db, {
        routers: (keys) => [
          seed001Router({
            runtime,
            keys,
            log: logs.log,
            checkCallbackUrl: async (url) => {
              if (new URL(url).hostname === '169.254.169.254')
                throw new AppError(400, 'callback_url_refused', 'link-local addresses are not allowed');
            },
          }),
        ],
        prepare: (app, routers) => installMounts(app, [seed001Mount(routers)]),
      });
      const tok = await guarded.ownerToken('alice');
      tokens.push(tok);
      const res = await guarded
        .client()
        .post(`/robots/${idle}/login`)
        .send({ token: tok, callback_url: 'http://169.254.169.254/latest', agent_id: 'AB12CD' });
      expect(res.body).toEqual({
        retCode: -1005,
        errorMsg: '参数错误: callback_url: link-local addresses are not allowed',
      });
      const still = await runtime.robots.get(idle);
      expect(still?.callbackUrl).toBeUndefined();
      expect(still?.agentCode).toBeUndefined();
      expect(runtime.manager.robot(idle)).toBeUndefined();
    });

    test('when the body is malformed JSON, a JSON array or not JSON at all, then the seed envelope with -1005 (never a 5xx)', async () => {
      const malformed = await h.client().post('/robots').set('Content-Type', 'application/json').send('{"token":');
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({ retCode: -1005, errorMsg: expect.stringMatching(/^参数错误/) });
      const array = await h.client().post('/robots').send([{ token }]);
      expect(array.body).toEqual({ retCode: -1005, errorMsg: expect.any(String) });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await h.client().post('/robots').set('Content-Type', type).send(`token=${token}&username=wx_form`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ retCode: -1005, errorMsg: expect.stringContaining('application/json') });
      }
      const big = await h
        .client()
        .post('/robots')
        .send({ token, username: 'x'.repeat(300 * 1024) });
      expect(big.status).toBe(413);
      expect(big.body.retCode).toBe(-1005);
      expect((await runtime.robots.list({ owner: 'alice' })).map((r) => r.username)).not.toContain('wx_form');
    });

    test('when a path or method under /robots does not exist, then the envelope with -1006', async () => {
      const method = await h.client().put(`/robots/${idle}`).send({ token });
      expect(method.status).toBe(405);
      expect(method.body).toEqual({ retCode: -1006, errorMsg: expect.any(String) });
      const path = await get(`/robots/${idle}/nothing-here`);
      expect(path.status).toBe(404);
      expect(path.body).toEqual({ retCode: -1006, errorMsg: expect.any(String) });
    });
  });

  describe('logs (after everything above)', () => {
    test('when every endpoint was called with tokens, then no log line carries one', () => {
      expect(logs.lines.length).toBeGreaterThan(0);
      const all = JSON.stringify(logs.lines);
      for (const tok of tokens) expect(all).not.toContain(tok);
    });
  });
});
