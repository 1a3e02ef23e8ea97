import { isRecordId } from '../bot/core/ids';
import { isDuplicateKey } from '../db/errors';
import type { Db, Model } from '../db/types';
import { conflict, notFound } from '../http/errors';
import { ALL_PERMISSIONS, type Permission } from '../http/permissions';
import { Sequences } from '../db/sequences';
import { operatorModel, type OperatorDoc } from './operator.model';
import { roleModel, type RoleDoc } from './role.model';

/** A role as the API shows it. */
export interface RoleView {
  id: string;
  /** 1, 2, 3...: the seed 004 role_id. */
  number: number;
  name: string;
  description?: string;
  permissions: Permission[];
  builtIn: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The name of the built-in role that holds every permission. */
export const ADMIN_ROLE = 'admin';

function toView(d: RoleDoc): RoleView {
  return {
    id: d._id.toString(),
    number: d.number,
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    permissions: d.builtIn ? [...ALL_PERMISSIONS] : (d.permissions as Permission[]),
    builtIn: !!d.builtIn,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** Roles: named permission sets (seed 004 角色). The built-in `admin` role holds every permission. */
export class RoleService {
  private readonly Role: Model<RoleDoc>;
  private readonly Operator: Model<OperatorDoc>;
  private readonly sequences: Sequences;

  constructor(conn: Db) {
    this.Role = roleModel(conn);
    this.Operator = operatorModel(conn);
    this.sequences = new Sequences(conn);
  }

  /** The role numbered `n` (seed 004 role_id), or null. */
  async byNumber(n: number): Promise<RoleView | null> {
    if (!Number.isSafeInteger(n) || n < 1) return null;
    const d = await this.Role.findOne({ number: n }).lean();
    return d ? toView(d) : null;
  }

  /** The built-in role, made on first use (one even when processes race). */
  async builtIn(): Promise<RoleView> {
    const found = await this.Role.findOne({ builtIn: true }).lean();
    if (found) return toView(found);
    try {
      const number = await this.sequences.next('roles');
      return toView((await this.Role.create({ number, name: ADMIN_ROLE, builtIn: true, permissions: [] })).toObject());
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const raced = await this.Role.findOne({ builtIn: true }).lean();
      if (!raced) throw conflict('role_name_taken', `a role named ${ADMIN_ROLE} exists: rename it`);
      return toView(raced);
    }
  }

  async list(): Promise<RoleView[]> {
    return (await this.Role.find().sort({ _id: 1 }).lean()).map(toView);
  }

  async get(id: string): Promise<RoleView | null> {
    if (!isRecordId(id)) return null;
    const d = await this.Role.findById(id).lean();
    return d ? toView(d) : null;
  }

  async create(input: { name: string; description?: string; permissions: Permission[] }): Promise<RoleView> {
    try {
      const number = await this.sequences.next('roles');
      return toView(
        (await this.Role.create({ ...input, number, permissions: [...new Set(input.permissions)] })).toObject(),
      );
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict('role_name_taken', `a role named "${input.name}" exists`);
      throw err;
    }
  }

  async update(
    id: string,
    patch: { name?: string; description?: string; permissions?: Permission[] },
  ): Promise<RoleView> {
    const role = await this.get(id);
    if (!role) throw notFound('role');
    if (role.builtIn) throw conflict('role_builtin', 'the built-in admin role cannot be changed');
    const set = { ...patch, ...(patch.permissions ? { permissions: [...new Set(patch.permissions)] } : {}) };
    try {
      const d = await this.Role.findByIdAndUpdate(id, { $set: set }, { returnDocument: 'after' }).lean();
      if (!d) throw notFound('role');
      return toView(d);
    } catch (err) {
      if (isDuplicateKey(err)) throw conflict('role_name_taken', `a role named "${patch.name}" exists`);
      throw err;
    }
  }

  /** Deletes a role no operator holds; the built-in one stays. */
  async delete(id: string): Promise<void> {
    const role = await this.get(id);
    if (!role) throw notFound('role');
    if (role.builtIn) throw conflict('role_builtin', 'the built-in admin role cannot be deleted');
    const holders = await this.Operator.countDocuments({ roleId: id });
    if (holders > 0) throw conflict('role_in_use', `${holders} operator(s) hold this role: give them another first`);
    await this.Role.deleteOne({ _id: id });
  }
}
