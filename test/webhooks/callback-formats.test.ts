import { systemClock } from '../../src/bot/core/clock';
import { baseHeaders, UnknownFormatError, type DeliveryFormat, type WireRequest } from '../../src/webhooks/formats';
import { WebhookOutbox } from '../../src/webhooks/outbox';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';
import { nextSettled, webhookConfig } from './support';

const t = useTestDatabase(__filename);
const SECRET = 'dialect-secret-never-stored-0123';

/** A dialect's callback format: the stored body, signed at send time with a key only it holds. */
const signedWith = (key: string): DeliveryFormat => ({
  render: (d, ctx) => ({
    url: d.url as string,
    method: 'POST',
    headers: { ...baseHeaders(d), 'X-Dialect-Key': key },
    body: d.body ?? '',
    timeoutMs: ctx.timeouts.callbackMs,
  }),
});

describe('callbacks in registered formats, through the outbox', () => {
  const sent: WireRequest[] = [];
  let made: WebhookOutbox[] = [];
  const outbox = () => {
    const o = new WebhookOutbox({
      config: webhookConfig(),
      connection: t.db.connection,
      clock: systemClock,
      log: silentLog,
      sender: {
        send: async (req) => {
          sent.push(req);
          return { status: 200 };
        },
      },
    });
    made.push(o);
    return o;
  };
  const rows = () => t.db.connection.collection('webhookdeliveries').find().toArray();

  beforeEach(async () => {
    sent.length = 0;
    await t.db.connection.collection('webhookdeliveries').deleteMany({});
  });
  afterEach(async () => {
    await Promise.all(made.map((o) => o.stop(0)));
    made = [];
  });

  test('when a callback names a format nobody registered, then enqueue refuses it and nothing is stored', async () => {
    const o = outbox();
    await expect(
      o.enqueue({ format: 'dialect-x', eventId: 'e1', eventType: 'robot.login', url: 'http://cb.example/x' }),
    ).rejects.toThrow(UnknownFormatError);
    expect(await rows()).toEqual([]);
  });

  test("when a dialect's format is registered, then its renderer sends the callback with the secret, and the stored row never holds the secret", async () => {
    const o = outbox();
    o.formats.register('dialect-x', signedWith(SECRET));
    const settled = nextSettled(o);
    o.start();
    const stored = await o.enqueue({
      format: 'dialect-x',
      eventId: 'e2',
      eventType: 'robot.login',
      target: 'dialect-x:CH01',
      robotId: 'r1',
      owner: 'alice',
      url: 'http://cb.example/x',
      body: '{"hello":1}',
    });
    expect(stored).toBe(true);
    expect((await settled).outcome).toBe('delivered');

    expect(sent).toEqual([
      {
        url: 'http://cb.example/x',
        method: 'POST',
        headers: { 'User-Agent': 'qunbot-webhooks', 'X-Qunbot-Event-Id': 'e2', 'X-Dialect-Key': SECRET },
        body: '{"hello":1}',
        timeoutMs: 300,
      },
    ]);
    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      format: 'dialect-x',
      target: 'dialect-x:CH01',
      owner: 'alice',
      robotId: 'r1',
      url: 'http://cb.example/x',
      body: '{"hello":1}',
      status: 'delivered',
    });
    expect(JSON.stringify(all)).not.toContain(SECRET);
    // The same event and target again adds nothing.
    expect(
      await o.enqueue({
        format: 'dialect-x',
        eventId: 'e2',
        eventType: 'robot.login',
        target: 'dialect-x:CH01',
        url: 'http://cb.example/x',
      }),
    ).toBe(false);
  });

  test('when a callback was queued while its dialect was on and the process that sends it has it off, then it is dropped (dead) with the reason and never sent', async () => {
    const before = outbox();
    before.formats.register('dialect-x', signedWith(SECRET));
    await before.enqueue({ format: 'dialect-x', eventId: 'e3', eventType: 'robot.login', url: 'http://cb.example/x' });

    const after = outbox();
    const settled = nextSettled(after);
    after.start();
    const s = await settled;

    expect(s).toMatchObject({ outcome: 'dead', error: expect.stringMatching(/^unknown format dialect-x /) });
    expect(sent).toEqual([]);
    expect(await rows()).toEqual([
      expect.objectContaining({ eventId: 'e3', status: 'dead', lastError: s.error, attempts: 1 }),
    ]);
  });
});
