import { USERNAME_PATTERN, USERNAME_RULE, type OperatorView } from '../../../auth/operator.service';
import { passwordProblem } from '../../../auth/password-rule';
import { ownerFilter } from '../../../http/access';
import type { Principal } from '../../../http/principal';
import { OperatorAdmin, type OperatorPatch } from '../../v1/operator-admin';
import { seedDate, userOf } from './account.endpoints';
import { answer, Code, Seed004Error } from './envelope';
import { numberOf, optional, PASSWORD_RULE_MSG, required, seedRefusal, text } from './refusals';
import type { Seed004Deps, Seed004Endpoint } from './router';

/** What a 5.2 / 5.3 form asks for, checked before anything is written. */
interface UserForm {
  username: string;
  password?: string;
  roleId: string;
  /** undefined: company_id 0, every owner (admin callers only). */
  owner: string | undefined;
  displayName?: string;
  position?: string;
}

/**
 * Seed 004 5.1-5.4 users: qunbot's operators, under the native API's rules (OperatorAdmin): a
 * caller sees and manages the users of its own company (owner), never gives a role above its
 * own, never deletes itself (305). `login_user` is the sign-in name, `username` the person's
 * name (the native displayName), `company_id` the company of an owner (0: every owner).
 */
export function userEndpoints(deps: Seed004Deps): Seed004Endpoint[] {
  const { operators, roles, companies } = deps.people;
  const admin = new OperatorAdmin(deps.people);
  const tz = deps.timeZone;

  const form = async (data: Record<string, unknown>, passwordRequired: boolean): Promise<UserForm> => {
    const username = required(data, 'login_user', 64);
    if (!USERNAME_PATTERN.test(username))
      throw new Seed004Error(Code.badForm, `form 验证错误 (login_user: ${USERNAME_RULE})`);
    const password = passwordRequired ? required(data, 'password', 200) : optional(data, 'password', 200);
    if (password !== undefined && passwordProblem(password))
      throw new Seed004Error(Code.notYourself, PASSWORD_RULE_MSG);
    const role = await roles.byNumber(numberOf(text(data.role_id), 'role_id'));
    if (!role) throw new Seed004Error(Code.noSuchId, '对应ID不存在 (no such role_id)');
    const companyId = numberOf(text(data.company_id), 'company_id');
    const company = companyId === 0 ? undefined : await companies.byNumber(companyId);
    if (companyId !== 0 && !company) throw new Seed004Error(Code.noSuchId, '对应ID不存在 (no such company_id)');
    const displayName = optional(data, 'username', 64);
    const position = optional(data, 'position', 64);
    return {
      username,
      ...(password === undefined ? {} : { password }),
      roleId: role.id,
      owner: company?.owner,
      ...(displayName ? { displayName } : {}),
      ...(position ? { position } : {}),
    };
  };

  /** Only what differs: an unchanged role or company must not sign the user out. */
  const patchOf = (target: OperatorView, f: UserForm): OperatorPatch => ({
    ...(f.username !== target.username ? { username: f.username } : {}),
    ...(f.displayName !== undefined && f.displayName !== target.displayName ? { displayName: f.displayName } : {}),
    ...(f.position !== undefined && f.position !== target.position ? { position: f.position } : {}),
    ...(f.roleId !== target.roleId ? { roleId: f.roleId } : {}),
    ...(f.owner !== target.owner ? { owner: f.owner ?? null } : {}),
  });

  const managedUser = async (principal: Principal, id: string) =>
    admin.managed(principal, await userOf(operators, id)).catch(seedRefusal);

  return [
    {
      method: 'get',
      path: '/admin_userprofile',
      permission: 'operators.manage',
      handle: async ({ principal }) => {
        const list = (await operators.list({ owner: ownerFilter(principal) })).sort((a, b) => b.number - a.number);
        const roleList = new Map((await roles.list()).map((r) => [r.id, r]));
        const rows = [];
        for (const o of list) {
          const company = o.owner === undefined ? undefined : await companies.ofOwner(o.owner);
          const role = roleList.get(o.roleId);
          rows.push({
            id: o.number,
            avatar: '',
            username: o.displayName,
            login_user: o.username,
            position: o.position ?? '',
            company_name: company?.name ?? '',
            company_id: company?.number ?? 0,
            role_id: role?.number ?? 0,
            role_name: role?.name ?? '',
            status: o.enabled ? 1 : 2,
            status_text: o.enabled ? '启用' : '未启用',
            create_date: seedDate(o.createdAt, tz),
            last_login_date: seedDate(o.lastLoginAt, tz),
          });
        }
        return answer(Code.ok, '查询成功', { ret_data: rows, data_count: rows.length });
      },
    },
    {
      method: 'post',
      path: '/admin_userprofile/add/:id',
      permission: 'operators.manage',
      handle: async ({ data, principal }) => {
        const f = await form(data, true);
        // The initial password is the caller's choice: the user changes it at first login.
        const { owner, ...rest } = f;
        await admin
          .create(principal, { ...rest, ...(owner === undefined ? {} : { owner }), mustChangePassword: true })
          .catch(seedRefusal);
        return answer(Code.ok, '增加成功');
      },
    },
    {
      method: 'post',
      path: '/admin_userprofile/update/:id',
      permission: 'operators.manage',
      handle: async ({ data, principal, id }) => {
        const target = await managedUser(principal, id);
        const f = await form(data, false);
        if (f.password !== undefined && principal.operator?.id === target.id)
          throw new Seed004Error(Code.notYourself, '不允许修改自己的密码 (change your own with modify_password)');
        const patch = patchOf(target, f);
        if (Object.keys(patch).length > 0) await admin.update(principal, target, patch).catch(seedRefusal);
        // A new password is set as a reset: the user changes it at the next login.
        if (f.password !== undefined) await admin.resetPassword(principal, target, f.password).catch(seedRefusal);
        return answer(Code.ok, '修改成功');
      },
    },
    {
      method: 'post',
      path: '/admin_userprofile/delete/:id',
      permission: 'operators.manage',
      handle: async ({ principal, id }) => {
        await admin.remove(principal, await managedUser(principal, id)).catch(seedRefusal);
        return answer(Code.ok, '删除成功');
      },
    },
  ];
}
