import { LRUCache } from 'lru-cache';
import { AppError } from '../http/errors';
import { isPermission, type Permission } from '../http/permissions';
import type { Principal } from '../http/principal';
import type { OperatorService, OperatorView } from './operator.service';
import { passwordProblem } from './password-rule';
import { ADMIN_ROLE, type RoleService } from './role.service';
import { csrfTokenOf, type SessionService, type SessionView } from './session.service';

/** What a sign-in gives: the session token (shown once), its CSRF token, the session and the operator. */
export interface SignedIn {
  token: string;
  csrfToken: string;
  session: SessionView;
  operator: OperatorView;
}

/** How long this process reuses a resolved session (a change made here is seen at once). */
const CACHE_MS = 5_000;

/** The stable 403 of a disabled account (seed 004 code 306). */
export const accountDisabled = () => new AppError(403, 'account_disabled', '账号已停用 (this account is disabled)');

/**
 * Operators signing in and out: checks the password, opens a session, and turns a session token
 * into the caller's principal (owner scope, role permissions). A disabled operator, a missing role,
 * or a revoked or expired session signs nobody in.
 */
export class OperatorAuth {
  private readonly cache = new LRUCache<string, { principal: Principal | null }>({ max: 10_000, ttl: CACHE_MS });
  /** Counts changes, so that a resolution that overlapped one is not cached. */
  private generation = 0;

  constructor(private readonly deps: { operators: OperatorService; roles: RoleService; sessions: SessionService }) {}

  /**
   * Null when the username or password is wrong; throws account_disabled for a disabled account.
   * `tokenOf`: derive the session token from its id (seed 004), else random.
   */
  async signIn(
    username: string,
    password: string,
    meta: { address?: string; userAgent?: string },
    tokenOf?: (sessionId: string) => string,
  ): Promise<SignedIn | null> {
    const operator = await this.deps.operators.authenticate(username, password);
    if (!operator) return null;
    if (!operator.enabled) throw accountDisabled();
    const { token, session } = await this.deps.sessions.create(operator.id, meta, tokenOf);
    await this.deps.operators.touchLogin(operator.id);
    return { token, csrfToken: csrfTokenOf(token), session, operator };
  }

  /** The principal of a session token, or null. */
  async principalOf(token: string): Promise<Principal | null> {
    const hit = this.cache.get(token);
    if (hit) return hit.principal;
    const generation = this.generation;
    const principal = await this.resolve(token);
    // Something changed while this was read: the answer may be stale, so it is not kept.
    if (generation === this.generation) this.cache.set(token, { principal });
    return principal;
  }

  private async resolve(token: string): Promise<Principal | null> {
    const session = await this.deps.sessions.verify(token);
    return session ? this.principalOfSession(session) : null;
  }

  /** The principal of a live session whose token the caller has checked (seed 004's signed requests). */
  async principalOfSession(session: SessionView): Promise<Principal | null> {
    const operator = await this.deps.operators.get(session.operatorId);
    if (!operator?.enabled) return null;
    const role = await this.deps.roles.get(operator.roleId);
    const permissions = new Set<Permission>(
      operator.mustChangePassword ? [] : (role?.permissions ?? []).filter(isPermission),
    );
    return {
      keyId: session.id,
      admin: !operator.owner,
      ...(operator.owner ? { owner: operator.owner } : {}),
      operator: { id: operator.id, username: operator.username },
      permissions,
      ...(operator.mustChangePassword ? { mustChangePassword: true } : {}),
    };
  }

  /** Grows with every change of operators, roles or sessions (holders of a principal compare it). */
  get version(): number {
    return this.generation;
  }

  /** Forgets resolved sessions (after an operator, role or session changed). */
  changed(): void {
    this.generation++;
    this.cache.clear();
  }

  /**
   * The first operator, made once: `admin` with the built-in role and every owner, with
   * `password` (QUNBOT_ADMIN_PASSWORD, which must pass the rule) or a generated one answered here
   * to be shown once and changed at first sign-in. Undefined when any operator was ever made
   * (deleting every operator does not bring it back: API admin keys can make operators then).
   */
  async bootstrap(password?: string): Promise<{ username: string; password?: string } | undefined> {
    if (await this.deps.operators.everMade()) return undefined;
    if (password !== undefined) {
      const problem = passwordProblem(password);
      if (problem) throw new Error(`QUNBOT_ADMIN_PASSWORD: ${problem}`);
    }
    const role = await this.deps.roles.builtIn();
    try {
      const made = await this.deps.operators.create(
        { username: ADMIN_ROLE, displayName: 'Administrator', roleId: role.id, ...(password ? { password } : {}) },
        { bootstrap: true },
      );
      return { username: made.operator.username, ...(made.password ? { password: made.password } : {}) };
    } catch (err) {
      // Another process made it first (the unique bootstrap index).
      if (err instanceof AppError && err.status === 409) return undefined;
      throw err;
    }
  }
}
