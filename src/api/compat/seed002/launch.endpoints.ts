import { z } from 'zod';
import { wallText } from '../../../lib/wall-clock';
import { LaunchItemsError } from '../../../launch';
import { broadcastCall } from '../../v1/broadcast-errors';
import { badRequest, notFound, ok } from './envelope';
import { groupOf, groupsOf } from './owner-groups';
import { blankIsAbsent, pageFields, pageInfo } from './paging';
import { endpoint, type EndpointFactory } from './router';
import { groupId } from './schemas';

const nullableText = (max: number) => z.string().max(max).nullish();

/**
 * Seed 002 launch (投放): the group owner's switch (设置投放开关, with history), their launch history
 * (投放历史, 投放历史详情), and the delivery system's 群投放 (POST /task/receive, with an API key of the
 * platform's owner: give the delivery system its own): delivered once per taskId to the listed
 * groups whose switch is on, through the broadcast machinery; the others are reported in `data`.
 */
export const launchEndpoints: EndpointFactory = (deps) => [
  endpoint({
    method: 'put',
    path: '/launch/switch',
    caller: 'owner',
    body: z.object({ code: groupId, rcv_task_flag: z.union([z.literal(0), z.literal(1)]) }),
    handle: async ({ owner, body }) => {
      const { room } = await groupOf(deps, owner, body.code);
      await deps.launch.setSwitch(room.id, body.rcv_task_flag === 1, `group-owner:${owner.userId}`);
      return ok(body.rcv_task_flag);
    },
  }),
  endpoint({
    method: 'get',
    path: '/launch/switch',
    caller: 'owner',
    query: z.object(pageFields),
    handle: async ({ owner, query }) => {
      const mine = (await groupsOf(deps, owner)).map(({ room }) => room.id);
      const { items, total } = await deps.launch.ofRooms(deps.tenant, mine, {
        page: query.current_page,
        size: query.page_size,
      });
      const set = new Set(mine);
      return ok(
        await Promise.all(
          items.map(async (t) => ({
            task_id: t.taskId,
            send_date: wallText(t.receivedAt, deps.timeZone),
            group_count: t.roomIds.filter((id) => set.has(id)).length,
            send_flag: (await deps.launch.sent(t)) ? 1 : 0,
          })),
        ),
        pageInfo(query.current_page, query.page_size, total),
      );
    },
  }),
  endpoint({
    method: 'get',
    path: '/launch/history/detail',
    caller: 'owner',
    query: z.object({ task_id: z.preprocess(blankIsAbsent, z.string().min(1).max(128)) }),
    handle: async ({ owner, query }) => {
      const task = await deps.launch.get(deps.tenant, query.task_id);
      const mine = new Set((await groupsOf(deps, owner)).map(({ room }) => room.id));
      const groups = task?.roomIds.filter((id) => mine.has(id)) ?? [];
      if (!task || groups.length === 0) throw notFound('投放');
      return ok({
        groups,
        materials: task.items.map((i) => ({
          url: i.url ?? null,
          type: i.type,
          title: i.title ?? null,
          content: i.content ?? '',
          filePath: i.filePath ?? null,
        })),
        send_date: wallText(task.receivedAt, deps.timeZone),
      });
    },
  }),
  endpoint({
    method: 'post',
    path: '/task/receive',
    caller: 'platform',
    body: z.object({
      taskId: z.string().trim().min(1).max(128),
      groupIds: z.array(z.string().min(1).max(64)).min(1).max(5000),
      content: z.object({
        items: z
          .array(
            z.object({
              type: z.number().int(),
              title: nullableText(200),
              content: nullableText(4000),
              filePath: nullableText(2000),
              url: nullableText(2000),
            }),
          )
          .min(1)
          .max(10),
      }),
    }),
    handle: async ({ body, caller }) => {
      const miniProgram = deps.miniPrograms.get(caller.keyId) ?? deps.miniPrograms.get('*');
      // Only groups an owner holds now take tasks (a cancelled one the robot could not leave does not).
      const owned = await deps.groupOwners.groups.activeAmong(body.groupIds);
      await deps.screen?.(
        deps.tenant,
        body.content.items.flatMap((i, n) =>
          [
            ['title', i.title],
            ['content', i.content],
          ].flatMap(([f, text]) => (text ? [{ path: `content.items.${n}.${f}`, text }] : [])),
        ),
      );
      try {
        // A broadcast refusal (too many active broadcasts, too many rooms) is a 1403 with its reason.
        const { task, duplicate } = await broadcastCall(() =>
          deps.launch.receive(
            deps.tenant,
            { taskId: body.taskId, groupIds: body.groupIds, items: body.content.items },
            { miniProgram, source: `api-key:${caller.keyId}`, eligible: (id) => owned.has(id) },
          ),
        );
        // Not in the seed (its data is null): which groups take the task and why the others do not.
        return ok({ task_id: task.taskId, duplicate, accepted: task.roomIds, refused: task.refused });
      } catch (err) {
        if (err instanceof LaunchItemsError)
          throw badRequest(
            'items that cannot be sent; nothing was received',
            err.problems.map((p) => ({ path: `content.items.${p.index}.${p.field}`, message: p.message })),
          );
        throw err;
      }
    },
  }),
];
