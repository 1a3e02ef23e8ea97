import pino from 'pino';
import { peopleOf } from '../../src/auth/people';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);
const settings = { sessions: { ttlHours: 24, idleMinutes: 120 }, auditKeepDays: 90 };
const people = () => peopleOf(t.db.connection, settings, pino({ level: 'silent' }));

describe('the first start’s admin operator', () => {
  test('when two processes start at once on an empty database, then one admin is made and its password shown once', async () => {
    const made = await Promise.all([people().auth.bootstrap(), people().auth.bootstrap()]);
    expect(made.filter(Boolean)).toEqual([{ username: 'admin', password: expect.stringMatching(/^[A-Za-z0-9]{20}$/) }]);
    expect(await people().auth.bootstrap()).toBeUndefined();
  });

  test('when the admin was deleted on purpose, then a later start does not bring it back, with or without QUNBOT_ADMIN_PASSWORD', async () => {
    const p = people();
    const admin = (await p.operators.list({})).find((o) => o.username === 'admin');
    expect(admin).toBeDefined();
    expect(await p.operators.delete(admin!.id)).toBe(true);
    expect(await people().auth.bootstrap()).toBeUndefined();
    expect(await people().auth.bootstrap('Another-admin-pass1')).toBeUndefined();
    expect(await p.operators.list({})).toEqual([]);
  });
});
