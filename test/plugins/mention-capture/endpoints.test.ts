import type { NewMention } from '../../../src/plugins/mention-capture/mention.service';
import { useTestDatabase } from '../../support/mongo';
import { apiHarness } from '../../support/api';
import { createRooms, startMockService, type MockService } from '../../support/puppet-mock';
import { nextEvent } from '../../support/runtime';

const t = useTestDatabase(__filename);

const line = (n: number, text: string) => ({
  messageId: `ctx-${n}`,
  talkerId: `wx-${n}`,
  talkerName: `P${n}`,
  text,
  at: new Date(Date.UTC(2024, 0, 1, 0, n)),
});

describe('native API: mentions', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let seq = 0;
  /** A capture as the mention-capture plugin stores it. */
  const capture = (m: Partial<NewMention> & Pick<NewMention, 'owner' | 'robotId' | 'roomId'>) =>
    h.plugins['mention-capture'].mentions.capture({
      conversationId: 'room@chatroom',
      messageId: `msg-${++seq}`,
      talkerId: 'wx-member',
      talkerName: 'Member',
      text: `@QunBot question ${seq}`,
      at: new Date(),
      before: [],
      ...m,
    });

  beforeAll(async () => {
    h = await apiHarness(t.db);
  });

  afterAll(async () => {
    await h.runtime.manager.stopAll();
  });

  test('when an owner lists mentions, then newest come first, pages cover each once and the unread, robot and room filters apply', async () => {
    const alice = await h.owner('alice');
    const robotA = '65f000000000000000000a01';
    const robotB = '65f000000000000000000b01';
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (
          await capture({
            owner: 'alice',
            robotId: i < 3 ? robotA : robotB,
            roomId: i % 2 === 0 ? '65f0000000000000000000e1' : '65f0000000000000000000e2',
          })
        ).id,
      );
    await h.plugins['mention-capture'].mentions.capture({
      owner: 'zoe',
      robotId: robotA,
      roomId: '65f0000000000000000000e1',
      conversationId: 'x@chatroom',
      messageId: 'zoe-1',
      talkerId: 'm',
      text: 'hi',
      at: new Date(),
      before: [],
    });
    await h.plugins['mention-capture'].mentions.markRead('alice', ids[1]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await alice.get(`/api/v1/mentions?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const first = (await alice.get('/api/v1/mentions?limit=1')).body.items[0];
    expect(first).toMatchObject({ id: ids[4], owner: 'alice', read: false, talkerId: 'wx-member' });
    expect(first.before).toBeUndefined();

    const ids0 = (q: string) =>
      alice.get(`/api/v1/mentions?${q}`).then((r) => r.body.items.map((m: { id: string }) => m.id));
    expect(await ids0('unread=true')).toEqual([ids[4], ids[3], ids[2], ids[0]]);
    expect(await ids0('unread=false')).toEqual([ids[1]]);
    expect(await ids0(`robotId=${robotB}`)).toEqual([ids[4], ids[3]]);
    expect(await ids0('roomId=65f0000000000000000000e2&unread=true')).toEqual([ids[3]]);
    expect((await h.admin.get('/api/v1/mentions?owner=zoe')).body.items).toHaveLength(1);
  });

  test('when a mention is fetched, then its context before and after comes with it; read and unread marks are stored', async () => {
    const alice = await h.owner('alice');
    const m = await capture({
      owner: 'alice',
      robotId: '65f000000000000000000a02',
      roomId: '65f0000000000000000000e3',
      roomTopic: 'Fans',
      before: [line(1, 'one'), line(2, 'two')],
    });
    await h.plugins['mention-capture'].mentions.completeAfter(m.id, [line(4, 'four')]);
    const got = await alice.get(`/api/v1/mentions/${m.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: m.id, roomTopic: 'Fans', afterComplete: true, read: false });
    expect(got.body.before.map((l: { text: string }) => l.text)).toEqual(['one', 'two']);
    expect(got.body.after).toEqual([
      { messageId: 'ctx-4', talkerId: 'wx-4', talkerName: 'P4', text: 'four', at: '2024-01-01T00:04:00.000Z' },
    ]);

    const read = await alice.post(`/api/v1/mentions/${m.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.read).toBe(true);
    expect((await h.plugins['mention-capture'].mentions.get('alice', m.id))?.read).toBe(true);
    expect((await alice.post(`/api/v1/mentions/${m.id}/read`).send({ read: false })).body.read).toBe(false);
    expect((await h.plugins['mention-capture'].mentions.get('alice', m.id))?.read).toBe(false);
  });

  test('when the notify switch is set, then it is stored per owner; an admin names the owner', async () => {
    const alice = await h.owner('alice');
    expect((await alice.get('/api/v1/mention-notify')).body).toEqual({ owner: 'alice', enabled: false });
    expect((await alice.put('/api/v1/mention-notify').send({ enabled: true })).body).toEqual({
      owner: 'alice',
      enabled: true,
    });
    expect(await h.plugins['mention-capture'].mentions.notifyEnabled('alice')).toBe(true);
    expect(await h.plugins['mention-capture'].mentions.notifyEnabled('bob')).toBe(false);
    expect((await h.admin.get('/api/v1/mention-notify?owner=alice')).body.enabled).toBe(true);
    const noOwner = await h.admin.get('/api/v1/mention-notify');
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.error.details[0]).toMatchObject({ in: 'query', path: 'owner' });
    expect((await alice.put('/api/v1/mention-notify').send({ enabled: false, owner: 'bob' })).status).toBe(403);
  });

  test('when no key is sent, then 401', async () => {
    for (const res of [
      await h.anonymous().get('/api/v1/mentions'),
      await h.anonymous().get('/api/v1/mention-notify'),
      await h.anonymous().put('/api/v1/mention-notify').send({ enabled: true }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  test('when another owner reads, marks or replies to a mention, then 404 and nothing changes', async () => {
    const bob = await h.owner('bob');
    const m = await capture({
      owner: 'alice',
      robotId: '65f000000000000000000a03',
      roomId: '65f0000000000000000000e4',
    });
    for (const res of [
      await bob.get(`/api/v1/mentions/${m.id}`),
      await bob.post(`/api/v1/mentions/${m.id}/read`),
      await bob.post(`/api/v1/mentions/${m.id}/reply`).send({ text: 'hi' }),
      await bob.get('/api/v1/mentions/not-a-mention-id'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await h.plugins['mention-capture'].mentions.get('alice', m.id))?.read).toBe(false);
    expect((await bob.get('/api/v1/mentions')).body.items).toEqual([]);
  });

  test('when the input is bad, then 400 naming the field and nothing is written', async () => {
    const alice = await h.owner('alice');
    const m = await capture({
      owner: 'alice',
      robotId: '65f000000000000000000a04',
      roomId: '65f0000000000000000000e5',
    });
    const empty = await alice.post(`/api/v1/mentions/${m.id}/reply`).send({ text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details.map((d: { path: string }) => d.path)).toEqual(['text']);
    expect((await alice.post(`/api/v1/mentions/${m.id}/read`).send({ read: 'yes' })).body.error.details[0].path).toBe(
      'read',
    );
    const nina = await h.owner('nina');
    expect((await nina.put('/api/v1/mention-notify').send({ enabled: 1 })).body.error.details[0].path).toBe('enabled');
    expect((await alice.get('/api/v1/mentions?unread=maybe')).body.error.details[0].path).toBe('unread');
    expect((await alice.get('/api/v1/mentions?robotId=xyz')).body.error.details[0].path).toBe('robotId');
    expect(await h.plugins['mention-capture'].mentions.notifyEnabled('nina')).toBe(false);
    expect((await h.plugins['mention-capture'].mentions.get('alice', m.id))?.read).toBe(false);
  });

  test('when the robot is not running, then a reply is 409 robot_not_running', async () => {
    const alice = await h.owner('alice');
    const robot = await h.runtime.manager.create({ name: 'idle', owner: 'alice' });
    const m = await capture({ owner: 'alice', robotId: robot.id, roomId: '65f0000000000000000000e6' });
    const res = await alice.post(`/api/v1/mentions/${m.id}/reply`).send({ text: 'hello' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('robot_not_running');
    expect((await h.plugins['mention-capture'].mentions.get('alice', m.id))?.read).toBe(false);
  });

  describe('with a robot logged in on the puppet mock', () => {
    let svc: MockService;
    let robotId: string;
    let rooms: ReturnType<typeof createRooms>;

    beforeAll(async () => {
      svc = await startMockService('QunBot');
      rooms = createRooms(svc, 1, 3, () => 'Fans group');
      const robot = await h.runtime.manager.create({
        name: 'live',
        owner: 'alice',
        puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
      });
      robotId = robot.id;
      const loggedIn = nextEvent(h.runtime.manager, 'login', (e) => e.robotId === robotId);
      const synced = nextEvent(h.runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
      await h.runtime.manager.start(robotId);
      svc.mocker.login(svc.user);
      await loggedIn;
      await synced;
    });

    afterAll(async () => {
      await h.runtime.manager.stop(robotId);
      await svc.stop();
    });

    test('when an owner replies to a mention, then the robot says the text in that room @-mentioning the member, and the mention is read', async () => {
      const alice = await h.owner('alice');
      const { room, people } = rooms[0];
      const [record] = await h.runtime.rooms.list(robotId);
      expect(record.puppetId).toBe(room.id);
      const member = people[1];
      const m = await capture({
        owner: 'alice',
        robotId,
        roomId: record.id,
        conversationId: room.id,
        talkerId: member.id,
        talkerName: member.payload.name,
      });

      const before = svc.puppet.received.length;
      const res = await alice.post(`/api/v1/mentions/${m.id}/reply`).send({ text: '收到，马上处理' });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ robotId, conversationId: room.id, mentionIds: [member.id], status: 'queued' });

      const [said] = (await svc.puppet.receivedCount(before + 1)).slice(before);
      expect(said.conversationId).toBe(room.id);
      expect(said.mentionIds).toEqual([member.id]);
      expect(said.text).toContain('收到，马上处理');
      expect(said.text).toContain(`@${member.payload.name}`);
      expect((await h.plugins['mention-capture'].mentions.get('alice', m.id))?.read).toBe(true);
    });
  });
});
