import { useTestDatabase } from '../../support/mongo';
import { apiHarness } from '../../support/api';

const t = useTestDatabase(__filename);

describe('native API: robots', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  beforeAll(async () => {
    h = await apiHarness(t.db);
  });

  test("when an owner key creates a robot, then it is the owner's, listed for that owner and hidden from another", async () => {
    const alice = await h.owner('alice');
    const bob = await h.owner('bob');
    const created = await alice.post('/api/v1/robots').send({ name: 'shop bot', agentCode: 'AB12CD' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'shop bot', owner: 'alice', status: 'created', agentCode: 'AB12CD' });
    const id = created.body.id as string;
    expect((await alice.get(`/api/v1/robots/${id}`)).body.id).toBe(id);
    expect((await bob.get(`/api/v1/robots/${id}`)).status).toBe(404);
    expect((await bob.get(`/api/v1/robots/${id}`)).body.error.code).toBe('not_found');
    const list = await alice.get('/api/v1/robots');
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(id);
    expect((await bob.get('/api/v1/robots')).body.items).toEqual([]);
    expect((await bob.delete(`/api/v1/robots/${id}`)).status).toBe(404);
    expect((await h.admin.get(`/api/v1/robots/${id}`)).status).toBe(200);
  });

  test('when no key or an unknown key is sent, then 401 unauthorized', async () => {
    const none = await h.anonymous().get('/api/v1/robots');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const bad = await h.anonymous().get('/api/v1/robots').set('Authorization', 'Bearer qb_not-a-real-key-at-all');
    expect(bad.status).toBe(401);
  });

  test('when a key is revoked, then it stops working', async () => {
    const made = await h.keys.create({ name: 'short-lived', owner: 'carol' });
    expect((await h.anonymous().get('/api/v1/robots').set('X-Api-Key', made.key)).status).toBe(200);
    expect(await h.keys.revoke(made.id)).toBe(true);
    expect((await h.anonymous().get('/api/v1/robots').set('X-Api-Key', made.key)).status).toBe(401);
  });

  test('when the input is bad, then 400 invalid_request naming the field and nothing is created', async () => {
    const alice = await h.owner('alice');
    const before = (await h.admin.get('/api/v1/robots?limit=100')).body.items.length;
    const res = await alice.post('/api/v1/robots').send({ name: '', agentCode: 'toolongcode' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['agentCode', 'name']);
    expect((await alice.post('/api/v1/robots').set('Content-Type', 'application/json').send('{"name":')).status).toBe(
      400,
    );
    expect((await alice.post('/api/v1/robots').set('Content-Type', 'text/plain').send('name=x')).status).toBe(415);
    expect((await h.admin.post('/api/v1/robots').send({ name: 'no owner' })).body.error.code).toBe('invalid_request');
    expect((await alice.post('/api/v1/robots').send({ name: 'x', owner: 'bob' })).status).toBe(403);
    expect((await h.admin.get('/api/v1/robots?limit=100')).body.items.length).toBe(before);
  });

  test('when robots are listed in pages, then every robot appears exactly once', async () => {
    const dave = await h.owner('dave');
    for (let i = 0; i < 7; i++) expect((await dave.post('/api/v1/robots').send({ name: `d${i}` })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await dave.get(`/api/v1/robots?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((r: { name: string }) => r.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    expect((await dave.get('/api/v1/robots?limit=1000')).status).toBe(400);
  });

  test('when a robot is not waiting for a scan, then its QR code is 404 no_qrcode; logout of a stopped robot is 409', async () => {
    const erin = await h.owner('erin');
    const id = (await erin.post('/api/v1/robots').send({ name: 'e' })).body.id;
    const qr = await erin.get(`/api/v1/robots/${id}/qrcode`);
    expect(qr.status).toBe(404);
    expect(qr.body.error.code).toBe('no_qrcode');
    expect((await erin.post(`/api/v1/robots/${id}/logout`)).body.error.code).toBe('robot_not_running');
  });

  test('when an admin pins a robot to a process label, then the robot shows the pin and null removes it; an owner key may not pin', async () => {
    const frank = await h.owner('frank');
    const id = (await frank.post('/api/v1/robots').send({ name: 'f' })).body.id;
    const pinned = await h.admin.patch(`/api/v1/robots/${id}`).send({ pin: 'edge-1' });
    expect(pinned.status).toBe(200);
    expect(pinned.body.pin).toBe('edge-1');
    const byOwner = await frank.patch(`/api/v1/robots/${id}`).send({ pin: 'edge-2' });
    expect(byOwner.status).toBe(403);
    expect((await frank.get(`/api/v1/robots/${id}`)).body.pin).toBe('edge-1');
    const bad = await h.admin.patch(`/api/v1/robots/${id}`).send({ pin: 'no spaces here' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['pin']);
    const unpinned = await h.admin.patch(`/api/v1/robots/${id}`).send({ pin: null });
    expect(unpinned.status).toBe(200);
    expect(unpinned.body).not.toHaveProperty('pin');
  });

  test('when an admin lists the processes and drains this one by its label, then it shows as live and draining until undrained; unknown processes are 404 and owner keys 403', async () => {
    // This process reports itself (as it does every third of a lease).
    await h.runtime.fleet.round();
    const label = h.runtime.fleet.member.label;
    const list = await h.admin.get('/api/v1/processes');
    expect(list.status).toBe(200);
    expect(list.body.self).toBe(h.runtime.fleet.member.id);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: h.runtime.fleet.member.id, label, live: true, draining: false }),
      ]),
    );
    expect((await h.admin.post(`/api/v1/processes/${label}/drain`)).body).toEqual({ processes: 1 });
    const drained = (await h.admin.get('/api/v1/processes')).body.items.find(
      (p: { id: string }) => p.id === list.body.self,
    );
    expect(drained.draining).toBe(true);
    expect((await h.admin.delete(`/api/v1/processes/${label}/drain`)).body).toEqual({ processes: 1 });
    const missing = await h.admin.post('/api/v1/processes/nobody-here/drain');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const owner = await h.owner('gina');
    expect((await owner.get('/api/v1/processes')).status).toBe(403);
    expect((await owner.post(`/api/v1/processes/${label}/drain`)).status).toBe(403);
    expect(
      (await h.admin.get('/api/v1/processes')).body.items.find((p: { id: string }) => p.id === list.body.self).draining,
    ).toBe(false);
  });

  test('when the OpenAPI document is fetched, then it lists the robots endpoints', async () => {
    const res = await h.anonymous().get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/robots', '/api/v1/robots/{id}', '/api/v1/robots/{id}/login']),
    );
    expect(res.body.paths['/api/v1/robots'].post.requestBody.content['application/json'].schema).toBeDefined();
  });
});
