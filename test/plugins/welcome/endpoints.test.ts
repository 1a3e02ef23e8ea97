import { useTestDatabase } from '../../support/mongo';
import { apiHarness } from '../../support/api';
import { roomOf } from '../../support/plugin-rooms';

const t = useTestDatabase(__filename);

describe('native API: room welcome', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  beforeAll(async () => {
    h = await apiHarness(t.db);
  });

  test("when a room has no welcome, then the default applies; after PUT the room's text is used; DELETE returns to the default", async () => {
    const alice = await h.owner('alice');
    const room = await roomOf(h.runtime, 'alice', 'Shop fans');
    const before = await alice.get(`/api/v1/rooms/${room.id}/welcome`);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      roomId: room.id,
      text: null,
      enabled: true,
      mention: true,
      windowSec: null,
      isDefault: true,
    });

    const put = await alice
      .put(`/api/v1/rooms/${room.id}/welcome`)
      .send({ text: '  欢迎 {names} 加入{topic}  ', mention: false });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      roomId: room.id,
      text: '欢迎 {names} 加入{topic}',
      enabled: true,
      mention: false,
      windowSec: null,
      isDefault: false,
    });
    // What the welcome plugin reads.
    expect(await h.plugins['welcome'].welcome.get(room.id, 'default')).toMatchObject({
      text: '欢迎 {names} 加入{topic}',
      mention: false,
      isDefault: false,
    });
    expect((await alice.get(`/api/v1/rooms/${room.id}/welcome`)).body.text).toBe('欢迎 {names} 加入{topic}');

    expect((await alice.delete(`/api/v1/rooms/${room.id}/welcome`)).body).toEqual({ ok: true });
    expect((await h.plugins['welcome'].welcome.get(room.id, 'default')).isDefault).toBe(true);
    expect((await h.admin.get(`/api/v1/rooms/${room.id}/welcome`)).body.isDefault).toBe(true);
  });

  test('when no key is sent, then 401', async () => {
    const room = await roomOf(h.runtime, 'alice', 'No key');
    const res = await h.anonymous().put(`/api/v1/rooms/${room.id}/welcome`).send({ text: 'hi' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(await h.plugins['welcome'].welcome.find(room.id)).toBeNull();
  });

  test("when another owner reads or sets a room's welcome, then 404 and nothing is written; a malformed room id is 404", async () => {
    const bob = await h.owner('bob');
    const room = await roomOf(h.runtime, 'alice', 'Private');
    expect((await bob.get(`/api/v1/rooms/${room.id}/welcome`)).status).toBe(404);
    const put = await bob.put(`/api/v1/rooms/${room.id}/welcome`).send({ text: 'hijacked' });
    expect(put.status).toBe(404);
    expect(put.body.error.code).toBe('not_found');
    expect(await h.plugins['welcome'].welcome.find(room.id)).toBeNull();
    expect((await bob.get('/api/v1/rooms/not-a-room/welcome')).status).toBe(404);
  });

  test('when the input is bad, then 400 naming the fields and nothing is written', async () => {
    const alice = await h.owner('alice');
    const room = await roomOf(h.runtime, 'alice', 'Bad input');
    const res = await alice
      .put(`/api/v1/rooms/${room.id}/welcome`)
      .send({ text: '   ', enabled: 'yes', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['text', 'enabled']),
    );
    expect(
      (await alice.put(`/api/v1/rooms/${room.id}/welcome`).send({ text: 'x'.repeat(1001) })).body.error.details[0].path,
    ).toBe('text');
    for (const windowSec of [-1, 601, 2.5, '10'])
      expect(
        (await alice.put(`/api/v1/rooms/${room.id}/welcome`).send({ text: 'hi', windowSec })).body.error.details[0]
          .path,
      ).toBe('windowSec');
    expect(await h.plugins['welcome'].welcome.find(room.id)).toBeNull();
  });

  test("when a room's own batching window is set, then it is stored and shown, and null returns to the configured one", async () => {
    const alice = await h.owner('alice');
    const room = await roomOf(h.runtime, 'alice', 'Window');
    const put = await alice.put(`/api/v1/rooms/${room.id}/welcome`).send({ text: '欢迎 {names}', windowSec: 30 });
    expect(put.body.windowSec).toBe(30);
    expect((await h.plugins['welcome'].welcome.get(room.id, 'default')).windowSec).toBe(30);
    expect((await alice.get(`/api/v1/rooms/${room.id}/welcome`)).body.windowSec).toBe(30);
    await alice.put(`/api/v1/rooms/${room.id}/welcome`).send({ text: '欢迎 {names}', windowSec: null });
    expect((await h.plugins['welcome'].welcome.get(room.id, 'default')).windowSec).toBeNull();
  });
});
