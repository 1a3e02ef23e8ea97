import { ItemRefused, type ItemRefusal } from '../../../auth/permission-items.service';
import type { RoleView } from '../../../auth/role.service';
import type { Permission } from '../../../http/permissions';
import { ungranted, type Principal } from '../../../http/principal';
import { seedDate } from './account.endpoints';
import { answer, Code, illegal, Seed004Error } from './envelope';
import { numberOf, seedRefusal, text } from './refusals';
import { listField } from './request';
import type { Seed004Deps, Seed004Endpoint } from './router';

const ITEM_REFUSALS: Record<ItemRefusal, [number, string]> = {
  no_parent: [Code.noSuchId, '对应ID不存在 (no such parent item)'],
  key_taken: [Code.badForm, 'form 验证错误 (url_path 已存在: that url_path is taken)'],
  built_in: [
    Code.badForm,
    'form 验证错误 (内置权限条目的 url_path 和父级不可修改, 不可删除: a built-in item keeps its url_path and parent)',
  ],
  has_children: [Code.hasChildren, '含有子级数据,请先删除或转移子级数据'],
  not_found: [Code.noSuchId, '对应ID不存在'],
};

/** The seed's code for a refusal of the item or role services. */
function refused(err: unknown): never {
  if (err instanceof ItemRefused) {
    const [code, msg] = ITEM_REFUSALS[err.reason];
    throw new Seed004Error(code as never, msg);
  }
  return seedRefusal(err);
}

/** Nobody hands out permissions they do not hold (qunbot's own keys; a client's own items are free). */
function checkGrant(p: Principal, keys: readonly string[]): void {
  const missing = ungranted(p, keys);
  if (missing.length) throw illegal(`you do not hold ${missing.join(', ')}`);
}

/** The permission tree and roles are shared by every owner: only operators of every owner change them. */
function onlyEveryOwner(p: Principal): void {
  if (!p.admin) throw illegal('permission items and roles are managed by operators of every owner');
}

/** Seed 004 3.1-3.4 permission items and 4.1-4.4 roles. */
export function roleEndpoints(deps: Seed004Deps): Seed004Endpoint[] {
  const { roles, items, auth } = deps.people;
  const tz = deps.timeZone;

  const itemInput = (data: Record<string, unknown>) => {
    const name = text(data.name);
    const key = text(data.url_path);
    if (!name || !key || name.length > 64 || key.length > 100)
      throw new Seed004Error(Code.badForm, 'form 验证错误 (name and url_path are required)');
    const parent = text(data.super_id_id);
    return { name, key, ...(parent ? { parent: numberOf(parent, 'super_id_id') } : {}) };
  };

  const roleInput = async (data: Record<string, unknown>, principal: Principal) => {
    const name = text(data.name);
    if (!name || name.length > 64) throw new Seed004Error(Code.badForm, 'form 验证错误 (name is required)');
    const list = listField(data.rules_list ?? '[]');
    if (!list) throw new Seed004Error(Code.badType, '数据类型验证失败 (rules_list: a JSON list of item ids)');
    const keys = await items.keysOf(list.map((n) => numberOf(n, 'rules_list')));
    if (!keys) throw new Seed004Error(Code.noSuchId, '对应ID不存在 (rules_list names an unknown item)');
    checkGrant(principal, keys);
    return { name, permissions: keys as Permission[] };
  };

  const roleRow = (role: RoleView, all: Awaited<ReturnType<typeof items.list>>) => {
    const held = new Set<string>(role.permissions);
    const parents = all.filter((i) => i.parent === undefined).sort((a, b) => a.number - b.number);
    return {
      role_id: role.number,
      role_name: role.name,
      rules_data: parents.map((p) => ({
        parent_rule_id: p.number,
        parent_rule_name: p.name,
        selected: role.builtIn || held.has(p.key),
        children_rule_list: all
          .filter((c) => c.parent === p.number)
          .sort((a, b) => a.number - b.number)
          .map((c) => ({
            children_rule_id: c.number,
            children_rule_name: c.name,
            selected: role.builtIn || held.has(c.key),
          })),
      })),
      create_date: seedDate(role.createdAt, tz),
    };
  };

  const byNumber = async (id: string) => {
    const role = await roles.byNumber(numberOf(id, 'id'));
    if (!role) throw new Seed004Error(Code.noSuchId, '对应ID不存在');
    return role;
  };

  return [
    {
      method: 'get',
      path: '/access_rules',
      handle: async ({ ctx }) => {
        const parentsOnly = /^(true|1)$/i.test(String(ctx.query.super_id_id__isnull ?? ''));
        const all = await items.list();
        const names = new Map(all.map((i) => [i.number, i.name]));
        const shown = parentsOnly ? all.filter((i) => i.parent === undefined) : all;
        return answer(Code.ok, '查询成功', {
          ret_data: shown.map((i) => ({
            id: i.number,
            name: i.name,
            url_path: i.key,
            super_id: i.parent ?? null,
            super_name: i.parent === undefined ? '' : (names.get(i.parent) ?? ''),
            create_date: seedDate(i.createdAt, tz),
          })),
          data_count: shown.length,
        });
      },
    },
    {
      method: 'post',
      path: '/access_rules/add/:id',
      permission: 'roles.manage',
      handle: async ({ data, principal }) => {
        onlyEveryOwner(principal);
        await items.add(itemInput(data)).catch(refused);
        return answer(Code.ok, '增加成功');
      },
    },
    {
      method: 'post',
      path: '/access_rules/update/:id',
      permission: 'roles.manage',
      handle: async ({ data, id, principal }) => {
        onlyEveryOwner(principal);
        await items.update(numberOf(id, 'id'), itemInput(data)).catch(refused);
        return answer(Code.ok, '修改成功');
      },
    },
    {
      method: 'post',
      path: '/access_rules/delete/:id',
      permission: 'roles.manage',
      handle: async ({ id, principal }) => {
        onlyEveryOwner(principal);
        await items.delete(numberOf(id, 'id')).catch(refused);
        return answer(Code.ok, '删除成功');
      },
    },
    {
      method: 'get',
      path: '/admin_role',
      handle: async () => {
        const all = await items.list();
        const list = (await roles.list()).sort((a, b) => b.number - a.number);
        return answer(Code.ok, '查询成功', { ret_data: list.map((r) => roleRow(r, all)), data_count: list.length });
      },
    },
    {
      method: 'post',
      path: '/admin_role/add/:id',
      permission: 'roles.manage',
      handle: async ({ data, principal }) => {
        onlyEveryOwner(principal);
        await roles.create(await roleInput(data, principal)).catch(refused);
        return answer(Code.ok, '增加成功');
      },
    },
    {
      method: 'post',
      path: '/admin_role/update/:id',
      permission: 'roles.manage',
      handle: async ({ data, id, principal }) => {
        onlyEveryOwner(principal);
        const role = await byNumber(id);
        checkGrant(principal, role.permissions);
        await roles.update(role.id, await roleInput(data, principal)).catch(refused);
        auth.changed();
        return answer(Code.ok, '修改成功');
      },
    },
    {
      method: 'post',
      path: '/admin_role/delete/:id',
      permission: 'roles.manage',
      handle: async ({ id, principal }) => {
        onlyEveryOwner(principal);
        const role = await byNumber(id);
        checkGrant(principal, role.permissions);
        await roles.delete(role.id).catch(refused);
        return answer(Code.ok, '删除成功');
      },
    },
  ];
}
