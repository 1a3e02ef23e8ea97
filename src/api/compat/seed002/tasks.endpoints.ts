import { z } from 'zod';
import type { OutboundContent } from '../../../bot/content';
import { BroadcastError, type BroadcastView } from '../../../broadcasts';
import { materialsOf } from '../../../launch';
import { instantOf, wallText } from '../../../lib/wall-clock';
import type { GroupOwnerView } from '../../../owners';
import { badRequest, notFound, ok } from './envelope';
import { groupsOf } from './owner-groups';
import type { OwnerTask, OwnerTasks } from './owner-tasks.service';
import { endpoint, type Seed002Deps } from './router';
import { groupId } from './schemas';

/** An owner may have this many group messages waiting to go out (they count against the tenant's broadcasts). */
export const MAX_PENDING_TASKS = 50;
/** A group message goes out within this many days. */
export const MAX_DAYS_AHEAD = 90;

/** A send date without a time goes out at this wall-clock time (the seed gives only YYYY-MM-D). */
export const DEFAULT_SEND_TIME = { hour: 10, minute: 0 };
const DAY_MS = 86_400_000;

/** `YYYY-M-D` (the seed's YYYY-MM-D), optionally with ` HH:mm`, in the configured zone. */
const SEND_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$/;

function sendAtOf(text: string, timeZone: string): Date | null {
  const m = SEND_DATE.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = m[4] === undefined ? DEFAULT_SEND_TIME.hour : Number(m[4]);
  const minute = m[5] === undefined ? DEFAULT_SEND_TIME.minute : Number(m[5]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return new Date(instantOf({ year, month, day, hour, minute }, timeZone));
}

const messageBody = z.object({
  type: z.number().int(),
  content: z.string().max(4000).nullish(),
  title: z.string().max(200).nullish(),
  desc: z.string().max(500).nullish(),
  url: z.string().max(2000).nullish(),
});

/** The seed's message as sends: 1 text (content), 2 image (url), 3 link (title, url, desc). */
function materialOf(m: z.infer<typeof messageBody>): OutboundContent[] {
  const item =
    m.type === 2
      ? { type: 2, filePath: m.url ?? null }
      : m.type === 3
        ? { type: 3, title: m.title ?? null, url: m.url ?? null, content: m.desc ?? null }
        : { type: m.type === 1 ? 1 : 0, content: m.content ?? null };
  const { materials, problems } = materialsOf([item], undefined);
  if (problems.length > 0)
    throw badRequest(
      'the message cannot be sent',
      problems.map((p) => ({
        path: `message.${p.field === 'filePath' ? 'url' : p.field === 'content' && m.type === 3 ? 'desc' : p.field}`,
        message: p.message.replace('filePath', 'url'),
      })),
    );
  return materials;
}

/** The seed's view of a sent item. */
function messageView(c: OutboundContent) {
  if (c.type === 'text') return { type: 1, content: c.text, title: '', desc: '', url: '' };
  if (c.type === 'image') return { type: 2, content: '', title: '', desc: '', url: c.url };
  if (c.type === 'link') return { type: 3, content: '', title: c.title, desc: c.description ?? '', url: c.url };
  return { type: 4, content: '', title: c.title, desc: c.description ?? '', url: c.pagePath ?? '' };
}

/**
 * Seed 002 群发 (a group owner's scheduled group message) on broadcasts: PUT /tasks/:task_id
 * makes the task (the client names it) or changes it before it goes out, GET shows it, GET
 * /tasks/messages lists the next or the past week, DELETE recalls it (nothing sent: dropped).
 */
export const taskEndpoints = (tasks: OwnerTasks) => (deps: Seed002Deps) => {
  const { broadcasts } = deps;

  /** The owner's task and its broadcast; another owner's or an unknown one is 1404 alike. */
  const taskOf = async (owner: GroupOwnerView, taskId: string): Promise<{ task: OwnerTask; b: BroadcastView }> => {
    const task = await tasks.get(owner.userId, taskId);
    const b = task?.broadcastId ? await broadcasts.service.get(task.broadcastId) : null;
    if (!task || !b) throw notFound('群发消息');
    return { task, b };
  };

  const refusal = (err: unknown): never => {
    // The broadcast was deleted under the task (an operator): the task is gone too.
    if (err instanceof BroadcastError && err.kind === 'not_found') throw notFound('群发消息');
    if (err instanceof BroadcastError)
      throw badRequest(err.message, [
        { path: err.code === 'schedule_in_past' ? 'send_date' : 'message', message: err.message },
      ]);
    throw err;
  };

  const detail = async (owner: GroupOwnerView, task: OwnerTask, b: BroadcastView) => {
    const mine = new Map((await groupsOf(deps, owner)).map(({ room }) => [room.id, room.topic]));
    const ids = b.targets.mode === 'rooms' ? b.targets.roomIds : [];
    return {
      task_id: task.taskId,
      groups_info: ids.map((id) => ({ id, name: mine.get(id) ?? '' })),
      content: b.materials.map(messageView),
      send_date: wallText(task.sendAt, deps.timeZone),
      // Not in the seed: where the task stands.
      status: task.recalledAt ? 'recalled' : b.executed > 0 ? 'sent' : 'scheduled',
    };
  };

  return [
    endpoint({
      method: 'get',
      path: '/tasks/messages',
      caller: 'owner',
      query: z.object({ direction: z.enum(['up', 'down']) }),
      handle: async ({ owner, query }) => {
        const now = deps.runtime.clock.now();
        const [from, to] = query.direction === 'up' ? [now, now + 7 * DAY_MS] : [now - 7 * DAY_MS, now];
        const found = await tasks.between(owner.userId, new Date(from), new Date(to));
        const out = [];
        for (const task of found) {
          const b = task.broadcastId ? await broadcasts.service.get(task.broadcastId) : null;
          if (b) out.push(await detail(owner, task, b));
        }
        return ok(out);
      },
    }),
    endpoint({
      method: 'get',
      path: '/tasks/:task_id',
      caller: 'owner',
      handle: async ({ owner, params }) => {
        const { task, b } = await taskOf(owner, params.task_id ?? '');
        return ok(await detail(owner, task, b));
      },
    }),
    endpoint({
      method: 'get',
      path: '/tasks/:task_id/message',
      caller: 'owner',
      handle: async ({ owner, params }) => {
        const { task, b } = await taskOf(owner, params.task_id ?? '');
        const { groups_info, content, send_date } = await detail(owner, task, b);
        return ok({ groups_info, content, send_date });
      },
    }),
    endpoint({
      method: 'put',
      path: '/tasks/:task_id',
      caller: 'owner',
      body: z.object({
        message: messageBody,
        group_ids: z.array(groupId).min(1).max(1000),
        send_date: z.string().max(32),
      }),
      handle: async ({ owner, params, body }) => {
        const taskId = params.task_id ?? '';
        if (!/^[\w-]{1,64}$/.test(taskId))
          throw badRequest('task_id: letters, digits, _ and - (1-64)', [{ path: 'task_id', message: 'bad id' }]);
        const sendAt = sendAtOf(body.send_date, deps.timeZone);
        if (!sendAt)
          throw badRequest('send_date must be a date YYYY-MM-DD (optionally HH:mm)', [
            { path: 'send_date', message: 'not a date' },
          ]);
        if (sendAt.getTime() > deps.runtime.clock.now() + MAX_DAYS_AHEAD * DAY_MS)
          throw badRequest(`send_date must be within ${MAX_DAYS_AHEAD} days`, [
            { path: 'send_date', message: 'too far ahead' },
          ]);
        const mine = new Set((await groupsOf(deps, owner)).map(({ room }) => room.id));
        const roomIds = [...new Set(body.group_ids.map((g) => g.toLowerCase()))];
        const foreign = roomIds.filter((id) => !mine.has(id));
        if (foreign.length > 0)
          throw badRequest(
            'group_ids names groups that are not yours',
            foreign.map((id) => ({ path: 'group_ids', message: `${id} is not one of your groups` })),
          );
        const materials = materialOf(body.message);
        const m = body.message;
        await deps.screen?.(
          deps.tenant,
          [
            ['message.content', m.content],
            ['message.title', m.title],
            ['message.desc', m.desc],
          ].flatMap(([path, text]) => (text ? [{ path: path as string, text: text as string }] : [])),
        );
        const input = {
          owner: deps.tenant,
          name: `群发 ${taskId}`,
          materials,
          targets: { mode: 'rooms' as const, roomIds },
          schedule: { kind: 'once' as const, at: sendAt },
          source: `seed002-task:${owner.userId}`,
        };
        // The task as stored now, or made (recorded first, its broadcast attached after).
        let existing = await tasks.get(owner.userId, taskId);
        if (!existing) {
          const now = new Date(deps.runtime.clock.now());
          if ((await tasks.pending(owner.userId, now)) >= MAX_PENDING_TASKS)
            throw badRequest(`at most ${MAX_PENDING_TASKS} group messages waiting to go out`, [
              { path: 'task_id', message: 'too many waiting' },
            ]);
          if (!(await tasks.add(owner.userId, taskId, sendAt))) existing = await tasks.get(owner.userId, taskId);
        }
        if (existing?.recalledAt) throw badRequest('the task was recalled', [{ path: 'task_id', message: 'recalled' }]);
        if (existing?.broadcastId) {
          // An operator deleted the broadcast under the task: the task is gone (a later PUT makes it anew).
          if (!(await broadcasts.service.get(existing.broadcastId))) {
            await tasks.remove(owner.userId, taskId);
            throw notFound('群发消息');
          }
          const b = await broadcasts.service.update(existing.broadcastId, input).catch(refusal);
          // The time the broadcast holds (another change at the same moment may have won).
          await tasks.setSendAt(owner.userId, taskId, b.schedule.kind === 'once' ? b.schedule.at : sendAt);
          return ok(null);
        }
        const b = await broadcasts.service.create(input).catch(async (err: unknown) => {
          // Nothing was made: the record goes, unless an earlier PUT of this task recorded it.
          if (!existing) await tasks.remove(owner.userId, taskId);
          return refusal(err);
        });
        if (!(await tasks.attach(owner.userId, taskId, b.id))) {
          // A PUT of the same task at the same moment attached its broadcast first: that one stands.
          await broadcasts.service.delete(b.id);
          return ok(null);
        }
        await tasks.setSendAt(owner.userId, taskId, sendAt);
        return ok(null);
      },
    }),
    endpoint({
      method: 'delete',
      path: '/tasks/:task_id',
      caller: 'owner',
      handle: async ({ owner, params }) => {
        const { task, b } = await taskOf(owner, params.task_id ?? '');
        if (b.executed === 0 && !task.recalledAt) {
          // Nothing went out: the task is dropped (unless it started sending meanwhile: recalled below).
          const dropped = await broadcasts.service.delete(b.id).then(
            () => true,
            () => false,
          );
          if (dropped) {
            await tasks.remove(owner.userId, task.taskId);
            return ok(null);
          }
        }
        const report = await broadcasts.recall(b.id);
        await tasks.markRecalled(owner.userId, task.taskId, new Date(deps.runtime.clock.now()));
        // Not in the seed (its data is null): what the recall did.
        return ok({ recalled: report.recalled, cancelled: report.cancelled, not_recalled: report.notRecalled.length });
      },
    }),
  ];
};
