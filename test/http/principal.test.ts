import type { Permission } from '../../src/http/permissions';
import { permits, ungranted, type Principal } from '../../src/http/principal';

const operator = (permissions: Permission[]): Principal => ({
  keyId: 's1',
  admin: false,
  operator: { id: 'o1', username: 'ann' },
  permissions: new Set(permissions),
});
const apiKey: Principal = { keyId: 'k1', owner: 'acme', admin: false };

describe('what a caller holds and may hand out', () => {
  test.each<[string, string[], string[], Principal]>([
    ['an operator holding both', ['robots.read', 'rooms.read'], [], operator(['robots.read', 'rooms.read'])],
    ['an operator missing one', ['robots.read', 'rooms.write'], ['rooms.write'], operator(['robots.read'])],
    [
      'a seed 004 client’s own item key (guards nothing here)',
      ['crm.export', 'robots.read'],
      [],
      operator(['robots.read']),
    ],
    ['a group key of the tree (not a permission)', ['robots'], [], operator([])],
    ['an API key (every permission in its scope)', ['operators.manage', 'audit.read'], [], apiKey],
    ['nothing asked', [], [], operator([])],
  ])('when %s is asked for %j, then %j is not held', (_, keys, missing, principal) => {
    expect(ungranted(principal, keys)).toEqual(missing);
  });

  test('when an operator is asked for a permission, then only their role’s count; an API key holds every one', () => {
    expect(permits(operator(['robots.read']), 'robots.read')).toBe(true);
    expect(permits(operator(['robots.read']), 'robots.write')).toBe(false);
    expect(permits(apiKey, 'operators.manage')).toBe(true);
  });
});
