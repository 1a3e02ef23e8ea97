import { canSee } from '../../../http/access';
import type { Principal } from '../../../http/principal';
import type { ScriptGroup } from '../../../scripts/scripts.service';
import { seedDate } from './account.endpoints';
import { answer, Code, Seed004Error } from './envelope';
import { numberOf, optional, required, seedRefusal, text } from './refusals';
import type { Seed004Deps, Seed004Endpoint } from './router';

const noSuchId = (what: string) => new Seed004Error(Code.noSuchId, `对应ID不存在 (no such ${what})`);

/**
 * Seed 004 17.1-17.8 reply scripts (话术) over qunbot's script service (the native
 * /api/v1/script-groups): a group belongs to a company (an owner) and names the person it is for
 * (`userProfile`); items hold `contentWords` and count their sends (`sendNum`, grown by
 * POST /api/v1/script-items/{id}/send). Operators see their own company's; those of every owner
 * see all and name the company (`companyName`) when adding a group. The lists carry `id` (and
 * items `talkGroupId`), which the seed's lists lack, so clients can update and delete.
 */
export function scriptEndpoints(deps: Seed004Deps): Seed004Endpoint[] {
  const { scripts } = deps;
  const { companies } = deps.people;
  const tz = deps.timeZone;
  const scope = (p: Principal) => (p.admin ? undefined : p.owner);

  /** The owner a new group is for: the caller's own; an operator of every owner names the company. */
  const ownerFor = async (p: Principal, companyName: string | undefined): Promise<string> => {
    if (companyName !== undefined) {
      const company = await companies.byName(companyName);
      if (!company || !canSee(p, company.owner)) throw noSuchId('company (companyName)');
      return company.owner;
    }
    if (p.owner !== undefined) return p.owner;
    throw new Seed004Error(Code.badForm, 'form 验证错误 (companyName: which company the group is for)');
  };

  const visibleGroup = async (p: Principal, id: string): Promise<ScriptGroup> => {
    const group = await scripts.groupByNumber(numberOf(id, 'o_id'));
    if (!group || !canSee(p, group.owner)) throw noSuchId('group');
    return group;
  };

  /** The group an item names: `talkGroupId` when sent (a qunbot addition), else by `talkGroupName`. */
  const namedGroup = async (p: Principal, data: Record<string, unknown>): Promise<ScriptGroup> => {
    const byId = text(data.talkGroupId);
    if (byId) return visibleGroup(p, byId);
    const name = required(data, 'talkGroupName', 64);
    const found = await scripts.groupsNamed(name, scope(p));
    if (found.length > 1)
      throw new Seed004Error(
        Code.badForm,
        'form 验证错误 (talkGroupName: several companies have a group of that name; send talkGroupId)',
      );
    if (!found[0]) throw noSuchId('group (talkGroupName)');
    return found[0];
  };

  const visibleItem = async (p: Principal, id: string) => {
    const item = await scripts.itemByNumber(numberOf(id, 'o_id'));
    if (!item || !canSee(p, item.owner)) throw noSuchId('script');
    return item;
  };

  const companyNames = async (owners: Iterable<string>) => {
    const names = new Map<string, string>();
    for (const owner of new Set(owners)) names.set(owner, (await companies.ofOwner(owner)).name);
    return names;
  };

  return [
    {
      method: 'post',
      path: '/talkGroupManageOper/add/:id',
      permission: 'scripts.write',
      handle: async ({ data, principal, operator }) => {
        const name = required(data, 'groupName', 64);
        const assignee = required(data, 'userProfile', 64);
        const owner = await ownerFor(principal, optional(data, 'companyName', 100));
        await scripts.createGroup({ owner, name, assignee, createdBy: operator.username }).catch(seedRefusal);
        return answer(Code.ok, '添加成功');
      },
    },
    {
      method: 'post',
      path: '/talkGroupManageOper/update/:id',
      permission: 'scripts.write',
      handle: async ({ data, principal, id }) => {
        const group = await visibleGroup(principal, id);
        const name = optional(data, 'groupName', 64);
        const assignee = optional(data, 'userProfile', 64);
        const companyName = optional(data, 'companyName', 100);
        if (companyName !== undefined && (await companies.ofOwner(group.owner)).name !== companyName)
          throw new Seed004Error(Code.badForm, 'form 验证错误 (companyName: a group stays with its company)');
        await scripts
          .updateGroup(group.id, { ...(name ? { name } : {}), ...(assignee ? { assignee } : {}) })
          .catch(seedRefusal);
        return answer(Code.ok, '修改成功');
      },
    },
    {
      method: 'get',
      path: '/talkGroupManageOper/delete/:id',
      permission: 'scripts.write',
      changes: true,
      handle: async ({ principal, id }) => {
        await scripts.deleteGroup((await visibleGroup(principal, id)).id);
        return answer(Code.ok, '删除成功');
      },
    },
    {
      method: 'get',
      path: '/talkGroupManageShow',
      permission: 'scripts.read',
      handle: async ({ principal }) => {
        await scripts.numberAll(scope(principal));
        const groups = await scripts.groups(scope(principal));
        const names = await companyNames(groups.map((g) => g.owner));
        return answer(Code.ok, '查询成功', {
          otherList: groups
            .slice()
            .reverse()
            .map((g) => ({
              id: g.number,
              groupName: g.name,
              userProfile: g.assignee ?? g.createdBy ?? '',
              companyName: names.get(g.owner) ?? '',
              itemCount: g.itemCount,
              createDate: seedDate(g.createdAt, tz),
            })),
          objsCount: groups.length,
        });
      },
    },
    {
      method: 'post',
      path: '/speechDetailsManageOper/add/:id',
      permission: 'scripts.write',
      handle: async ({ data, principal }) => {
        const words = required(data, 'contentWords', 2000);
        const group = await namedGroup(principal, data);
        await deps.screen?.(group.owner, [{ path: 'contentWords', text: words }]).catch(seedRefusal);
        await scripts.addItem(group, { text: words });
        return answer(Code.ok, '添加成功');
      },
    },
    {
      method: 'post',
      path: '/speechDetailsManageOper/update/:id',
      permission: 'scripts.write',
      handle: async ({ data, principal, id }) => {
        const item = await visibleItem(principal, id);
        const words = required(data, 'contentWords', 2000);
        const group = await namedGroup(principal, data);
        if (group.owner !== item.owner) throw noSuchId('group (talkGroupName) of the script’s company');
        await deps.screen?.(item.owner, [{ path: 'contentWords', text: words }]).catch(seedRefusal);
        await scripts
          .updateItem(item.id, { text: words, ...(group.id === item.groupId ? {} : { group }) })
          .catch(seedRefusal);
        return answer(Code.ok, '修改成功');
      },
    },
    {
      method: 'get',
      path: '/speechDetailsManageOper/delete/:id',
      permission: 'scripts.write',
      changes: true,
      handle: async ({ principal, id }) => {
        await scripts.deleteItem((await visibleItem(principal, id)).id);
        return answer(Code.ok, '删除成功');
      },
    },
    {
      method: 'get',
      path: '/speechDetailsManageShow',
      permission: 'scripts.read',
      handle: async ({ ctx, principal }) => {
        await scripts.numberAll(scope(principal));
        const only = typeof ctx.query.talkGroupId === 'string' ? ctx.query.talkGroupId : undefined;
        const group = only === undefined ? undefined : await visibleGroup(principal, only);
        const items = await scripts.allItems(scope(principal), group?.id);
        const groups = new Map((await scripts.groups(scope(principal))).map((g) => [g.id, g]));
        return answer(Code.ok, '查询成功', {
          otherList: items.map((i) => ({
            id: i.number,
            contentWords: i.text,
            sendNum: i.sendCount,
            talkGroupName: groups.get(i.groupId)?.name ?? '',
            talkGroupId: groups.get(i.groupId)?.number ?? 0,
            createDate: seedDate(i.createdAt, tz),
          })),
          objsCount: items.length,
        });
      },
    },
  ];
}
