import { apiHarness } from '../../support/api';
import { useTestDatabase } from '../../support/mongo';
import { createRooms, startMockService, type MockService } from '../../support/puppet-mock';
import { nextEvent } from '../../support/runtime';

const t = useTestDatabase(__filename);

describe('native API: rooms and messages on a robot over puppet-service', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let svc: MockService;
  let alice: Awaited<ReturnType<typeof h.owner>>;
  let bob: Awaited<ReturnType<typeof h.owner>>;
  let robotId: string;
  let rooms: ReturnType<typeof createRooms>;

  beforeAll(async () => {
    h = await apiHarness(t.db, { maxPageSize: 50 });
    svc = await startMockService('ApiBot');
    rooms = createRooms(svc, 3, 3, (i) => (i === 0 ? 'VIP 群 QB0001' : `Group ${i}`));
    alice = await h.owner('alice');
    bob = await h.owner('bob');
    const robot = await h.runtime.manager.create({
      name: 'a',
      owner: 'alice',
      agentCode: 'QB0001',
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    });
    robotId = robot.id;
  });

  afterAll(async () => {
    await h.runtime.manager.stopAll();
    await svc.stop();
  });

  test('when the robot is started through the API, then the QR code can be read and the login follows', async () => {
    const qr = nextEvent(h.runtime.manager, 'qrcode', (e) => e.robotId === robotId);
    const started = await alice.post(`/api/v1/robots/${robotId}/login`);
    expect(started.status).toBe(200);
    svc.mocker.scan('https://login.weixin.qq.com/l/api-test', 2);
    await qr;
    const code = await alice.get(`/api/v1/robots/${robotId}/qrcode`);
    expect(code.status).toBe(200);
    expect(code.body.payload).toBe('https://login.weixin.qq.com/l/api-test');
    expect(code.body.dataUrl).toMatch(/^data:image\/png;base64,/);
    expect((await bob.get(`/api/v1/robots/${robotId}/qrcode`)).status).toBe(404);

    const loggedIn = nextEvent(h.runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
    svc.mocker.login(svc.user);
    await loggedIn;
    expect((await alice.get(`/api/v1/robots/${robotId}`)).body).toMatchObject({
      status: 'logged_in',
      wxName: 'ApiBot',
    });
  });

  test('when rooms are synced and listed with filters, then the bound room is found by its agent code', async () => {
    const sync = await alice.post(`/api/v1/robots/${robotId}/rooms/sync`);
    expect(sync.status).toBe(200);
    expect(sync.body.rooms).toHaveLength(3);
    const all = await alice.get(`/api/v1/rooms?robotId=${robotId}`);
    expect(all.body.items).toHaveLength(3);
    const bound = await alice.get('/api/v1/rooms?bound=true');
    expect(bound.body.items.map((r: { topic: string }) => r.topic)).toEqual(['VIP 群 QB0001']);
    expect((await bob.get('/api/v1/rooms')).body.items).toEqual([]);
    expect((await bob.get(`/api/v1/rooms?robotId=${robotId}`)).status).toBe(404);
    expect((await bob.post(`/api/v1/robots/${robotId}/rooms/sync`)).status).toBe(404);
    expect((await alice.get('/api/v1/rooms?bound=maybe')).status).toBe(400);
  });

  test.each([
    ['group', ['Group 1', 'Group 2']],
    ['vip 群', ['VIP 群 QB0001']],
    ['P 1', ['Group 1']],
    ['.*', []],
    ['(', []],
  ])(
    'when rooms are searched for %j, then the topics containing it in any case are %j (no pattern syntax)',
    async (q, want) => {
      const res = await alice.get(`/api/v1/rooms?robotId=${robotId}&q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((r: { topic: string }) => r.topic).sort()).toEqual(want);
    },
  );

  test("when a room's flags and plugin switches are changed, then they are stored; bad patches change nothing", async () => {
    const room = (await alice.get('/api/v1/rooms?topic=Group%201')).body.items[0];
    const res = await alice
      .patch(`/api/v1/rooms/${room.id}`)
      .send({ production: true, robotNickname: '小助手', plugins: { welcome: false } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ production: true, robotNickname: '小助手', plugins: { welcome: false } });
    expect((await alice.get('/api/v1/rooms?production=true')).body.items.map((r: { id: string }) => r.id)).toEqual([
      room.id,
    ]);
    expect((await bob.patch(`/api/v1/rooms/${room.id}`).send({ production: false })).status).toBe(404);
    const bad = await alice.patch(`/api/v1/rooms/${room.id}`).send({ production: 'yes', starLevel: 9 });
    expect(bad.status).toBe(400);
    expect((await alice.patch(`/api/v1/rooms/${room.id}`).send({})).status).toBe(400);
    expect((await alice.patch(`/api/v1/rooms/${room.id}`).send({ plugins: { 'Bad Name': true } })).status).toBe(400);
    const after = (await alice.get(`/api/v1/rooms/${room.id}`)).body;
    expect(after.production).toBe(true);
    expect(after).not.toHaveProperty('starLevel');
  });

  test('when a text with an @-mention is sent to a room, then it is queued, reaches WeChat and the send record says sent', async () => {
    const room = (await alice.get('/api/v1/rooms?topic=Group%202')).body.items[0];
    const member = rooms[2].people[1];
    const before = svc.puppet.received.length;
    const settled = new Promise((resolve) => h.runtime.manager.outbox(robotId)?.once('settled', resolve));
    const res = await alice
      .post('/api/v1/messages')
      .send({ robotId, roomId: room.id, content: { type: 'text', text: '今晚八点开团' }, mention: [member.id] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', conversationId: rooms[2].room.id, mentionIds: [member.id] });
    const [got] = (await svc.puppet.receivedCount(before + 1)).slice(before);
    expect(got).toMatchObject({ conversationId: rooms[2].room.id, kind: 'text', mentionIds: [member.id] });
    expect(got.text).toContain('今晚八点开团');
    await settled;
    const rec = await alice.get(`/api/v1/messages/${res.body.id}`);
    expect(rec.body).toMatchObject({ status: 'sent', puppetMessageId: got.messageId });
    expect((await bob.get(`/api/v1/messages/${res.body.id}`)).status).toBe(404);
  });

  test('when a link card is sent to a room, then WeChat receives the card', async () => {
    const room = (await alice.get('/api/v1/rooms?topic=Group%201')).body.items[0];
    const before = svc.puppet.received.length;
    const content = {
      type: 'link',
      title: '新品上架',
      description: '限时八折',
      url: 'https://shop.example/p/1',
      thumbnailUrl: 'https://shop.example/p/1.png',
    };
    expect((await alice.post('/api/v1/messages').send({ robotId, roomId: room.id, content })).status).toBe(202);
    const [got] = (await svc.puppet.receivedCount(before + 1)).slice(before);
    expect(got).toMatchObject({ conversationId: rooms[1].room.id, kind: 'url' });
    expect(got.payload).toMatchObject({ title: '新品上架', url: 'https://shop.example/p/1' });
  });

  test("when a send is malformed or aimed at another owner's room, then 4xx and nothing is queued", async () => {
    const room = (await alice.get('/api/v1/rooms?topic=Group%201')).body.items[0];
    const count = () => t.db.connection.collection('sendlogs').countDocuments();
    const before = await count();
    const cases = [
      { robotId, content: { type: 'text', text: 'x' } },
      { robotId, roomId: room.id, contactId: 'wxid_1', content: { type: 'text', text: 'x' } },
      { robotId, roomId: room.id, content: { type: 'text', text: '' } },
      { robotId, roomId: room.id, content: { type: 'video', url: 'https://x' } },
      { robotId, roomId: room.id, content: { type: 'image', url: 'file:///etc/passwd' } },
      {
        robotId,
        roomId: room.id,
        content: { type: 'link', title: 'x', url: 'https://x.example' },
        mention: ['wxid_1'],
      },
    ];
    for (const body of cases) {
      const res = await alice.post('/api/v1/messages').send(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 400,
        code: 'invalid_request',
      });
    }
    expect(
      (await bob.post('/api/v1/messages').send({ robotId, roomId: room.id, content: { type: 'text', text: 'x' } }))
        .status,
    ).toBe(404);
    expect(await count()).toBe(before);
  });

  test('when the robot is stopped, then a send is 409 robot_not_running and sync is 409', async () => {
    const other = await h.runtime.manager.create({ name: 'idle', owner: 'alice' });
    const res = await alice
      .post('/api/v1/messages')
      .send({ robotId: other.id, contactId: 'wxid_x', content: { type: 'text', text: 'hi' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('robot_not_running');
    expect((await alice.post(`/api/v1/robots/${other.id}/rooms/sync`)).body.error.code).toBe('robot_not_logged_in');
  });
});

describe('native API: API keys', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  beforeAll(async () => {
    h = await apiHarness(t.db);
  });

  test('when an admin creates an owner key, then it is shown once, listed without the key, works, and stops after revoke', async () => {
    const made = await h.admin.post('/api/v1/api-keys').send({ name: 'shop system', owner: 'zoe' });
    expect(made.status).toBe(201);
    expect(made.body.key).toMatch(/^qb_[\w-]{43}$/);
    const list = await h.admin.get('/api/v1/api-keys?owner=zoe');
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(made.body.key);
    const stored = await t.db.connection.collection('apikeys').findOne({ name: 'shop system' });
    expect(JSON.stringify(stored)).not.toContain(made.body.key);
    expect((await h.anonymous().get('/api/v1/robots').set('Authorization', `Bearer ${made.body.key}`)).status).toBe(
      200,
    );
    expect((await h.admin.delete(`/api/v1/api-keys/${made.body.id}`)).status).toBe(200);
    expect((await h.anonymous().get('/api/v1/robots').set('Authorization', `Bearer ${made.body.key}`)).status).toBe(
      401,
    );
    expect((await h.admin.delete(`/api/v1/api-keys/${made.body.id}`)).status).toBe(404);
  });

  test('when an owner key manages keys, then 403 forbidden', async () => {
    const zoe = await h.owner('zoe');
    expect((await zoe.post('/api/v1/api-keys').send({ name: 'mine' })).status).toBe(403);
    expect((await zoe.get('/api/v1/api-keys')).body.error.code).toBe('forbidden');
  });
});
