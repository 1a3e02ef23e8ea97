import type { OperatorView } from '../../../src/auth/operator.service';
import { OperatorAdmin } from '../../../src/api/v1/operator-admin';
import type { People } from '../../../src/api/v1/people';

describe('operator administration when the database fails half-way', () => {
  test('when ending the sessions fails after a password was reset, then cached principals are dropped anyway', async () => {
    let dropped = 0;
    const people = {
      operators: { resetPassword: async () => 'Generated-pass1' },
      sessions: {
        revokeAll: async () => {
          throw new Error('database away');
        },
      },
      auth: { changed: () => void dropped++ },
    } as unknown as Pick<People, 'operators' | 'roles' | 'sessions' | 'auth'>;
    const admin = new OperatorAdmin(people);
    const target = { id: '6740d0000000000000000001', username: 'clerk' } as OperatorView;
    await expect(admin.resetPassword({ keyId: 'k', admin: true }, target)).rejects.toThrow('database away');
    expect(dropped).toBe(1);
  });
});
