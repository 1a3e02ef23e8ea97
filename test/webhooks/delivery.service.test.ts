import { DeliveryService } from '../../src/webhooks/delivery.service';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);
const DAY = 86_400_000;

describe('DeliveryService', () => {
  let svc: DeliveryService;
  beforeAll(() => {
    svc = new DeliveryService(t.db.connection);
  });
  beforeEach(async () => {
    await t.db.connection.collection('webhookdeliveries').deleteMany({});
  });
  const item = (eventId: string, target = 'sub-a') => ({
    eventId,
    eventType: 'robot.login',
    format: 'native' as const,
    target,
    body: '{}',
  });

  test('when the same event is queued twice for a target, then one delivery exists', async () => {
    const now = new Date(1_000_000);
    expect(await svc.enqueue([item('dup'), item('dup', 'sub-b')], now, DAY)).toBe(2);
    expect(await svc.enqueue([item('dup')], now, DAY)).toBe(0);
    expect((await svc.page({ eventId: 'dup' }, { limit: 10 })).items).toHaveLength(2);
  });

  test('when ten workers claim at once, then each due delivery goes to exactly one of them', async () => {
    const now = new Date(2_000_000);
    await svc.enqueue([item('race-1', 'race'), item('race-2', 'race'), item('race-3', 'race')], now, DAY);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => svc.claim(`w${i}`, new Date(2_000_000), 60_000)),
    );
    const got = claims.filter((c) => c && c.eventId.startsWith('race-')).map((c) => c?.eventId);
    expect(new Set(got).size).toBe(got.length);
    expect(got.sort()).toEqual(['race-1', 'race-2', 'race-3']);
    expect(claims.filter((c) => c).every((c) => c?.attempts === 1 && c.status === 'delivering')).toBe(true);
  });

  test('when a worker dies holding a lease, then nobody can claim it until the lease ends, then another worker can', async () => {
    const t0 = 10_000_000;
    await svc.enqueue([item('lease')], new Date(t0), DAY);
    const first = await svc.claim('dead-worker', new Date(t0), 30_000);
    expect(first?.eventId).toBe('lease');
    expect(await svc.claim('other', new Date(t0 + 29_999), 30_000)).toBeNull();
    const again = await svc.claim('other', new Date(t0 + 30_000), 30_000);
    expect(again).toMatchObject({ eventId: 'lease', attempts: 2 });
    // The dead worker's late answer no longer counts: it lost the lease.
    expect(await svc.delivered(first?.id as string, 'dead-worker', new Date(t0 + 30_001), 200)).toBe(false);
    expect(await svc.delivered(again?.id as string, 'other', new Date(t0 + 30_001), 200)).toBe(true);
    expect((await svc.get(again?.id as string))?.status).toBe('delivered');
  });

  test('when a failed attempt is recorded, then it is queued for later or dead; past the deadline it expires; dead ones can be retried', async () => {
    const t0 = 20_000_000;
    await svc.enqueue([item('fail-1', 'f'), item('fail-2', 'f')], new Date(t0), 1000);
    const a = await svc.claim('w', new Date(t0), 5000);
    const b = await svc.claim('w', new Date(t0), 5000);
    expect(
      await svc.failed(a?.id as string, 'w', { retryAt: new Date(t0 + 500), status: 500, error: 'answered 500' }),
    ).toBe(true);
    expect(await svc.failed(b?.id as string, 'w', { status: 410, error: 'answered 410' })).toBe(true);
    expect(await svc.get(a?.id as string)).toMatchObject({
      status: 'queued',
      lastStatus: 500,
      nextAttemptAt: new Date(t0 + 500),
    });
    expect(await svc.get(b?.id as string)).toMatchObject({ status: 'dead', lastStatus: 410 });
    expect(await svc.claim('w', new Date(t0 + 1000), 5000)).toBeNull();
    expect(await svc.expire(new Date(t0 + 1000))).toBeGreaterThanOrEqual(1);
    expect(await svc.get(a?.id as string)).toMatchObject({ status: 'dead', lastError: 'deadline passed' });
    expect(await svc.retry(a?.id as string, new Date(t0 + 2000), 1000)).toMatchObject({
      status: 'queued',
      attempts: 0,
      deadline: new Date(t0 + 3000),
    });
    expect(await svc.retry(a?.id as string, new Date(t0 + 2000), 1000)).toBeNull();
    expect(await svc.retry('nope', new Date(), 1000)).toBeNull();
  });
});
