import { useTestDatabase } from '../../support/mongo';
import { apiHarness } from '../../support/api';
import { startReceiver, type Receiver } from '../../webhooks/receiver';
import { makeOutbox, nextSettled, webhookConfig } from '../../webhooks/support';
import type { WebhookOutbox } from '../../../src/webhooks/outbox';
import { verifySignature } from '../../../src/webhooks/signature';

const t = useTestDatabase(__filename);

describe('native API: webhooks', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let outbox: WebhookOutbox;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    outbox = makeOutbox(t.db, webhookConfig({ maxAgeHours: 200 / 3_600_000 }));
    h = await apiHarness(t.db, { deps: { webhooks: outbox } });
    outbox.start();
  });
  afterAll(async () => {
    await outbox.stop();
    await receiver.close();
  });

  test("when an owner subscribes, then the secret is shown once, the subscription is the owner's and hidden from others", async () => {
    const alice = await h.owner('alice');
    const bob = await h.owner('bob');
    const created = await alice
      .post('/api/v1/webhooks')
      .send({ url: `${receiver.url}/a`, events: ['robot.login', 'message.mention'], description: 'shop' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      owner: 'alice',
      url: `${receiver.url}/a`,
      events: ['robot.login', 'message.mention'],
      active: true,
    });
    expect(created.body.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const id = created.body.id as string;
    const got = await alice.get(`/api/v1/webhooks/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.secret).toBeUndefined();
    expect(JSON.stringify(got.body)).not.toContain(created.body.secret);
    expect((await bob.get(`/api/v1/webhooks/${id}`)).status).toBe(404);
    expect((await bob.patch(`/api/v1/webhooks/${id}`).send({ active: false })).status).toBe(404);
    expect((await bob.get('/api/v1/webhooks')).body.items).toEqual([]);
    expect((await alice.get('/api/v1/webhooks')).body.items.map((s: { id: string }) => s.id)).toEqual([id]);
    expect((await h.admin.get('/api/v1/webhooks?owner=alice')).body.items.map((s: { id: string }) => s.id)).toEqual([
      id,
    ]);
    expect(
      (await alice.post('/api/v1/webhooks').send({ url: `${receiver.url}/a`, events: ['robot.login'], owner: 'bob' }))
        .status,
    ).toBe(403);
  });

  test('when the URL or events are bad, then 400 with a stable code and nothing is stored', async () => {
    const carol = await h.owner('carol');
    const cases: [object, string][] = [
      [{ url: 'http://10.0.0.1/x', events: ['robot.login'] }, 'callback_url_forbidden'],
      [{ url: 'http://169.254.169.254/latest', events: ['robot.login'] }, 'callback_url_forbidden'],
      [{ url: 'http://[::ffff:192.168.0.1]/', events: ['robot.login'] }, 'callback_url_forbidden'],
      [{ url: 'http://user:pw@127.0.0.1/', events: ['robot.login'] }, 'callback_url_invalid'],
      [{ url: 'ftp://127.0.0.1/', events: ['robot.login'] }, 'invalid_request'],
      [{ url: `${receiver.url}/c`, events: ['robot.exploded'] }, 'invalid_request'],
      [{ url: `${receiver.url}/c`, events: [] }, 'invalid_request'],
      [{ events: ['robot.login'] }, 'invalid_request'],
    ];
    for (const [body, code] of cases) {
      const res = await carol.post('/api/v1/webhooks').send(body);
      expect([res.status, res.body.error.code]).toEqual([400, code]);
    }
    expect((await carol.get('/api/v1/webhooks')).body.items).toEqual([]);
  });

  test('when a subscription is changed, rotated and deleted, then the URL is re-checked and the new secret signs deliveries', async () => {
    const dave = await h.owner('dave');
    const created = (await dave.post('/api/v1/webhooks').send({ url: `${receiver.url}/d`, events: ['robot.logout'] }))
      .body;
    expect(
      (await dave.patch(`/api/v1/webhooks/${created.id}`).send({ url: 'http://192.168.1.1/x' })).body.error.code,
    ).toBe('callback_url_forbidden');
    expect((await dave.patch(`/api/v1/webhooks/${created.id}`).send({})).status).toBe(400);
    const patched = await dave
      .patch(`/api/v1/webhooks/${created.id}`)
      .send({ url: `${receiver.url}/d2`, events: ['robot.logout', 'robot.offline'] });
    expect(patched.body).toMatchObject({ url: `${receiver.url}/d2`, events: ['robot.logout', 'robot.offline'] });
    const rotated = await dave.post(`/api/v1/webhooks/${created.id}/rotate-secret`);
    expect(rotated.body.secret).not.toBe(created.secret);
    const settled = nextSettled(outbox, (s) => s.delivery.target === created.id);
    await outbox.publish({ type: 'robot.logout', owner: 'dave', payload: { robotId: 'r-d' } });
    expect((await settled).outcome).toBe('delivered');
    const hit = receiver.hits.find((x) => x.url === '/d2');
    const verify = (secret: string) =>
      verifySignature(
        secret,
        hit?.headers['x-qunbot-signature'] as string,
        hit?.headers['x-qunbot-timestamp'] as string,
        hit?.body ?? '',
        Math.floor(Date.now() / 1000),
      );
    expect(verify(rotated.body.secret)).toBe(true);
    expect(verify(created.secret)).toBe(false);
    expect((await dave.delete(`/api/v1/webhooks/${created.id}`)).body).toEqual({ ok: true });
    expect((await dave.get(`/api/v1/webhooks/${created.id}`)).status).toBe(404);
  });

  test('when a delivery passes its deadline, then it is listed as dead for its owner only, and a retry delivers it', async () => {
    const erin = await h.owner('erin');
    const frank = await h.owner('frank');
    receiver.setMode('fail');
    const sub = (await erin.post('/api/v1/webhooks').send({ url: `${receiver.url}/e`, events: ['robot.offline'] }))
      .body;
    // Dead either after a failed attempt past the deadline, or (a loaded machine polls late) by the
    // sweep that expires deliveries never attempted in time, which reports a count instead.
    const dead = Promise.race([
      nextSettled(outbox, (s) => s.delivery.target === sub.id && s.outcome === 'dead'),
      new Promise<void>((resolve) => outbox.worker.once('expired', () => resolve())),
    ]);
    const { event } = await outbox.publish({
      type: 'robot.offline',
      owner: 'erin',
      payload: { robotId: 'r-e', previous: 'logged_in', reason: 'network down' },
    });
    await dead;
    const listed = await erin.get('/api/v1/webhook-deliveries?status=dead');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({
      eventId: event.id,
      eventType: 'robot.offline',
      subscriptionId: sub.id,
      status: 'dead',
      format: 'native',
      robotId: 'r-e',
    });
    expect(listed.body.items[0].body).toBeUndefined();
    const deliveryId = listed.body.items[0].id as string;
    expect((await frank.get('/api/v1/webhook-deliveries?status=dead')).body.items).toEqual([]);
    expect((await frank.post(`/api/v1/webhook-deliveries/${deliveryId}/retry`)).status).toBe(404);
    expect((await h.admin.get('/api/v1/webhook-deliveries?status=dead&owner=erin')).body.items).toHaveLength(1);
    expect((await erin.get('/api/v1/webhook-deliveries?status=exploded')).status).toBe(400);

    receiver.setMode('ok');
    const delivered = nextSettled(outbox, (s) => s.delivery.id === deliveryId && s.outcome === 'delivered');
    const retried = await erin.post(`/api/v1/webhook-deliveries/${deliveryId}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'queued', attempts: 0 });
    await delivered;
    const again = await erin.post(`/api/v1/webhook-deliveries/${deliveryId}/retry`);
    expect([again.status, again.body.error.code]).toEqual([409, 'delivery_not_dead']);
    expect(
      receiver.hits.filter((x) => x.url === '/e' && x.mode === 'ok').map((x) => x.headers['x-qunbot-event-id']),
    ).toEqual([event.id]);
  });

  test('when the OpenAPI document is built, then it lists the webhook endpoints', () => {
    const doc = h.native.document() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/webhooks',
        '/api/v1/webhooks/{id}',
        '/api/v1/webhook-deliveries',
        '/api/v1/webhook-deliveries/{id}/retry',
      ]),
    );
  });
});
