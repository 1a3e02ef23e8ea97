import pino from 'pino';
import { OperatorAuth } from '../../src/auth/operator-auth';
import type { OperatorService } from '../../src/auth/operator.service';
import { peopleOf } from '../../src/auth/people';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);
const settings = { sessions: { ttlHours: 24, idleMinutes: 120 }, auditKeepDays: 90 };

describe('resolving operator sessions (cached for a few seconds)', () => {
  test('when an operator is disabled while their session is being resolved, then the stale answer is not cached: the next request is refused', async () => {
    const people = peopleOf(t.db.connection, settings, pino({ level: 'silent' }));
    const role = await people.roles.create({ name: 'reader', permissions: ['robots.read'] });
    const { operator } = await people.operators.create({ username: 'ann', roleId: role.id, password: 'Ann-pass-123' });
    // The operator is read, then held until the change has happened (a slow database read).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reading!: () => void;
    const read = new Promise<void>((r) => (reading = r));
    const operators = Object.create(people.operators) as OperatorService;
    operators.get = async (id: string) => {
      const found = await people.operators.get(id);
      reading();
      await held;
      return found;
    };
    const auth = new OperatorAuth({ operators, roles: people.roles, sessions: people.sessions });
    const signedIn = await auth.signIn('ann', 'Ann-pass-123', {});
    expect(signedIn).not.toBeNull();

    const first = auth.principalOf(signedIn!.token);
    await read;
    await people.operators.update(operator.id, { enabled: false });
    await people.sessions.revokeAll(operator.id);
    auth.changed();
    release();
    expect((await first)?.operator?.username).toBe('ann'); // read before the change
    operators.get = (id: string) => people.operators.get(id);
    expect(await auth.principalOf(signedIn!.token)).toBeNull();
  });
});
