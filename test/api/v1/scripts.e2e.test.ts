import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiHarness } from '../../support/api';
import { useTestDatabase } from '../../support/mongo';
import { createRooms, startMockService, type MockService } from '../../support/puppet-mock';
import { nextEvent } from '../../support/runtime';

const t = useTestDatabase(__filename);

/** A 1x1 PNG on 127.0.0.1: the image of a script item. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('reply scripts (话术) over puppet-service', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let svc: MockService;
  let alice: Awaited<ReturnType<typeof h.owner>>;
  let bob: Awaited<ReturnType<typeof h.owner>>;
  let robotId: string;
  let rooms: ReturnType<typeof createRooms>;
  let images: http.Server;
  let imageUrl: string;

  beforeAll(async () => {
    images = http.createServer((_, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(PNG));
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
    imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/menu.png`;
    h = await apiHarness(t.db);
    svc = await startMockService('ScriptBot');
    rooms = createRooms(svc, 2, 3, (i) => `Script group ${i}`);
    alice = await h.owner('alice');
    bob = await h.owner('bob');
    const robot = await h.runtime.manager.create({
      name: 's',
      owner: 'alice',
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    });
    robotId = robot.id;
    const synced = nextEvent(h.runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
    await h.runtime.manager.start(robotId);
    svc.mocker.login(svc.user);
    await synced;
  });

  afterAll(async () => {
    await h.runtime.manager.stopAll();
    await svc.stop();
    await new Promise<void>((r) => images.close(() => r()));
  });

  let groupId: string;
  let textItem: string;
  let imageItem: string;

  test('when an owner makes a group with items, then they list in order with counts, and another owner sees none of it', async () => {
    const group = await alice.post('/api/v1/script-groups').send({ name: '售后话术', description: 'after-sales' });
    expect(group.status).toBe(201);
    groupId = group.body.id;
    expect(group.body).toMatchObject({ owner: 'alice', name: '售后话术', itemCount: 0 });
    expect((await alice.post('/api/v1/script-groups').send({ name: '售后话术' })).body.error.code).toBe(
      'script_group_name_taken',
    );
    const second = await alice.post(`/api/v1/script-groups/${groupId}/items`).send({ text: '亲，请提供订单号' });
    const first = await alice
      .post(`/api/v1/script-groups/${groupId}/items`)
      .send({ text: '今日菜单如下', imageUrl, sort: 0 });
    expect([second.status, first.status]).toEqual([201, 201]);
    textItem = second.body.id;
    imageItem = first.body.id;
    const items = await alice.get(`/api/v1/script-groups/${groupId}/items`);
    expect(items.body.items.map((i: { text: string }) => i.text)).toEqual(['今日菜单如下', '亲，请提供订单号']);
    expect((await alice.get('/api/v1/script-groups')).body.items).toEqual([
      expect.objectContaining({ id: groupId, itemCount: 2 }),
    ]);
    expect((await bob.get('/api/v1/script-groups')).body.items).toEqual([]);
    expect((await bob.get(`/api/v1/script-groups/${groupId}/items`)).status).toBe(404);
    expect((await bob.patch(`/api/v1/script-items/${textItem}`).send({ text: 'hijack' })).status).toBe(404);
    const bad = await alice.post(`/api/v1/script-groups/${groupId}/items`).send({ text: '', imageUrl: 'ftp://x' });
    expect(bad.status).toBe(400);
    expect((await alice.get(`/api/v1/script-groups/${groupId}`)).body).toMatchObject({ itemCount: 2 });
    expect((await bob.get(`/api/v1/script-groups/${groupId}`)).status).toBe(404);
  });

  test('when an item with an image is sent into a room, then WeChat receives the text then the image through the outbox, and its count grows', async () => {
    const room = (await alice.get(`/api/v1/rooms?robotId=${robotId}&topic=Script%20group%201`)).body.items[0];
    const before = svc.puppet.received.length;
    const res = await alice.post(`/api/v1/script-items/${imageItem}/send`).send({ roomId: room.id });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ robotId, roomId: room.id, sendCount: 1 });
    expect(res.body.sendIds).toHaveLength(2);
    const got = (await svc.puppet.receivedCount(before + 2)).slice(before);
    expect(got.map((g) => [g.conversationId, g.kind])).toEqual([
      [rooms[1]!.room.id, 'text'],
      [rooms[1]!.room.id, 'file'],
    ]);
    expect(got[0]!.text).toBe('今日菜单如下');
    const items = (await alice.get(`/api/v1/script-groups/${groupId}/items`)).body.items;
    expect(items.find((i: { id: string }) => i.id === imageItem).sendCount).toBe(1);
    // Another owner's room, or both targets at once, are refused and nothing is counted.
    expect((await bob.post(`/api/v1/script-items/${imageItem}/send`).send({ roomId: room.id })).status).toBe(404);
    const both = await alice
      .post(`/api/v1/script-items/${imageItem}/send`)
      .send({ roomId: room.id, mentionId: room.id });
    expect(both.status).toBe(400);
    expect((await alice.get(`/api/v1/script-groups/${groupId}/items`)).body.items[0].sendCount).toBe(1);
  });

  test('when an item is sent as the reply to a captured mention, then the member is @-mentioned in that room and the mention is read', async () => {
    const room = (await alice.get(`/api/v1/rooms?robotId=${robotId}&topic=Script%20group%200`)).body.items[0];
    const member = rooms[0]!.people[1]!;
    const mention = await h.plugins['mention-capture'].mentions.capture({
      owner: 'alice',
      robotId,
      roomId: room.id,
      conversationId: rooms[0]!.room.id,
      messageId: 'm-script-1',
      talkerId: member.id,
      talkerName: member.payload.name,
      text: '@ScriptBot 我的订单呢',
      at: new Date(),
      before: [],
    });
    const before = svc.puppet.received.length;
    const res = await alice.post(`/api/v1/script-items/${textItem}/send`).send({ mentionId: mention.id });
    expect(res.status).toBe(202);
    const [got] = (await svc.puppet.receivedCount(before + 1)).slice(before);
    expect(got).toMatchObject({ conversationId: rooms[0]!.room.id, kind: 'text', mentionIds: [member.id] });
    expect(got!.text).toContain('亲，请提供订单号');
    expect((await alice.get(`/api/v1/mentions/${mention.id}`)).body.read).toBe(true);
    expect((await bob.post(`/api/v1/script-items/${textItem}/send`).send({ mentionId: mention.id })).status).toBe(404);
  });

  test('when a group is deleted, then its items are gone too', async () => {
    expect((await alice.delete(`/api/v1/script-groups/${groupId}`)).status).toBe(200);
    expect((await alice.patch(`/api/v1/script-items/${textItem}`).send({ text: 'x' })).status).toBe(404);
    expect((await alice.get('/api/v1/script-groups')).body.items).toEqual([]);
  });
});
