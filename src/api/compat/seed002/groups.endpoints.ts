import { z } from 'zod';
import { dayText, isCalendarDay, wallText, wallTime } from '../../../lib/wall-clock';
import { isCancelReason, type CancelReason } from '../../../owners';
import { notFound, ok } from './envelope';
import { groupOf, groupsOf } from './owner-groups';
import { ALL_RECORDS_CAP, blankIsAbsent, pageFields, pageOfList } from './paging';
import { endpoint, type EndpointFactory } from './router';
import { groupId, ownerText } from './schemas';

/**
 * Seed 002 groups: 用户群列表, 用户是否有群主群, 群主群列表, 群主群数据 (one day's counters per
 * group), 修改机器人在群内昵称, 批量注销群. A group's code and id are its room id; a group is an
 * owner's when they invited its robot into it (src/owners).
 */
export const groupEndpoints: EndpointFactory = (deps) => {
  const rt = deps.runtime;
  const day = (at: Date) => dayText(wallTime(at, deps.timeZone));
  const today = () => day(new Date(rt.clock.now()));
  return [
    endpoint({
      method: 'get',
      path: '/groups',
      caller: 'owner',
      query: z.object({
        // 1 已同步: the robot is in the group now; 0 待同步: it is not (left, removed, not synced back).
        status: z.preprocess(blankIsAbsent, z.coerce.number().int().min(0).max(1).optional()),
        ...pageFields,
      }),
      handle: async ({ owner, query }) => {
        const all = (await groupsOf(deps, owner)).filter(
          ({ room }) => query.status === undefined || room.present === (query.status === 1),
        );
        const { items, info } = pageOfList(all, query.current_page, query.page_size);
        const robots = new Map((await rt.robots.list({ owner: deps.tenant })).map((r) => [r.id, r]));
        return ok(
          items.map(({ group, room }) => ({
            code: room.id,
            name: room.topic,
            ...(room.starLevel !== undefined ? { quality_level: room.starLevel } : {}),
            robot_name: room.robotNickname ?? robots.get(room.robotId)?.wxName ?? '',
            launch_switch: room.launch ? 1 : 0,
            create_date: day(group.since),
            // New on the day the robot joined, old from the next day on.
            old_group: day(group.since) < today() ? 1 : 0,
          })),
          info,
        );
      },
    }),
    endpoint({
      method: 'get',
      path: '/owner/group/verify',
      caller: 'owner',
      handle: async ({ owner }) => ok((await deps.groupOwners.groups.activeOf(owner.userId, 1)).length > 0),
    }),
    endpoint({
      method: 'get',
      path: '/owner/groups',
      caller: 'owner',
      query: z.object({
        current_page: pageFields.current_page,
        // -1: everything (up to ALL_RECORDS_CAP) on one page.
        page_size: z.preprocess(
          blankIsAbsent,
          z.coerce
            .number()
            .int()
            .refine((n) => n === -1 || (n >= 1 && n <= 100), '1..100, or -1 for all')
            .default(20),
        ),
      }),
      handle: async ({ owner, query }) => {
        const all = await groupsOf(deps, owner);
        const all1 = query.page_size === -1;
        const size = all1 ? Math.max(1, Math.min(all.length, ALL_RECORDS_CAP)) : query.page_size;
        const page = all1 ? 0 : query.current_page;
        const { items, info } = pageOfList(all, page, size);
        return ok(
          items.map(({ group, room }) => ({
            id: room.id,
            code: room.id,
            name: room.topic,
            launch_switch: room.launch ? 1 : 0,
            create_date: wallText(group.since, deps.timeZone),
          })),
          info,
        );
      },
    }),
    endpoint({
      method: 'get',
      path: '/groups/statistics',
      caller: 'owner',
      query: z.object({
        ...pageFields,
        // Not in the seed: another day than today (YYYY-MM-DD in the configured time zone).
        date: z.preprocess(blankIsAbsent, z.string().refine(isCalendarDay, 'a calendar day YYYY-MM-DD').optional()),
      }),
      handle: async ({ owner, query }) => {
        const all = await groupsOf(deps, owner);
        const { items, info } = pageOfList(all, query.current_page, query.page_size);
        await deps.stats.recorder.flush();
        const days = await deps.stats.service.dayOf(
          items.map(({ room }) => room.id),
          query.date ?? today(),
        );
        return ok(
          items.map(({ room }) => {
            const d = days.get(room.id);
            return {
              group_id: room.id,
              group_name: room.topic,
              group_mem_counts: d?.members ?? room.memberCount,
              join_group_counts: d?.joins ?? 0,
              exit_group_counts: d?.exits ?? 0,
              speaker_counts: d?.speakers ?? 0,
            };
          }),
          info,
        );
      },
    }),
    endpoint({
      method: 'post',
      path: '/groups/:group_id/robot_name',
      caller: 'owner',
      body: z.object({ remark_name: ownerText(64) }),
      handle: async ({ owner, params, body }) => {
        const { room } = await groupOf(deps, owner, params.group_id ?? '');
        await deps.screen?.(deps.tenant, [{ path: 'remark_name', text: body.remark_name }]);
        await rt.rooms.update(room.id, { robotNickname: body.remark_name });
        return ok('SUCCESS');
      },
    }),
    endpoint({
      method: 'post',
      path: '/groups/delete',
      caller: 'platform',
      body: z.object({
        group_ids: z.array(groupId).min(1).max(ALL_RECORDS_CAP),
        cancel_reason: z
          .number()
          .int()
          .refine(isCancelReason, '1 违法, 2 投放质量差, 3 机器人被T, 4 系统注销, 5 低星级超过限制, 6 机器人封号')
          .default(4),
      }),
      handle: async ({ body }) => {
        const robots = new Set((await rt.robots.list({ owner: deps.tenant })).map((r) => r.id));
        // All or none: every id must be an active group of the platform's robots.
        const unknown: string[] = [];
        for (const id of new Set(body.group_ids)) {
          const g = await deps.groupOwners.groups.get(id);
          if (!g || g.cancelledAt || !robots.has(g.robotId)) unknown.push(id);
        }
        if (unknown.length > 0) throw notFound(`群 ${unknown.slice(0, 10).join(', ')} `);
        await deps.groupOwners.cancel(body.group_ids, body.cancel_reason as CancelReason, (g) => robots.has(g.robotId));
        return ok('');
      },
    }),
  ];
};
