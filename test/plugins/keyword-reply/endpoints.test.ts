import { useTestDatabase } from '../../support/mongo';
import { apiHarness } from '../../support/api';
import { roomOf } from '../../support/plugin-rooms';

const t = useTestDatabase(__filename);

const reply = (text: string) => [{ type: 'text', text }];

describe('native API: keyword rules', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  beforeAll(async () => {
    h = await apiHarness(t.db);
  });

  test('when an owner creates, reads, patches, replaces and deletes a rule, then each step answers the stored rule', async () => {
    const alice = await h.owner('alice');
    const room = await roomOf(h.runtime, 'alice', 'Alice group');
    const created = await alice
      .post('/api/v1/keyword-rules')
      .send({ keywords: ['优惠'], replies: reply('今天全场八折'), roomIds: [room.id] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      owner: 'alice',
      keywords: ['优惠'],
      mode: 'contains',
      roomIds: [room.id],
      enabled: true,
      priority: 0,
      triggerTimes: 0,
    });
    const id = created.body.id as string;

    for (let i = 0; i < 3; i++) await h.plugins['keyword-reply'].keywords.addTrigger(id);
    const got = await alice.get(`/api/v1/keyword-rules/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.triggerTimes).toBe(3);

    const patched = await alice.patch(`/api/v1/keyword-rules/${id}`).send({ enabled: false, priority: 5 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      enabled: false,
      priority: 5,
      keywords: ['优惠'],
      roomIds: [room.id],
      triggerTimes: 3,
    });

    const replaced = await alice
      .put(`/api/v1/keyword-rules/${id}`)
      .send({ keywords: ['^ping$'], mode: 'regex', replies: reply('pong') });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      keywords: ['^ping$'],
      mode: 'regex',
      roomIds: [],
      enabled: true,
      priority: 0,
    });
    expect((await h.plugins['keyword-reply'].keywords.get('alice', id))?.mode).toBe('regex');

    expect((await alice.delete(`/api/v1/keyword-rules/${id}`)).body).toEqual({ ok: true });
    expect((await alice.get(`/api/v1/keyword-rules/${id}`)).status).toBe(404);
  });

  test('when rules are listed, then pages cover each rule once and the enabled filter applies', async () => {
    const dave = await h.owner('dave');
    for (let i = 0; i < 5; i++)
      expect(
        (
          await dave
            .post('/api/v1/keyword-rules')
            .send({ keywords: [`k${i}`], replies: reply('r'), enabled: i % 2 === 0 })
        ).status,
      ).toBe(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await dave.get(`/api/v1/keyword-rules?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((r: { keywords: string[] }) => r.keywords[0]));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    const enabled = await dave.get('/api/v1/keyword-rules?enabled=true');
    expect(enabled.body.items.map((r: { keywords: string[] }) => r.keywords[0])).toEqual(['k0', 'k2', 'k4']);
    const admin = await h.admin.get('/api/v1/keyword-rules?owner=dave&enabled=false');
    expect(admin.body.items.map((r: { keywords: string[] }) => r.keywords[0])).toEqual(['k1', 'k3']);
  });

  test('when no key is sent, then 401', async () => {
    const res = await h.anonymous().get('/api/v1/keyword-rules');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(
      (
        await h
          .anonymous()
          .post('/api/v1/keyword-rules')
          .send({ keywords: ['x'], replies: reply('y') })
      ).status,
    ).toBe(401);
  });

  test('when another owner asks for a rule, then 404 and it is unchanged; ids that are not record ids are 404 too', async () => {
    const alice = await h.owner('alice');
    const bob = await h.owner('bob');
    const id = (await alice.post('/api/v1/keyword-rules').send({ keywords: ['secret'], replies: reply('s') })).body
      .id as string;
    for (const res of [
      await bob.get(`/api/v1/keyword-rules/${id}`),
      await bob.patch(`/api/v1/keyword-rules/${id}`).send({ enabled: false }),
      await bob.put(`/api/v1/keyword-rules/${id}`).send({ keywords: ['mine'], replies: reply('m') }),
      await bob.delete(`/api/v1/keyword-rules/${id}`),
      await alice.get('/api/v1/keyword-rules/not-an-id'),
      await alice.delete('/api/v1/keyword-rules/zzzzzzzzzzzzzzzzzzzzzzzz'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await bob.get('/api/v1/keyword-rules')).body.items).toEqual([]);
    expect(await h.plugins['keyword-reply'].keywords.get('alice', id)).toMatchObject({
      keywords: ['secret'],
      enabled: true,
    });
    expect((await h.admin.get(`/api/v1/keyword-rules/${id}`)).body.owner).toBe('alice');
  });

  test("when a rule names another owner's room, then 400 unknown_room naming it and nothing is written", async () => {
    const erin = await h.owner('erin');
    const bobRoom = await roomOf(h.runtime, 'bob', 'Bob group');
    const erinRoom = await roomOf(h.runtime, 'erin', 'Erin group');
    const res = await erin
      .post('/api/v1/keyword-rules')
      .send({ keywords: ['x'], replies: reply('y'), roomIds: [erinRoom.id, bobRoom.id] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unknown_room');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['roomIds.1']);
    expect(await h.plugins['keyword-reply'].keywords.list('erin')).toEqual([]);
  });

  test('when the input is bad, then 400 naming the fields; a catastrophic regex is 400 invalid_regex; nothing is written', async () => {
    const frank = await h.owner('frank');
    const bad = await frank
      .post('/api/v1/keyword-rules')
      .send({ keywords: [], replies: [{ type: 'text', text: '' }], mode: 'fuzzy', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['keywords', 'mode', 'replies.0.text']));

    const evil = await frank
      .post('/api/v1/keyword-rules')
      .send({ keywords: ['ok', '(a+)+$'], mode: 'regex', replies: reply('r') });
    expect(evil.status).toBe(400);
    expect(evil.body.error.code).toBe('invalid_regex');
    expect(evil.body.error.details).toEqual([expect.objectContaining({ path: 'keywords.1', code: 'invalid_regex' })]);
    expect(
      (await frank.post('/api/v1/keyword-rules').send({ keywords: ['(unclosed'], mode: 'regex', replies: reply('r') }))
        .body.error.code,
    ).toBe('invalid_regex');
    expect(await h.plugins['keyword-reply'].keywords.list('frank')).toEqual([]);

    // A PATCH that turns existing keywords into a catastrophic regex rule is checked on the merged rule.
    const id = (await frank.post('/api/v1/keyword-rules').send({ keywords: ['(x+x+)+y'], replies: reply('r') })).body
      .id as string;
    const patch = await frank.patch(`/api/v1/keyword-rules/${id}`).send({ mode: 'regex' });
    expect(patch.status).toBe(400);
    expect(patch.body.error.code).toBe('invalid_regex');
    expect((await h.plugins['keyword-reply'].keywords.get('frank', id))?.mode).toBe('contains');
    expect(
      (await frank.patch(`/api/v1/keyword-rules/${id}`).send({ priority: 'high' })).body.error.details[0].path,
    ).toBe('priority');

    expect(
      (await h.admin.post('/api/v1/keyword-rules').send({ keywords: ['x'], replies: reply('y') })).body.error.details[0]
        .path,
    ).toBe('owner');
  });

  test('when the OpenAPI document is fetched, then the keyword rule endpoints are in it with their body schema', async () => {
    const doc = (await h.anonymous().get('/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/keyword-rules', '/api/v1/keyword-rules/{id}']),
    );
    const body = doc.paths['/api/v1/keyword-rules'].post.requestBody.content['application/json'].schema;
    expect(body.properties.keywords.maxItems).toBe(50);
    expect(doc.paths['/api/v1/keyword-rules/{id}'].get.tags).toEqual(['keyword rules']);
  });
});
