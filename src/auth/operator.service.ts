import { isRecordId } from '../bot/core/ids';
import { isDuplicateKey } from '../db/errors';
import type { Db, Model } from '../db/types';
import { badRequest, conflict, notFound } from '../http/errors';
import { Sequences } from '../db/sequences';
import { operatorModel, type OperatorDoc } from './operator.model';
import { hashPassword, verifyPassword, decoyHash, generatePassword } from './password-hash';
import { passwordProblem } from './password-rule';

/** A sign-in name: what every API accepts. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][\w.@-]{1,63}$/;
export const USERNAME_RULE = 'letters, digits and . _ @ - (2-64), starting with a letter or digit';

/** An operator as the API shows it: never the password or its hash. */
export interface OperatorView {
  id: string;
  /** 1, 2, 3...: the seed 004 user_id. */
  number: number;
  username: string;
  displayName: string;
  position?: string;
  roleId: string;
  owner?: string;
  enabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreateOperatorInput {
  username: string;
  displayName?: string;
  position?: string;
  roleId: string;
  owner?: string;
  /** Given: it must pass the rule and is kept; absent: one is generated and must be changed at first sign-in. */
  password?: string;
  /** A given password was chosen by someone else (seed 004's 初始密码): it must be changed too. */
  mustChangePassword?: boolean;
}

function toView(d: OperatorDoc): OperatorView {
  return {
    id: d._id.toString(),
    number: d.number,
    username: d.username,
    displayName: d.displayName,
    ...(d.position ? { position: d.position } : {}),
    roleId: d.roleId.toString(),
    ...(d.owner ? { owner: d.owner } : {}),
    enabled: d.enabled,
    mustChangePassword: d.mustChangePassword,
    ...(d.lastLoginAt ? { lastLoginAt: d.lastLoginAt } : {}),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** The stable 4xx of a password that fails the rule (seed 004 answers it with code 305). */
export const weakPassword = (problem: string) =>
  badRequest('weak_password', problem, [{ in: 'body', path: 'password', code: 'weak_password', message: problem }]);

/** Operator accounts (seed 004 用户): usernames are case-insensitive; passwords Argon2id-hashed. */
export class OperatorService {
  private readonly Operator: Model<OperatorDoc>;
  private readonly sequences: Sequences;

  constructor(
    conn: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.Operator = operatorModel(conn);
    this.sequences = new Sequences(conn);
  }

  /** The operator numbered `n` (seed 004 user_id), or null. */
  async byNumber(n: number): Promise<OperatorView | null> {
    if (!Number.isSafeInteger(n) || n < 1) return null;
    const d = await this.Operator.findOne({ number: n }).lean();
    return d ? toView(d) : null;
  }

  async get(id: string): Promise<OperatorView | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Operator.findById(id).lean();
    return d ? toView(d) : null;
  }

  /** Operators, oldest first; `owner` set: that owner's only. */
  async list(filter: { owner?: string | undefined }): Promise<OperatorView[]> {
    const q = filter.owner === undefined ? {} : { owner: filter.owner };
    return (await this.Operator.find(q).sort({ _id: 1 }).limit(1000).lean()).map(toView);
  }

  /** Creates an operator; answers the generated password when none was given (shown once). */
  async create(
    input: CreateOperatorInput,
    opts: { bootstrap?: boolean } = {},
  ): Promise<{ operator: OperatorView; password?: string }> {
    const generated = input.password === undefined ? generatePassword() : undefined;
    const password = input.password ?? (generated as string);
    const problem = passwordProblem(password);
    if (problem) throw weakPassword(problem);
    const username = input.username.toLowerCase();
    try {
      const d = await this.Operator.create({
        number: await this.sequences.next('operators'),
        username,
        displayName: input.displayName ?? input.username,
        ...(input.position ? { position: input.position } : {}),
        roleId: input.roleId,
        ...(input.owner ? { owner: input.owner } : {}),
        enabled: true,
        passwordHash: await hashPassword(password),
        mustChangePassword: generated !== undefined || input.mustChangePassword === true,
        ...(opts.bootstrap ? { bootstrap: true } : {}),
      });
      return { operator: toView(d.toObject()), ...(generated ? { password: generated } : {}) };
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict('username_taken', `the username "${username}" is taken`);
      throw err;
    }
  }

  /**
   * True once any operator was ever made, even if all were deleted since: the first start's admin
   * is made once, never again on a later start (an admin deleted on purpose stays deleted).
   */
  async everMade(): Promise<boolean> {
    return (await this.sequences.current('operators')) > 0 || (await this.Operator.exists({})) !== null;
  }

  async update(
    id: string,
    patch: {
      username?: string;
      displayName?: string;
      position?: string;
      roleId?: string;
      owner?: string | null;
      enabled?: boolean;
    },
  ): Promise<OperatorView> {
    if (!isRecordId(id)) throw notFound('operator');
    const { owner, username, ...rest } = patch;
    const update = {
      $set: {
        ...rest,
        ...(username ? { username: username.toLowerCase() } : {}),
        ...(typeof owner === 'string' ? { owner } : {}),
      },
      ...(owner === null ? { $unset: { owner: 1 } } : {}),
    };
    try {
      const d = await this.Operator.findByIdAndUpdate(id, update, { returnDocument: 'after' }).lean();
      if (!d) throw notFound('operator');
      return toView(d);
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict('username_taken', `the username "${username}" is taken`);
      throw err;
    }
  }

  async delete(id: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    return (await this.Operator.deleteOne({ _id: id })).deletedCount > 0;
  }

  /**
   * The operator when the username and password match (enabled or not: the caller decides), else
   * null. Unknown usernames cost as much as wrong passwords, so timing tells nothing.
   */
  async authenticate(username: string, password: string): Promise<OperatorView | null> {
    const d = await this.Operator.findOne({ username: username.toLowerCase() }).lean();
    const ok = await verifyPassword(d?.passwordHash ?? (await decoyHash()), password);
    return d && ok ? toView(d) : null;
  }

  async touchLogin(id: string): Promise<void> {
    await this.Operator.updateOne({ _id: id }, { $set: { lastLoginAt: new Date(this.now()) } });
  }

  /** Sets a new password that passes the rule (the operator chose it: no change required). */
  async setPassword(id: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw weakPassword(problem);
    const r = await this.Operator.updateOne(
      { _id: id },
      { $set: { passwordHash: await hashPassword(password), mustChangePassword: false } },
    );
    if (r.matchedCount === 0) throw notFound('operator');
  }

  /**
   * Resets to `given` (it must pass the rule) or a generated password (shown once); either is
   * someone else's choice, so it must be changed at the next sign-in.
   */
  async resetPassword(id: string, given?: string): Promise<string> {
    if (!isRecordId(id)) throw notFound('operator');
    const problem = given === undefined ? undefined : passwordProblem(given);
    if (problem) throw weakPassword(problem);
    const password = given ?? generatePassword();
    const r = await this.Operator.updateOne(
      { _id: id },
      { $set: { passwordHash: await hashPassword(password), mustChangePassword: true } },
    );
    if (r.matchedCount === 0) throw notFound('operator');
    return password;
  }
}
