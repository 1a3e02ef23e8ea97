import type { peopleOf } from '../../auth/people';
import { AppError, forbidden } from '../../http/errors';
import { ungranted, type Principal } from '../../http/principal';

/** The operator side of the native API: accounts, roles, sessions (src/main.ts builds them with peopleOf). */
export type People = ReturnType<typeof peopleOf>;

/** The signed-in operator of the request; API keys are not operators (403 operator_only). */
export function operatorOf(p: Principal): { id: string; username: string } {
  if (!p.operator) throw new AppError(403, 'operator_only', 'this is for signed-in operators, not API keys');
  return p.operator;
}

/**
 * Nobody hands out more than they hold: a role (or an operator holding it) may only be given,
 * made or changed by a caller who holds every one of its permissions.
 */
export function checkGrant(p: Principal, permissions: readonly string[]): void {
  const missing = ungranted(p, permissions);
  if (missing.length > 0)
    throw new AppError(403, 'permission_escalation', `you do not hold ${missing.join(', ')}: you cannot grant it`);
}

/** The owner scope a caller may give an operator: its own, or any (or none: every owner) for admins. */
export function grantableOwner(p: Principal, asked: string | undefined): string | undefined {
  if (p.admin) return asked;
  if (asked !== undefined && asked !== p.owner) throw forbidden('you may only manage operators of your own owner');
  return p.owner;
}
