import { z } from 'zod';
import { outboundContent } from '../../bot/content';
import type { EndpointRouter } from '../../http/endpoint';
import { AppError, notFound } from '../../http/errors';
import { ownerForCreate, visibleRoom } from '../../http/access';
import type { Principal } from '../../http/principal';
import { ownerName } from '../../http/schemas';
import { LaunchItemsError, type LaunchService } from '../../launch';
import { deliveryView } from '../schemas/broadcast';
import { broadcastCall } from './broadcast-errors';
import type { V1Deps } from './deps';

const tag = 'launch';

const by = (p: Principal) => (p.operator ? `operator:${p.operator.username}` : `api-key:${p.keyId}`);

const launchItem = z
  .object({
    type: z.number().int().meta({ description: '1 text, 2 image, 3 link, 4 mini-program (seed 002 群投放)' }),
    title: z.string().max(200).nullish(),
    content: z.string().max(4000).nullish(),
    filePath: z.string().max(2000).nullish(),
    url: z.string().max(2000).nullish(),
  })
  .strict();

const launchTaskView = z
  .object({
    owner: z.string(),
    taskId: z.string(),
    roomIds: z.array(z.string()).meta({ description: 'rooms it goes to (their switch was on)' }),
    refused: z.array(
      z.object({ groupId: z.string(), reason: z.enum(['unknown_group', 'switch_off', 'robot_not_in_group']) }),
    ),
    materials: z.array(outboundContent),
    broadcastId: z.string().optional().meta({ description: 'the broadcast that delivers it' }),
    source: z.string().optional(),
    receivedAt: z.date(),
  })
  .meta({ id: 'LaunchTask' });

/**
 * Launch (seed 002 投放) on the native API: a room's switch with its history, and delivery tasks
 * (received once per owner and taskId, delivered by a broadcast to the rooms whose switch is on)
 * with their per-room outcome.
 */
export function launchEndpoints(api: EndpointRouter, deps: V1Deps, launch: LaunchService): void {
  const rt = deps.runtime;

  api.add({
    method: 'put',
    path: '/rooms/:id/launch',
    tag,
    permission: 'rooms.write',
    summary: "Turn a room's launch switch on or off (delivery tasks reach only rooms with it on); kept in its history",
    params: z.object({ id: z.string().min(1).max(64) }),
    body: z.object({ on: z.boolean() }).strict(),
    response: z.object({ roomId: z.string(), on: z.boolean() }),
    handle: async ({ params, body, principal }) => {
      const { room } = await visibleRoom(rt, principal, params.id);
      await launch.setSwitch(room.id, body.on, by(principal));
      return { roomId: room.id, on: body.on };
    },
  });

  api.add({
    method: 'get',
    path: '/rooms/:id/launch-history',
    tag,
    permission: 'rooms.read',
    summary: "A room's launch switch changes, newest first (the last 100)",
    params: z.object({ id: z.string().min(1).max(64) }),
    response: z.object({ items: z.array(z.object({ on: z.boolean(), by: z.string().optional(), at: z.date() })) }),
    handle: async ({ params, principal }) => {
      const { room } = await visibleRoom(rt, principal, params.id);
      return { items: await launch.switchHistory(room.id) };
    },
  });

  api.add({
    method: 'post',
    path: '/launch-tasks',
    tag,
    permission: 'broadcasts.write',
    summary:
      'Receive a delivery task: once per owner and taskId (the same taskId again answers the first, duplicate: true), delivered by a broadcast to the listed rooms whose launch switch is on',
    body: z
      .object({
        owner: ownerName.optional().meta({ description: 'required with an admin key' }),
        taskId: z.string().trim().min(1).max(128),
        groupIds: z.array(z.string().min(1).max(64)).min(1).max(5000).meta({ description: 'room ids' }),
        items: z.array(launchItem).min(1).max(10),
        miniProgram: z
          .object({ appid: z.string().min(1).max(100), username: z.string().min(1).max(100) })
          .strict()
          .optional()
          .meta({ description: 'the mini-program that type-4 items open' }),
      })
      .strict(),
    response: z.object({ task: launchTaskView, duplicate: z.boolean() }),
    handle: async ({ body, principal }) => {
      const owner = ownerForCreate(principal, body.owner);
      const texts = body.items.flatMap((i, n) =>
        [
          ['title', i.title],
          ['content', i.content],
        ].flatMap(([f, text]) => (text ? [{ path: `items.${n}.${f}`, text }] : [])),
      );
      await deps.sensitive?.screen(owner, texts);
      try {
        return await broadcastCall(() =>
          launch.receive(
            owner,
            { taskId: body.taskId, groupIds: body.groupIds, items: body.items },
            { miniProgram: body.miniProgram, source: by(principal) },
          ),
        );
      } catch (err) {
        if (err instanceof LaunchItemsError)
          throw new AppError(
            400,
            'invalid_request',
            'items that cannot be sent; nothing was received',
            err.problems.map((p) => ({ path: `items.${p.index}.${p.field}`, message: p.message })),
          );
        throw err;
      }
    },
  });

  api.add({
    method: 'get',
    path: '/launch-tasks/:taskId',
    tag,
    permission: 'broadcasts.read',
    summary: 'A delivery task with its per-room outcome (deliveries: empty until its run dispatched)',
    params: z.object({ taskId: z.string().min(1).max(128) }),
    query: z.object({ owner: ownerName.optional() }),
    response: z.object({ task: launchTaskView, sent: z.boolean(), deliveries: z.array(deliveryView) }),
    handle: async ({ params, query, principal }) => {
      const owner = ownerForCreate(principal, query.owner);
      const task = await launch.get(owner, params.taskId);
      if (!task) throw notFound('launch task');
      return { task, sent: await launch.sent(task), deliveries: await launch.deliveries(task) };
    },
  });
}
