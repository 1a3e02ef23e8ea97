import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { seed003Mount, startSeed003 } from '../../../src/api/compat/seed003';
import type { Runtime } from '../../../src/bot/runtime';
import { systemClock } from '../../../src/bot/core/clock';
import { WebhookOutbox } from '../../../src/webhooks/outbox';
import { compatHarness } from '../../support/api';
import { memoryLog } from '../../support/logger';
import { useTestDatabase } from '../../support/mongo';
import { createRooms, startMockService, type MockService } from '../../support/puppet-mock';
import { nextEvent, testRuntime, testRuntimeConfig } from '../../support/runtime';
import { startReceiver, type Receiver } from '../../webhooks/receiver';
import { webhookConfig } from '../../webhooks/support';
import { installMounts } from '../../../src/api/compat/mount';

const TZ = 'Asia/Shanghai';
const K1 = 'ch01-key-4f1c2a9e7b3d5f60';
const K2 = 'ch02-key-0a9b8c7d6e5f4a3b';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);

/** The seed's signature, computed here independently of the code under test. */
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** yyyymmddhhmmss in Shanghai (UTC+8, no DST), computed independently of the code under test. */
function shanghaiTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** 127.0.0.1 stand-in for an image host. */
async function startImageSite() {
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'image/png');
    res.end(PNG);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const t = useTestDatabase(__filename);

describe('seed 003 WXRC signed API (contract, robot on puppet-service gRPC mock)', () => {
  let svc: MockService;
  let runtime: Runtime;
  let receiver: Receiver;
  let site: Awaited<ReturnType<typeof startImageSite>>;
  let outbox: WebhookOutbox;
  let seed: ReturnType<typeof startSeed003>;
  let h: Awaited<ReturnType<typeof compatHarness>>;
  let rooms: ReturnType<typeof createRooms>;
  const logs = memoryLog('debug');
  let robotId: string;
  let seq = 0;

  const txcode = () => `TX${Date.now()}${String(++seq).padStart(6, '0')}`;
  const head = (over: Record<string, unknown> = {}) => ({
    chid: 'CH01',
    txcode: txcode(),
    txtime: shanghaiTime(Date.now()),
    botcode: 'bot-a',
    sign: '',
    ...over,
  });
  const bodyOf = (reqBody: unknown, over: Record<string, unknown> = {}) =>
    JSON.stringify({ reqHead: head(over), reqBody });

  /** POSTs a raw JSON text, signed with `key` unless told otherwise. */
  function post(
    name: string,
    raw: string,
    opts: { key?: string; signature?: string | null; type?: string | null; contentType?: string } = {},
  ) {
    let req = h
      .client()
      .post(`/api/${name}`)
      .set('Content-Type', opts.contentType ?? 'application/json');
    const signature = opts.signature === undefined ? md5(raw + (opts.key ?? K1)) : opts.signature;
    if (signature !== null) req = req.set('X-Ecaspsplus-Signature', signature);
    if (opts.type !== null) req = req.set('X-Ecaspsplus-SignatureType', opts.type ?? 'MD5');
    return req.send(raw);
  }
  const call = (name: string, reqBody: unknown, over: Record<string, unknown> = {}) =>
    post(name, bodyOf(reqBody, over));

  /**
   * The distinct notifications received, in order. Delivery is at least once: an attempt whose
   * answer comes after the sender's timeout (300 ms here; a loaded machine gets there) is sent
   * again with the same txcode, which is how a receiver recognises the repeat, so count by it.
   */
  const notifications = () => {
    const seen = new Set<string>();
    return receiver.hits
      .filter((x) => x.url === '/notify')
      .map((x) => ({
        headers: x.headers,
        raw: x.body,
        body: JSON.parse(x.body) as { reqHead: Record<string, string>; reqBody: Record<string, unknown> },
      }))
      .filter((n) => !seen.has(n.body.reqHead.txcode) && Boolean(seen.add(n.body.reqHead.txcode)));
  };
  const notified = async (event: string, count = 1) => {
    await receiver.until(() => notifications().filter((n) => n.body.reqBody.event === event).length >= count);
    return notifications().filter((n) => n.body.reqBody.event === event)[count - 1];
  };

  /** Everything a refused request must not change. */
  async function footprint() {
    const c = t.db.connection;
    return {
      requests: await c.collection('seed003_requests').countDocuments(),
      counters: await c.collection('seed003_counters').find().toArray(),
      bindings: await c.collection('seed003_bots').countDocuments(),
      robots: (await runtime.robots.list()).length,
      deliveries: await c.collection('webhookdeliveries').countDocuments(),
      sent: svc.puppet.received.length,
    };
  }

  /**
   * Sends one more text and returns what the robot sent from `before` on, up to that marker. The
   * robot's outbox is first-in first-out, so anything an earlier request queued arrives before it.
   */
  async function receivedUpToMarker(before: number): Promise<typeof svc.puppet.received> {
    const marker = `marker ${txcode()}`;
    const res = await call('roomSendText', { text: marker, roomTopic: '粉丝福利群' });
    expect(res.body.sendStatus).toBe('1');
    while (!svc.puppet.received.some((r) => r.text === marker))
      await svc.puppet.receivedCount(svc.puppet.received.length + 1);
    return svc.puppet.received.slice(before);
  }

  beforeAll(async () => {
    svc = await startMockService('QunBot');
    receiver = await startReceiver();
    site = await startImageSite();
    rooms = createRooms(svc, 2, 2, (i) => (i === 0 ? '粉丝福利群' : 'Group 1'));
    const config = testRuntimeConfig();
    // The seed carries no puppet settings: robots it creates use the configured default puppet.
    config.bot = {
      ...config.bot,
      defaultPuppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    };
    runtime = testRuntime(t.db, { config, log: logs.log });
    const channels = [
      { chid: 'CH01', key: K1, notifyUrl: `${receiver.url}/notify`, owner: 'wxrc-a' },
      { chid: 'CH02', key: K2, owner: 'seed003:CH02' },
    ];
    outbox = new WebhookOutbox({
      config: webhookConfig(),
      connection: t.db.connection,
      clock: systemClock,
      log: logs.log,
    });
    outbox.start();
    seed = startSeed003({
      runtime,
      connection: t.db.connection,
      outbox,
      // Sends go out within the wait here (the outbox is not paced in tests): the seed's sendStatus "1".
      settings: { channels, txtimeWindowSec: 300, sendWaitMs: 10_000 },
      timeZone: TZ,
      log: logs.log,
    });
    h = await compatHarness(t.db, {
      routers: () => [seed.router],
      prepare: (app, routers) => installMounts(app, [seed003Mount(routers)]),
      log: logs.log,
    });
  });

  afterAll(async () => {
    seed.stop();
    await runtime.manager.stopAll();
    await outbox.stop();
    await svc.stop();
    await receiver.close();
    await site.close();
  });

  describe('happy path, in the seed order', () => {
    test('when login names a new botcode, then it answers 0000 at once and a robot of the channel owner starts', async () => {
      const res = await call('login', {});
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        rtCode: '0000',
        rtMsg: '成功',
        resHead: {},
        resBody: { rtCode: '0000', rtMsg: '成功' },
      });
      const robots = await runtime.robots.list({ owner: 'wxrc-a' });
      expect(robots).toHaveLength(1);
      robotId = robots[0].id;
      expect(robots[0]).toMatchObject({ name: 'bot-a', username: 'bot-a', puppetKind: 'service', desired: 'running' });
      expect(runtime.manager.robot(robotId)).toBeDefined();
    });

    test('when botStatus is asked before the scan, then logout', async () => {
      const res = await call('botStatus', undefined);
      expect(res.body).toMatchObject({
        rtCode: '0000',
        botStatus: 'logout',
        resBody: { rtCode: '0000', botStatus: 'logout' },
      });
    });

    test('when the robot shows its QR code, then it is notified to the channel notifyUrl, signed with the channel key', async () => {
      svc.mocker.scan('https://login.weixin.qq.com/l/seed003-test', 2);
      const n = await notified('qrcode');
      expect(n.headers['content-type']).toBe('application/json');
      expect(n.headers['x-ecaspsplus-signaturetype']).toBe('MD5');
      expect(n.headers['x-ecaspsplus-signature']).toBe(md5(n.raw + K1));
      expect(n.body.reqHead).toEqual({
        chid: 'CH01',
        txcode: expect.stringMatching(/^[0-9a-f]{32}$/),
        txtime: expect.stringMatching(/^\d{14}$/),
        botcode: 'bot-a',
      });
      expect(n.body.reqBody).toEqual({
        event: 'qrcode',
        qrcode: 'https://login.weixin.qq.com/l/seed003-test',
        qrcodeImg: expect.stringMatching(/^data:image\/png;base64,/),
        expireTime: expect.stringMatching(/^\d{14}$/),
      });
      expect((await runtime.robots.get(robotId))?.status).toBe('waiting_for_scan');
    });

    test('when the user scans and logs in, then the login is notified and botStatus answers login', async () => {
      const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
      svc.mocker.login(svc.user);
      const n = await notified('login');
      expect(n.body.reqBody).toEqual({ event: 'login', wxId: svc.user.id, wxName: 'QunBot' });
      expect(n.headers['x-ecaspsplus-signature']).toBe(md5(n.raw + K1));
      await synced;
      expect((await call('botStatus', {})).body).toMatchObject({ rtCode: '0000', botStatus: 'login' });
    });

    test('when login is called again while logged in, then no QR code comes but the login success is notified again', async () => {
      const robotsBefore = (await runtime.robots.list()).length;
      const res = await call('login', null);
      expect(res.body.rtCode).toBe('0000');
      const n = await notified('login', 2);
      expect(n.body.reqHead.botcode).toBe('bot-a');
      expect(notifications().filter((x) => x.body.reqBody.event === 'qrcode')).toHaveLength(1);
      expect((await runtime.robots.list()).length).toBe(robotsBefore);
    });

    test('when roomSendText names an existing topic, then it is queued (msgid, sendStatus 0) and the room receives it', async () => {
      const before = svc.puppet.received.length;
      const res = await call('roomSendText', { text: 'hello from seed 003', roomTopic: '粉丝福利群' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        rtCode: '0000',
        rtMsg: '成功',
        msgid: 1,
        sendStatus: '1',
        resHead: {},
        resBody: { rtCode: '0000', rtMsg: '成功', msgid: 1, sendStatus: '1' },
      });
      const [sent] = (await svc.puppet.receivedCount(before + 1)).slice(before);
      expect(sent).toMatchObject({ conversationId: rooms[0].room.id, kind: 'text', text: 'hello from seed 003' });
    });

    test('when atList is given, then the names are put in front of the text as WeChat writes mentions', async () => {
      const before = svc.puppet.received.length;
      const res = await call('roomSendText', { text: '请查收报表', roomTopic: 'Group 1', atList: ['张三', 'Li Si'] });
      expect(res.body).toMatchObject({ rtCode: '0000', msgid: 2, sendStatus: '1' });
      const [sent] = (await svc.puppet.receivedCount(before + 1)).slice(before);
      expect(sent).toMatchObject({
        conversationId: rooms[1].room.id,
        kind: 'text',
        text: '@张三\u2005@Li Si\u2005请查收报表',
      });
    });

    test('when roomTopic names no room of the robot or is missing, then sendStatus 2 with a msgid and nothing is queued', async () => {
      const before = svc.puppet.received.length;
      const unknown = await call('roomSendText', { text: 'lost', roomTopic: 'No such group' });
      expect(unknown.status).toBe(200);
      expect(unknown.body).toMatchObject({
        rtCode: '0000',
        rtMsg: expect.stringContaining('群不存在'),
        msgid: 3,
        sendStatus: '2',
      });
      const missing = await call('roomSendText', { text: 'lost too' });
      expect(missing.body).toMatchObject({ rtCode: '0000', msgid: 4, sendStatus: '2' });
      const got = await receivedUpToMarker(before);
      expect(got.map((r) => r.text)).toEqual([expect.stringMatching(/^marker /)]);
    });

    test('when roomSendApp sends a mini-program card, then the room receives it with the seed fields', async () => {
      const before = svc.puppet.received.length;
      const card = {
        roomTopic: '粉丝福利群',
        appid: 'wx1234567890',
        username: 'gh_abcdef@app',
        title: '每日报表',
        pagepath: 'pages/report/index?id=7',
        description: '点击查看',
        thumbnailUrl: `${site.base}/thumb.png`,
      };
      const res = await call('roomSendApp', card);
      expect(res.body).toMatchObject({ rtCode: '0000', msgid: expect.any(Number), sendStatus: '1' });
      const [sent] = (await svc.puppet.receivedCount(before + 1)).slice(before);
      expect(sent).toMatchObject({ conversationId: rooms[0].room.id, kind: 'miniprogram' });
      expect(sent.payload).toMatchObject({
        appid: 'wx1234567890',
        username: 'gh_abcdef@app',
        title: '每日报表',
        pagePath: 'pages/report/index?id=7',
        description: '点击查看',
        thumbUrl: `${site.base}/thumb.png`,
      });
    });

    test('when roomSendImage gives an image URL, then the room receives the image', async () => {
      const before = svc.puppet.received.length;
      const res = await call('roomSendImage', { roomTopic: 'Group 1', imageUrl: `${site.base}/pic.png` });
      expect(res.body).toMatchObject({ rtCode: '0000', sendStatus: '1' });
      const [sent] = (await svc.puppet.receivedCount(before + 1)).slice(before);
      expect(sent).toMatchObject({ conversationId: rooms[1].room.id, kind: 'file' });
      expect(JSON.stringify(sent.payload)).toContain('pic.png');
    });

    test('when the msgid of a send is traced, then the txcode record names the send-log entry', async () => {
      const before = svc.puppet.received.length;
      const code = txcode();
      const res = await call('roomSendText', { text: 'traced', roomTopic: 'Group 1' }, { txcode: code });
      const rec = await t.db.connection.collection('seed003_requests').findOne({ chid: 'CH01', txcode: code });
      expect(rec).toMatchObject({
        name: 'roomSendText',
        state: 'done',
        robotId,
        msgid: res.body.msgid,
        sendId: expect.stringMatching(/^[0-9a-f]{24}$/),
      });
      expect((await runtime.sendLog.get(rec?.sendId as string))?.content).toEqual({ type: 'text', text: 'traced' });
      // Received before the next test counts what the robot sends (on a loaded machine it may lag).
      const [sent] = (await svc.puppet.receivedCount(before + 1)).slice(before);
      expect(sent).toMatchObject({ conversationId: rooms[1].room.id, text: 'traced' });
    });
  });

  describe('replays', () => {
    test('when the same signed request is sent again, then the first answer comes back and the message is sent once', async () => {
      const before = svc.puppet.received.length;
      const raw = bodyOf({ text: 'only once', roomTopic: 'Group 1' });
      const first = await post('roomSendText', raw);
      const again = await post('roomSendText', raw);
      expect(first.body.rtCode).toBe('0000');
      expect(again.status).toBe(first.status);
      expect(again.body).toEqual(first.body);
      expect(again.headers['x-qunbot-replayed']).toBe('1');
      expect(first.headers['x-qunbot-replayed']).toBeUndefined();
      const got = await receivedUpToMarker(before);
      expect(got.map((r) => r.text)).toEqual(['only once', expect.stringMatching(/^marker /)]);
    });

    test('when a replay of the txcode comes with a fresh txtime and another text, then still the first answer and nothing new is sent', async () => {
      const before = svc.puppet.received.length;
      const code = txcode();
      const first = await call('roomSendText', { text: 'first version', roomTopic: 'Group 1' }, { txcode: code });
      const changed = await call('roomSendText', { text: 'second version', roomTopic: 'Group 1' }, { txcode: code });
      expect(changed.body).toEqual(first.body);
      const got = await receivedUpToMarker(before);
      expect(got.map((r) => r.text)).toEqual(['first version', expect.stringMatching(/^marker /)]);
    });

    test('when five copies of one request arrive at once, then all get the same answer and the message is sent once', async () => {
      const before = svc.puppet.received.length;
      const raw = bodyOf({ text: 'concurrent', roomTopic: '粉丝福利群' });
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => post('roomSendText', raw)));
      for (const a of answers) expect(a.body).toEqual(answers[0].body);
      expect(answers[0].body).toMatchObject({ rtCode: '0000', sendStatus: '1' });
      expect(answers.filter((a) => a.headers['x-qunbot-replayed'] === undefined)).toHaveLength(1);
      const got = await receivedUpToMarker(before);
      expect(got.map((r) => r.text)).toEqual(['concurrent', expect.stringMatching(/^marker /)]);
    });

    test('when a txcode is reused for another interface, then 409 with 2005', async () => {
      const code = txcode();
      await call('botStatus', {}, { txcode: code });
      const res = await call('roomSendText', { text: 'x', roomTopic: 'Group 1' }, { txcode: code });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ rtCode: '2005', resBody: { rtCode: '2005' } });
    });

    test("when the same txcode is used by another channel, then it is that channel's own", async () => {
      const code = txcode();
      await call('botStatus', {}, { txcode: code });
      const other = await post('botStatus', bodyOf({}, { chid: 'CH02', txcode: code }), { key: K2 });
      // CH02 has not bound bot-a: its own answer, not CH01's.
      expect(other.body).toMatchObject({ rtCode: '3001' });
    });
  });

  describe('refused requests (nothing written, nothing sent)', () => {
    let before: Awaited<ReturnType<typeof footprint>>;
    beforeEach(async () => {
      before = await footprint();
    });
    afterEach(async () => {
      expect(await footprint()).toEqual(before);
    });

    const expectRefused = (res: Response, status: number, rtCode: string) => {
      expect(res.status).toBe(status);
      expect(res.body).toEqual({
        rtCode,
        rtMsg: expect.any(String),
        resHead: {},
        resBody: { rtCode, rtMsg: res.body.rtMsg },
      });
    };

    test('when the signature is wrong, then 401 with 2003', async () => {
      const raw = bodyOf({ text: 'forged', roomTopic: 'Group 1' });
      expectRefused(await post('roomSendText', raw, { key: K2 }), 401, '2003');
      expectRefused(await post('roomSendText', raw, { signature: md5(raw) }), 401, '2003');
      expectRefused(await post('roomSendText', raw, { signature: 'not-hex' }), 401, '2003');
      // The signature covers the raw bytes: the same JSON re-spaced no longer matches.
      const sig = md5(raw + K1);
      expectRefused(
        await post('roomSendText', JSON.stringify(JSON.parse(raw), null, 1), { signature: sig }),
        401,
        '2003',
      );
      expectRefused(
        await post('login', bodyOf({}, { botcode: 'bot-new' }), { key: 'ch01-key-4f1c2a9e7b3d5f6' }),
        401,
        '2003',
      );
    });

    test('when a signature header is missing or the type is not MD5, then 401 with 2001', async () => {
      const raw = bodyOf({ text: 'x', roomTopic: 'Group 1' });
      expectRefused(await post('roomSendText', raw, { signature: null }), 401, '2001');
      expectRefused(await post('roomSendText', raw, { type: null }), 401, '2001');
      expectRefused(await post('roomSendText', raw, { type: 'SHA256' }), 401, '2001');
      expect((await post('roomSendText', raw, { type: null })).body.rtMsg).toContain('SignatureType');
    });

    test('when chid is unknown, then 401 with 2002', async () => {
      const raw = bodyOf({}, { chid: 'CH99' });
      expectRefused(await post('login', raw, { key: K1 }), 401, '2002');
    });

    test('when txtime is outside the window, then 401 with 2004', async () => {
      // Well outside the window: txtime has whole seconds, so "now + 301 s" truncated and read a
      // few milliseconds later may be within 300 s (the exact edge is in seed003.pure.test.ts).
      for (const offset of [-310, 310, -86_400]) {
        expectRefused(
          await call(
            'roomSendText',
            { text: 'stale', roomTopic: 'Group 1' },
            { txtime: shanghaiTime(Date.now() + offset * 1000) },
          ),
          401,
          '2004',
        );
      }
      // The server's UTC wall time is 8 hours off in Shanghai.
      expectRefused(
        await call(
          'login',
          {},
          { txtime: new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14), botcode: 'bot-new' },
        ),
        401,
        '2004',
      );
    });

    test('when the body is malformed JSON, an array, empty, not JSON or too large, then the envelope with 1001 (never a 5xx)', async () => {
      expectRefused(await post('login', '{"reqHead":', { signature: md5('{"reqHead":' + K1) }), 400, '1001');
      expectRefused(await post('login', '[{"reqHead":{}}]'), 400, '1001');
      expectRefused(await post('login', ''), 400, '1001');
      // A form without the data field (see the form tests for the accepted forms).
      expectRefused(
        await post('login', 'reqHead=1', { contentType: 'application/x-www-form-urlencoded' }),
        400,
        '1001',
      );
      expectRefused(await post('login', bodyOf({}), { contentType: 'text/plain' }), 415, '1001');
      const big = bodyOf({ text: 'x'.repeat(300 * 1024), roomTopic: 'Group 1' });
      expectRefused(await post('roomSendText', big), 413, '1001');
    });

    test.each([
      ['reqHead missing', 'login', JSON.stringify({ reqBody: {} }), 'reqHead'],
      ['chid not a string', 'login', JSON.stringify({ reqHead: { chid: 1 } }), 'reqHead.chid'],
    ])(
      'when %s (before the channel is known), then 400 with 1002 naming the field',
      async (_what, name, raw, field) => {
        const res = await post(name, raw);
        expectRefused(res, 400, '1002');
        expect(res.body.rtMsg).toContain(field);
      },
    );

    test.each([
      ['txcode a number', 'login', {}, { txcode: 12345 }, 'reqHead.txcode'],
      ['txcode with spaces', 'login', {}, { txcode: 'a b' }, 'reqHead.txcode'],
      ['botcode missing', 'login', {}, { botcode: undefined }, 'reqHead.botcode'],
      ['txtime not 14 digits', 'login', {}, { txtime: '2024-01-01 08:00' }, 'reqHead.txtime'],
      ['txtime not a date', 'login', {}, { txtime: '20241332080000' }, 'reqHead.txtime'],
      ['sign not a string', 'login', {}, { sign: 42 }, 'reqHead.sign'],
      ['reqBody a string', 'login', 'nope', {}, 'reqBody'],
      ['text missing', 'roomSendText', { roomTopic: 'Group 1' }, {}, 'reqBody.text'],
      ['text a number', 'roomSendText', { text: 42, roomTopic: 'Group 1' }, {}, 'reqBody.text'],
      ['text with control characters', 'roomSendText', { text: 'a\u0000b', roomTopic: 'Group 1' }, {}, 'reqBody.text'],
      ['text too long', 'roomSendText', { text: 'x'.repeat(4001), roomTopic: 'Group 1' }, {}, 'reqBody.text'],
      [
        'atList not an array',
        'roomSendText',
        { text: 'x', roomTopic: 'Group 1', atList: '张三' },
        {},
        'reqBody.atList',
      ],
      ['roomTopic a number', 'roomSendText', { text: 'x', roomTopic: 7 }, {}, 'reqBody.roomTopic'],
      ['appid missing', 'roomSendApp', { roomTopic: 'Group 1', username: 'u', title: 't' }, {}, 'reqBody.appid'],
      [
        'thumbnailUrl not a URL',
        'roomSendApp',
        { roomTopic: 'Group 1', appid: 'a', username: 'u', title: 't', thumbnailUrl: 'thumb.png' },
        {},
        'reqBody.thumbnailUrl',
      ],
      [
        'imageUrl not http(s)',
        'roomSendImage',
        { roomTopic: 'Group 1', imageUrl: 'file:///etc/passwd' },
        {},
        'reqBody.imageUrl',
      ],
      ['reqBody missing', 'roomSendText', undefined, {}, 'reqBody'],
    ])('when %s, then 400 with 1002 naming the field', async (_what, name, reqBody, over, field) => {
      const res = await call(name, reqBody, over);
      expectRefused(res, 400, '1002');
      expect(res.body.rtMsg).toContain(field);
    });

    test('when the interface name is unknown or the method is neither POST nor GET, then 1003 (404) or 1004 (405)', async () => {
      expectRefused(await call('macLogin', {}), 404, '1003');
      expectRefused(await call('roomSendVideo', {}), 404, '1003');
      expectRefused(await call('constructor', {}), 404, '1003');
      const put = await h.client().put('/api/login').set('Content-Type', 'application/json').send(bodyOf({}));
      expectRefused(put, 405, '1004');
      expect(put.headers.allow).toBe('GET, POST');
      // A GET without the message is a malformed request, not a wrong method.
      expectRefused(await h.client().get('/api/login'), 400, '1001');
    });

    test('when the path is the native API, then its own error shape is kept', async () => {
      const res = await h.client().post('/api/v1').send({});
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      const native = await h.client().post('/api/v1/robots').set('Content-Type', 'application/json').send('{"name":');
      expect(native.status).toBe(400);
      expect(native.body.error).toBeDefined();
      expect(native.body.rtCode).toBeUndefined();
    });
  });

  describe('form POST and GET (the seed: 表单POST方式或GET方式)', () => {
    const signed = (raw: string) => ({
      'X-Ecaspsplus-Signature': md5(raw + K1),
      'X-Ecaspsplus-SignatureType': 'MD5',
    });

    test('when the message is the form field data, then it is answered as the same JSON POST would be', async () => {
      const raw = bodyOf(null);
      const res = await h
        .client()
        .post('/api/botStatus')
        .set(signed(raw))
        .type('form')
        .send(new URLSearchParams({ data: raw }).toString());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rtCode: '0000', botStatus: 'login' });
    });

    test('when a client posts the JSON text itself under the form content type, then it is read as the message', async () => {
      const raw = bodyOf(null);
      const res = await h
        .client()
        .post('/api/botStatus')
        .set(signed(raw))
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send(raw);
      expect(res.body).toMatchObject({ rtCode: '0000', botStatus: 'login' });
    });

    test('when the message comes as GET ?data=, then it is answered; a signature over other text is 2003', async () => {
      const raw = bodyOf(null);
      const res = await h.client().get('/api/botStatus').query({ data: raw }).set(signed(raw));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ rtCode: '0000', botStatus: 'login' });
      const other = bodyOf(null);
      const forged = await h.client().get('/api/botStatus').query({ data: other }).set(signed(raw));
      expect(forged.status).toBe(401);
      expect(forged.body.rtCode).toBe('2003');
    });

    test('when a form roomSendText is sent, then the room receives it once', async () => {
      const before = svc.puppet.received.length;
      const raw = bodyOf({ text: 'sent as a form', roomTopic: 'Group 1' });
      const res = await h.client().post('/api/roomSendText').set(signed(raw)).type('form').send({ data: raw });
      expect(res.body).toMatchObject({ rtCode: '0000', sendStatus: '1' });
      const got = await receivedUpToMarker(before);
      expect(got.filter((r) => r.text === 'sent as a form')).toHaveLength(1);
    });
  });

  describe('msgStatus (a qunbot addition: the outcome of a msgid later)', () => {
    test('when a msgid is asked later, then its outcome is answered: 1 sent, 2 no such group; an unknown msgid is 3004', async () => {
      const sent = await call('roomSendText', { text: 'traced later', roomTopic: 'Group 1' });
      expect(sent.body).toMatchObject({ sendStatus: '1' });
      const asked = await call('msgStatus', { msgid: sent.body.msgid });
      expect(asked.body).toMatchObject({ rtCode: '0000', msgid: sent.body.msgid, sendStatus: '1' });
      const lost = await call('roomSendText', { text: 'nowhere', roomTopic: 'No such group' });
      expect((await call('msgStatus', { msgid: lost.body.msgid })).body).toMatchObject({ sendStatus: '2' });
      expect((await call('msgStatus', { msgid: 999_999 })).body).toMatchObject({ rtCode: '3004' });
      const other = await post('msgStatus', bodyOf({ msgid: sent.body.msgid }, { chid: 'CH02' }), { key: K2 });
      expect(other.body).toMatchObject({ rtCode: '3004' });
    });
  });

  describe('rooms that share a topic', () => {
    test('when two rooms have the topic, then nothing is sent (sendStatus 2, the ambiguity named) unless reqBody.roomId chooses one', async () => {
      const twins = createRooms(svc, 2, 2, () => '同名群');
      await runtime.manager.syncRooms(robotId);
      const before = svc.puppet.received.length;
      const vague = await call('roomSendText', { text: 'which one?', roomTopic: '同名群' });
      expect(vague.body).toMatchObject({
        rtCode: '0000',
        sendStatus: '2',
        msgid: expect.any(Number),
        rtMsg: expect.stringContaining('群名不唯一'),
      });
      expect(vague.body.rtMsg).toContain('2 rooms');
      const chosen = await call('roomSendText', { text: 'this one', roomTopic: '同名群', roomId: twins[1].room.id });
      expect(chosen.body).toMatchObject({ rtCode: '0000', sendStatus: '1' });
      const got = await receivedUpToMarker(before);
      expect(got.filter((r) => r.text !== undefined && !r.text.startsWith('marker '))).toEqual([
        expect.objectContaining({ text: 'this one', conversationId: twins[1].room.id }),
      ]);
    });
  });

  describe('business errors (answered 200, remembered for the txcode)', () => {
    test('when the botcode is not bound to a robot of the channel, then 3001 on every interface but login', async () => {
      for (const [name, reqBody] of [
        ['botStatus', {}],
        ['roomSendText', { text: 'x', roomTopic: 'Group 1' }],
        ['roomSendApp', { roomTopic: 'Group 1', appid: 'a', username: 'u', title: 't' }],
        ['roomSendImage', { roomTopic: 'Group 1', imageUrl: `${site.base}/p.png` }],
      ] as const) {
        const res = await call(name, reqBody, { botcode: 'bot-unknown' });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ rtCode: '3001', rtMsg: expect.stringContaining('login') });
      }
      // Channels do not share bindings: CH02 has no bot-a.
      expect((await post('botStatus', bodyOf({}, { chid: 'CH02' }), { key: K2 })).body.rtCode).toBe('3001');
      expect(await runtime.robots.list({ owner: 'seed003:CH02' })).toEqual([]);
    });

    test('when the robot logs out, then the logout is notified, botStatus is logout and sends answer 3002 without a msgid', async () => {
      const out = nextEvent(runtime.manager, 'status', (e) => e.robotId === robotId && e.status === 'logged_out');
      await runtime.manager.logout(robotId);
      await out;
      const n = await notified('logout');
      expect(n.body).toMatchObject({ reqHead: { chid: 'CH01', botcode: 'bot-a' }, reqBody: { event: 'logout' } });
      expect((await call('botStatus', {})).body.botStatus).toBe('logout');
      const counter = await t.db.connection.collection('seed003_counters').findOne({ _id: 'CH01' as never });
      const sent = svc.puppet.received.length;
      const res = await call('roomSendText', { text: 'after logout', roomTopic: 'Group 1' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        rtCode: '3002',
        rtMsg: expect.any(String),
        resHead: {},
        resBody: { rtCode: '3002', rtMsg: res.body.rtMsg },
      });
      expect(await t.db.connection.collection('seed003_counters').findOne({ _id: 'CH01' as never })).toEqual(counter);
      expect(svc.puppet.received.length).toBe(sent);
    });
  });

  describe('one botcode, one WeChat account (跟微信号一一对应)', () => {
    test("when the botcode's robot logs in as another account, then it is logged out again and loginRefused is notified", async () => {
      expect((await call('login', undefined)).body.rtCode).toBe('0000');
      const other = svc.mocker.createContact({ name: '别人' });
      const loggedIn = nextEvent(runtime.manager, 'login', (e) => e.robotId === robotId);
      const out = nextEvent(runtime.manager, 'status', (e) => e.robotId === robotId && e.status === 'logged_out');
      svc.mocker.login(other);
      expect((await loggedIn).wxId).toBe(other.id);
      await out;
      const n = await notified('loginRefused');
      expect(n.body).toMatchObject({
        reqHead: { chid: 'CH01', botcode: 'bot-a' },
        reqBody: { event: 'loginRefused', wxId: other.id },
      });
      expect(
        notifications().filter((x) => x.body.reqBody.event === 'login' && x.body.reqBody.wxId === other.id),
      ).toEqual([]);
      expect((await call('botStatus', {})).body.botStatus).toBe('logout');
      const binding = await t.db.connection.collection('seed003_bots').findOne({ chid: 'CH01', botcode: 'bot-a' });
      expect(binding?.wxId).toBe(svc.user.id);
    });
  });

  describe('logs (after everything above)', () => {
    test('when every interface was called, then no log line and no stored notification carries a channel key', async () => {
      expect(logs.lines.length).toBeGreaterThan(0);
      const all = JSON.stringify(logs.lines);
      expect(all).not.toContain(K1);
      expect(all).not.toContain(K2);
      const stored = await t.db.connection.collection('webhookdeliveries').find({ format: 'seed003-notify' }).toArray();
      // qrcode, login, login again, logout, a refused login as another account and its logout: each
      // queued for the channel owner, who may list them.
      expect(stored.map((d) => d.eventType).sort()).toEqual([
        'robot.login',
        'robot.login',
        'robot.login_refused',
        'robot.logout',
        'robot.logout',
        'robot.qrcode',
      ]);
      for (const d of stored)
        expect(d).toMatchObject({ target: 'seed003:CH01', owner: 'wxrc-a', robotId, url: `${receiver.url}/notify` });
      expect(JSON.stringify(stored)).not.toContain(K1);
    });
  });
});
