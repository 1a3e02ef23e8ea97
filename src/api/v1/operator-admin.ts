import type { CreateOperatorInput, OperatorService, OperatorView } from '../../auth/operator.service';
import { AppError, conflict, notFound } from '../../http/errors';
import type { Permission } from '../../http/permissions';
import type { Principal } from '../../http/principal';
import { canSee } from '../../http/access';
import { checkGrant, grantableOwner, operatorOf, type People } from './people';

/** What may change of an operator (native PATCH, seed 004 5.3 and 5.5); `owner: null` is every owner. */
export type OperatorPatch = Parameters<OperatorService['update']>[1];

/**
 * The rules of managing operators, one place for every API that does it (the native
 * /api/v1/operators and seed 004 users): a caller sees operators of its own owner scope, never
 * hands out more than it holds (nor touches someone holding more), and never changes its own
 * role, scope or enabled flag nor deletes itself. Changes that take power away sign the operator out.
 */
export class OperatorAdmin {
  constructor(private readonly people: Pick<People, 'operators' | 'roles' | 'sessions' | 'auth'>) {}

  /** The role's permissions, or 400 when there is no such role. */
  async rolePermissions(roleId: string): Promise<Permission[]> {
    const role = await this.people.roles.get(roleId);
    if (!role)
      throw new AppError(400, 'invalid_request', 'no such role', [
        { in: 'body', path: 'roleId', code: 'unknown_role', message: 'no such role' },
      ]);
    return role.permissions;
  }

  /** The operator, when the caller may manage it: same owner scope, nothing above the caller's permissions. */
  async managed(p: Principal, target: OperatorView | null): Promise<OperatorView> {
    if (!target || !(p.admin || (target.owner !== undefined && canSee(p, target.owner)))) throw notFound('operator');
    checkGrant(p, await this.rolePermissions(target.roleId).catch(() => []));
    return target;
  }

  async create(p: Principal, input: CreateOperatorInput): Promise<{ operator: OperatorView; password?: string }> {
    checkGrant(p, await this.rolePermissions(input.roleId));
    const owner = grantableOwner(p, input.owner);
    const made: CreateOperatorInput = { ...input };
    if (owner === undefined) delete made.owner;
    else made.owner = owner;
    return this.people.operators.create(made);
  }

  async update(p: Principal, target: OperatorView, patch: OperatorPatch): Promise<OperatorView> {
    const self = p.operator?.id === target.id;
    if (self && (patch.roleId !== undefined || patch.owner !== undefined || patch.enabled !== undefined))
      throw conflict('cannot_change_self', 'nobody changes their own role, owner scope or enabled flag');
    if (patch.roleId) checkGrant(p, await this.rolePermissions(patch.roleId));
    if (patch.owner !== undefined) grantableOwner(p, patch.owner ?? undefined);
    if (patch.owner === null && !p.admin)
      throw new AppError(403, 'forbidden', 'only admin callers give an operator every owner');
    const changed = await this.people.operators.update(target.id, patch);
    if (patch.enabled === false || patch.roleId !== undefined || patch.owner !== undefined)
      await this.signOut(target.id);
    else this.people.auth.changed();
    return changed;
  }

  async remove(p: Principal, target: OperatorView): Promise<void> {
    if (p.operator?.id === target.id) throw conflict('cannot_delete_self', 'nobody deletes themselves');
    await this.people.operators.delete(target.id);
    await this.signOut(target.id);
  }

  /**
   * Sets another operator's password: `password` given (seed 004 5.3) or generated (answered,
   * shown once); either way they must change it at their next sign-in, and their sessions end.
   */
  async resetPassword(p: Principal, target: OperatorView, password?: string): Promise<string> {
    if (p.operator && operatorOf(p).id === target.id)
      throw conflict('cannot_change_self', 'change your own password with PUT /api/v1/me/password');
    const set = await this.people.operators.resetPassword(target.id, password);
    await this.signOut(target.id);
    return set;
  }

  private async signOut(id: string): Promise<void> {
    try {
      await this.people.sessions.revokeAll(id);
    } finally {
      // The change is stored: cached principals are dropped even when revoking failed.
      this.people.auth.changed();
    }
  }
}
