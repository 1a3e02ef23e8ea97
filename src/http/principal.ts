import { isPermission, type Permission } from './permissions';

/**
 * Who is calling: an API key limited to one owner, or an admin key that sees every owner; or an
 * operator signed in with a session, scoped the same way and limited to their role's permissions.
 */
export interface Principal {
  /** The API key's id, or the operator's session id. */
  keyId: string;
  /** The owner this caller is limited to; undefined for a caller that sees every owner. */
  owner?: string;
  /** True when the caller sees every owner (an admin key, an operator without an owner). */
  admin: boolean;
  /** The operator behind a session; absent for API keys. */
  operator?: { id: string; username: string };
  /** What the caller may do; absent: everything its owner scope allows (API keys). */
  permissions?: ReadonlySet<Permission>;
  /** An operator signed in with a generated or reset password: only changing it is allowed. */
  mustChangePassword?: boolean;
}

/** True when the caller holds the permission. */
export const permits = (p: Principal, permission: Permission): boolean =>
  !p.permissions || p.permissions.has(permission);

/**
 * The permissions among `keys` the caller does not hold: nobody hands out more than they hold.
 * Keys outside qunbot's tree (a seed 004 client's own items) guard nothing here and are free.
 */
export const ungranted = (p: Principal, keys: readonly string[]): Permission[] =>
  keys.filter((k): k is Permission => isPermission(k) && !permits(p, k));
