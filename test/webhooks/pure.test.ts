import { makeEnvelope } from '../../src/webhooks/events';
import type { Delivery } from '../../src/webhooks/delivery.service';
import type { RenderContext } from '../../src/webhooks/formats';
import { loginCallbackFormat } from '../../src/webhooks/login-callback.format';
import { nativeFormat } from '../../src/webhooks/native.format';
import type { Subscription } from '../../src/webhooks/subscription.service';
import { afterFailure, classifyStatus } from '../../src/webhooks/schedule';
import { deriveSecret, sign, signedHeaders, verifySignature } from '../../src/webhooks/signature';

describe('classifyStatus', () => {
  test.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [301, 'reject'],
    [302, 'reject'],
    [400, 'reject'],
    [404, 'reject'],
    [410, 'reject'],
    [408, 'retry'],
    [425, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ])('when the receiver answers %i, then the verdict is %s', (status, verdict) => {
    expect(classifyStatus(status)).toBe(verdict);
  });
});

describe('afterFailure', () => {
  const backoff = { initialMs: 1000, maxMs: 60_000, jitter: 0.5 };
  test.each([
    [1, 0, 1000],
    [1, 1, 500],
    [2, 0, 2000],
    [3, 0, 4000],
    [7, 0, 60_000],
    [30, 0.5, 45_000],
  ])('when attempt %i failed with random %d, then the next try is %i ms later', (attempts, r, delay) => {
    expect(afterFailure({ attempts, now: 10_000, deadline: 10_000 + 86_400_000, backoff, random: () => r })).toEqual({
      retryAt: 10_000 + delay,
    });
  });

  test('when the next try would pass the deadline, then the delivery is dead', () => {
    expect(afterFailure({ attempts: 3, now: 0, deadline: 3999, backoff, random: () => 0 })).toEqual({ dead: true });
    expect(afterFailure({ attempts: 3, now: 0, deadline: 4000, backoff, random: () => 0 })).toEqual({ retryAt: 4000 });
  });

  test('when retries follow the default policy, then they span the 24 hours before dying', () => {
    const policy = { initialMs: 5000, maxMs: 3_600_000, jitter: 0.3 };
    let now = 0;
    let attempts = 0;
    for (;;) {
      attempts++;
      const next = afterFailure({ attempts, now, deadline: 86_400_000, backoff: policy, random: () => 1 });
      if ('dead' in next) break;
      now = next.retryAt;
    }
    expect(now).toBeGreaterThan(82_800_000);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(50);
  });
});

describe('signatures', () => {
  test('when secrets are derived, then they depend on the key, the subscription and the version', () => {
    const a = deriveSecret('k'.repeat(32), 'sub1', 1);
    expect(a).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(deriveSecret('k'.repeat(32), 'sub1', 1)).toBe(a);
    expect(deriveSecret('k'.repeat(32), 'sub2', 1)).not.toBe(a);
    expect(deriveSecret('k'.repeat(32), 'sub1', 2)).not.toBe(a);
    expect(deriveSecret('j'.repeat(32), 'sub1', 1)).not.toBe(a);
  });

  test('when a body is signed, then the receiver verifies it and refuses tampering, another secret and old timestamps', () => {
    const body = '{"id":"e1"}';
    const h = signedHeaders('whsec_x', 1_700_000_000, body, { id: 'e1', type: 'robot.login' });
    expect(h).toMatchObject({
      'X-Qunbot-Timestamp': '1700000000',
      'X-Qunbot-Event-Id': 'e1',
      'X-Qunbot-Event': 'robot.login',
    });
    expect(h['X-Qunbot-Signature']).toBe(sign('whsec_x', 1_700_000_000, body));
    expect(h['X-Qunbot-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const ok = (secret: string, b: string, now: number, ts = '1700000000') =>
      verifySignature(secret, h['X-Qunbot-Signature'], ts, b, now);
    expect(ok('whsec_x', body, 1_700_000_100)).toBe(true);
    expect(ok('whsec_x', '{"id":"e2"}', 1_700_000_100)).toBe(false);
    expect(ok('whsec_y', body, 1_700_000_100)).toBe(false);
    expect(ok('whsec_x', body, 1_700_001_000)).toBe(false);
    expect(ok('whsec_x', body, 1_700_000_100, '1700000001')).toBe(false);
    expect(verifySignature('whsec_x', undefined, '1', body, 1)).toBe(false);
  });
});

describe('makeEnvelope', () => {
  test('when no id or time is given, then a new id and now are used; given ones are kept', () => {
    const now = new Date('2026-01-02T03:04:05.000Z');
    const e = makeEnvelope({ type: 'robot.logout', owner: 'alice', payload: { robotId: 'r1' } }, now, () => 'new-id');
    expect(e).toEqual({
      id: 'new-id',
      type: 'robot.logout',
      time: '2026-01-02T03:04:05.000Z',
      owner: 'alice',
      payload: { robotId: 'r1' },
    });
    const f = makeEnvelope({ type: 'robot.logout', id: 'fixed', time: new Date(0), payload: { robotId: 'r1' } }, now);
    expect(f).toEqual({
      id: 'fixed',
      type: 'robot.logout',
      time: '1970-01-01T00:00:00.000Z',
      payload: { robotId: 'r1' },
    });
  });
});

describe('the native and login-callback formats', () => {
  const base: Delivery = {
    id: 'd1',
    eventId: 'e1',
    eventType: 'robot.login',
    format: 'native',
    target: 's1',
    body: '{"id":"e1"}',
    status: 'delivering',
    attempts: 1,
    nextAttemptAt: new Date(0),
    deadline: new Date(1),
    createdAt: new Date(0),
  };
  const masterKey = 'm'.repeat(32);
  const ctx: RenderContext = { nowSec: 1_700_000_000, timeouts: { nativeMs: 1000, callbackMs: 2000 } };
  const sub = {
    id: 's1',
    url: 'https://hooks.example/x',
    events: ['robot.login' as const],
    active: true,
    secretVersion: 3,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
  /** The native format over one subscription as the store would answer it (null: deleted). */
  const native = (subscription: Subscription | null) =>
    nativeFormat({ masterKey, subscriptions: { get: async (id) => (id === 's1' ? subscription : null) } });

  test('when a native delivery is rendered, then it is a POST to the subscription URL signed with its derived secret', async () => {
    const r = await native(sub).render(base, ctx);
    if ('drop' in r) throw new Error(r.drop);
    expect(r).toMatchObject({ url: 'https://hooks.example/x', method: 'POST', body: '{"id":"e1"}', timeoutMs: 1000 });
    expect(
      verifySignature(
        deriveSecret(masterKey, 's1', 3),
        r.headers['X-Qunbot-Signature'],
        r.headers['X-Qunbot-Timestamp'],
        r.body as string,
        ctx.nowSec,
      ),
    ).toBe(true);
  });

  test.each([
    [null, 'subscription deleted'],
    [{ ...sub, active: false }, 'subscription inactive'],
  ])('when the subscription is %p, then the delivery is dropped (%s)', async (subscription, reason) => {
    expect(await native(subscription).render(base, ctx)).toEqual({ drop: reason });
  });

  test('when a login callback is rendered, then it is a plain GET with the robot id', () => {
    expect(
      loginCallbackFormat.render(
        { ...base, format: 'login-callback', url: 'http://cb.example/done?k=1', robotId: 'r9', body: undefined },
        ctx,
      ),
    ).toEqual({
      url: 'http://cb.example/done?k=1',
      method: 'GET',
      timeoutMs: 2000,
      headers: { 'User-Agent': 'qunbot-webhooks', 'X-Qunbot-Event-Id': 'e1', 'X-Qunbot-Robot-Id': 'r9' },
    });
  });
});
