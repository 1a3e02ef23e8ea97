import { verifySignature } from '../../src/webhooks/signature';
import type { PublishInput } from '../../src/webhooks/events';
import { useTestDatabase } from '../support/mongo';
import { startReceiver, type Receiver } from './receiver';
import type { WebhookOutbox } from '../../src/webhooks/outbox';
import { makeOutbox as makeOutboxFor, nextSettled, shiftedClock, webhookConfig } from './support';

const t = useTestDatabase(__filename);

const login = (i: number, owner = 'alice'): PublishInput => ({
  type: 'robot.login',
  owner,
  payload: { robotId: `r${i}`, wxId: `wx${i}`, wxName: `bot ${i}` },
});

describe('webhook outbox over HTTP', () => {
  let receiver: Receiver;
  // Every outbox a test makes is stopped after it, also when the test fails half-way (a running
  // worker would keep jest from exiting).
  let made: WebhookOutbox[] = [];
  const makeOutbox = (...args: Parameters<typeof makeOutboxFor>) => {
    const o = makeOutboxFor(...args);
    made.push(o);
    return o;
  };
  beforeEach(async () => {
    receiver = await startReceiver();
    await t.db.connection.collection('webhookdeliveries').deleteMany({});
    await t.db.connection.collection('webhooksubscriptions').deleteMany({});
  });
  afterEach(async () => {
    await Promise.all(made.map((o) => o.stop(0)));
    made = [];
    await receiver.close();
  });

  test('when the receiver fails, then hangs, and qunbot restarts in between, then every event arrives, signed, and none is dead', async () => {
    const config = webhookConfig();
    const first = makeOutbox(t.db, config, { workerId: 'before-restart' });
    const sub = await first.subscriptions.create({
      url: `${receiver.url}/hook`,
      events: ['robot.login', 'robot.logout'],
      owner: 'alice',
    });
    receiver.setMode('fail');
    first.start();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await first.publish(login(i))).event.id);
    await receiver.until(() => receiver.hits.length >= 12);
    receiver.setMode('hang');
    await receiver.until(() => receiver.hits.filter((h) => h.mode === 'hang').length >= 2);
    // qunbot stops mid-way: requests in flight are abandoned and given back to the queue.
    await first.stop(0);
    const stuck = await first.deliveries.page({ status: 'delivering' }, { limit: 100 });
    expect(stuck.items).toEqual([]);
    // Events published while the sender is down are stored and wait.
    const second = makeOutbox(t.db, config, { workerId: 'after-restart' });
    for (let i = 8; i < 12; i++)
      ids.push(
        (await second.publish({ type: 'robot.logout', owner: 'alice', payload: { robotId: `r${i}` } })).event.id,
      );
    receiver.setMode('ok');
    second.start();
    await receiver.until(() => ids.every((id) => receiver.eventIds().includes(id)));
    await second.stop();

    expect(new Set(receiver.eventIds())).toEqual(new Set(ids));
    expect((await second.deliveries.page({ status: 'dead' }, { limit: 100 })).items).toEqual([]);
    const all = await second.deliveries.page({}, { limit: 100 });
    expect(all.items.map((d) => d.status)).toEqual(Array(12).fill('delivered'));
    // Each receipt carries the event id of its body and a signature made with the subscription's secret.
    const secret = second.secretFor(sub);
    for (const hit of receiver.hits.filter((h) => h.mode === 'ok')) {
      const body = JSON.parse(hit.body) as { id: string; type: string };
      expect(hit.headers['x-qunbot-event-id']).toBe(body.id);
      expect(hit.headers['x-qunbot-event']).toBe(body.type);
      expect(
        verifySignature(
          secret,
          hit.headers['x-qunbot-signature'] as string,
          hit.headers['x-qunbot-timestamp'] as string,
          hit.body,
          Math.floor(Date.now() / 1000),
        ),
      ).toBe(true);
    }
  });

  test('when two worker processes share the database, then no attempt is sent twice', async () => {
    // A slow answer under load must not count as a failure (a retry would be a legitimate
    // at-least-once repeat): this test is about claims, not timeouts.
    const config = webhookConfig({ concurrency: 3, timeoutMs: 10_000 });
    const a = makeOutbox(t.db, config, { workerId: 'a' });
    const b = makeOutbox(t.db, config, { workerId: 'b' });
    await a.subscriptions.create({ url: `${receiver.url}/hook`, events: ['robot.login'] });
    a.start();
    b.start();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await (i % 2 ? a : b).publish(login(i))).event.id);
    await receiver.until(() => ids.every((id) => receiver.eventIds().includes(id)));
    await Promise.all([a.stop(), b.stop()]);
    const counts = new Map<string, number>();
    for (const id of receiver.eventIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size).toBe(30);
  });

  test("when events are routed, then each goes to its owner's and to admin subscriptions that list its type, and not elsewhere", async () => {
    const config = webhookConfig();
    const o = makeOutbox(t.db, config);
    const alice = await o.subscriptions.create({
      url: `${receiver.url}/alice`,
      events: ['robot.login'],
      owner: 'alice',
    });
    const bob = await o.subscriptions.create({ url: `${receiver.url}/bob`, events: ['robot.login'], owner: 'bob' });
    const admin = await o.subscriptions.create({
      url: `${receiver.url}/admin`,
      events: ['robot.login', 'robot.logout'],
    });
    const paused = await o.subscriptions.create({
      url: `${receiver.url}/paused`,
      events: ['robot.login'],
      owner: 'alice',
      active: false,
    });
    const r1 = await o.publish(login(1, 'alice'));
    expect(r1.deliveries).toBe(2);
    expect((await o.publish({ type: 'robot.logout', owner: 'bob', payload: { robotId: 'r2' } })).deliveries).toBe(1);
    expect((await o.publish({ ...login(3, 'alice'), id: r1.event.id })).deliveries).toBe(0);
    const targets = (await o.deliveries.page({}, { limit: 10 })).items.map((d) => d.target).sort();
    expect(targets).toEqual([admin.id, admin.id, alice.id].sort());
    expect(targets).not.toContain(bob.id);
    expect(targets).not.toContain(paused.id);
    await o.stop();
  });

  test('when the receiver keeps failing past the deadline, then the delivery is dead; a refusing receiver kills it at once', async () => {
    const clock = shiftedClock();
    const config = webhookConfig();
    const o = makeOutbox(t.db, config, { clock });
    await o.subscriptions.create({ url: `${receiver.url}/hook`, events: ['robot.login'] });
    receiver.setMode('fail');
    const failed = nextSettled(o, (s) => s.outcome === 'retry');
    o.start();
    await o.publish(login(1));
    expect((await failed).status).toBe(500);
    // Past the deadline, the delivery dies on its next failed attempt, or is expired by the poll
    // if that comes first: either way it is dead and no longer retried.
    const dead = Promise.race([
      nextSettled(o, (s) => s.outcome === 'dead'),
      new Promise<void>((resolve) => o.worker.once('expired', () => resolve())),
    ]);
    clock.shift(config.webhooks.maxAgeHours * 3_600_000 + 1000);
    await dead;
    const listed = await o.deliveries.page({ status: 'dead' }, { limit: 10 });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0].attempts).toBeGreaterThanOrEqual(1);
    expect(listed.items[0].lastStatus ?? listed.items[0].lastError).toBeDefined();

    receiver.setMode('reject');
    const rejected = nextSettled(o, (s) => s.outcome === 'dead');
    const hitsBefore = receiver.hits.length;
    await o.publish(login(2));
    expect(await rejected).toMatchObject({ status: 410, outcome: 'dead' });
    expect(receiver.hits.length).toBe(hitsBefore + 1);
    await o.stop();
  });

  test('when a subscription URL later resolves to a forbidden address, then the delivery is refused at send time', async () => {
    const config = webhookConfig({ allowHosts: [] });
    const o = makeOutbox(t.db, config);
    await o.subscriptions.create({ url: `${receiver.url}/hook`, events: ['robot.login'] });
    const dead = nextSettled(o, (s) => s.outcome === 'dead');
    o.start();
    await o.publish(login(1));
    expect((await dead).error).toMatch(/loopback/);
    expect(receiver.hits).toEqual([]);
    await o.stop();
  });
});
