import { SessionService } from '../../src/auth/session.service';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);
const MIN = 60_000;

describe('operator sessions: lifetime, idle timeout, revocation', () => {
  let now = Date.UTC(2026, 11, 3, 9, 0, 0);
  const sessions = () => new SessionService(t.db.connection, { ttlMs: 600 * MIN, idleMs: 30 * MIN }, () => now);
  const operatorId = '6740d0000000000000000011';

  test('when a session is used within the idle time, then it lives on; unused longer, it ends; past its end, it ends anyway', async () => {
    const s = sessions();
    const { token, session } = await s.create(operatorId, {});
    expect(token).toMatch(/^qs_[\w-]{43}$/);
    now += 29 * MIN;
    expect((await s.verify(token))?.id).toBe(session.id);
    now += 29 * MIN; // 58 min after sign-in, 29 after the last use
    expect((await s.live(session.id))?.id).toBe(session.id);
    now += 29 * MIN; // used by id (a seed 004 signed request): still within the idle time
    expect((await s.verify(token))?.id).toBe(session.id);
    now += 31 * MIN;
    expect(await s.verify(token)).toBeNull();
    expect(await s.live(session.id)).toBeNull();

    const long = await s.create(operatorId, {});
    for (let i = 0; i < 25; i++) {
      now += 25 * MIN;
      if (i < 23) expect(await s.verify(long.token)).not.toBeNull();
    }
    expect(await s.verify(long.token)).toBeNull();
  });

  test('when a session is revoked, then neither its token nor its id work; revoking another operator’s session does nothing', async () => {
    const s = sessions();
    const { token, session } = await s.create(operatorId, {});
    expect(await s.revoke(session.id, '6740d0000000000000000099')).toBe(false);
    expect(await s.verify(token)).not.toBeNull();
    expect(await s.revoke(session.id, operatorId)).toBe(true);
    expect(await s.verify(token)).toBeNull();
    expect(await s.live(session.id)).toBeNull();
    expect(await s.revoke('not-an-id', operatorId)).toBe(false);
    expect(await s.verify('qb_an-api-key-is-no-session')).toBeNull();
  });

  test('when every session but the current one is revoked, then all others end however many there are, and the kept one lives', async () => {
    const s = sessions();
    const busy = '6740d0000000000000000022';
    const others = await Promise.all(Array.from({ length: 120 }, () => s.create(busy, {})));
    const kept = await s.create(busy, {});
    const stranger = await s.create('6740d0000000000000000099', {});
    expect(await s.revokeAll(busy, kept.session.id)).toBe(120);
    for (const o of [others[0], others[60], others[119]]) expect(await s.verify(o!.token)).toBeNull();
    expect((await s.verify(kept.token))?.id).toBe(kept.session.id);
    expect((await s.verify(stranger.token))?.id).toBe(stranger.session.id);
  });

  test('when a token is derived from the session id (seed 004), then that token is the one verified', async () => {
    const s = sessions();
    const { token, session } = await s.create(operatorId, {}, (id) => `qs_derived-${id}`);
    expect(token).toBe(`qs_derived-${session.id}`);
    expect((await s.verify(token))?.id).toBe(session.id);
  });
});
