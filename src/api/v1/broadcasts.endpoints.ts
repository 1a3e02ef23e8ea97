import { writtenTexts, type OutboundContent } from '../../bot/content';
import { z } from 'zod';
import type { Principal } from '../../http/principal';
import type { BroadcastInput, BroadcastView, Broadcasts } from '../../broadcasts';
import { broadcastCall as call } from './broadcast-errors';
import { notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import {
  broadcastBody,
  broadcastDetailView,
  broadcastListFilter,
  broadcastView,
  createBroadcastBody,
  deliveryView,
  recallView,
  runParams,
  runView,
} from '../schemas/broadcast';
import { idParam, okBody, pageOf, pageQuery } from '../../http/schemas';
import { canSee, ownerFilter, ownerForCreate } from '../../http/access';
import type { V1Deps } from './deps';

const tag = 'broadcasts';
function toInput(owner: string, body: z.infer<typeof broadcastBody>): BroadcastInput {
  const s = body.schedule;
  return {
    owner,
    name: body.name,
    materials: body.materials,
    targets: body.targets,
    schedule: s.kind === 'once' ? { kind: 'once', at: new Date(s.at) } : s,
    ...(body.endAt ? { endAt: new Date(body.endAt) } : {}),
    ...(body.maxRuns !== undefined ? { maxRuns: body.maxRuns } : {}),
    source: 'api',
  };
}

async function visible(b: Broadcasts, p: Principal, id: string): Promise<BroadcastView> {
  const task = await b.service.get(id);
  if (!task || !canSee(p, task.owner)) throw notFound('broadcast');
  return task;
}

/** Seed 002 tasks: scheduled group broadcasts, their runs and per-room outcomes, and recall. */
export function broadcastEndpoints(api: EndpointRouter, deps: V1Deps): void {
  const b = deps.broadcasts;
  if (!b) return;
  // The materials' written texts, screened for the owner's sensitive words.
  const screenMaterials = (owner: string, materials: readonly OutboundContent[]) =>
    deps.sensitive?.screen(
      owner,
      materials.flatMap((m, i) => writtenTexts(m, `materials.${i}`)),
    );

  api.add({
    method: 'post',
    path: '/broadcasts',
    tag,
    permission: 'broadcasts.write',
    summary: 'Create a broadcast (now, once at a time, or on a cron schedule)',
    status: 201,
    description:
      "Each run sends the materials to every target room through the robots' outboxes (paced). 400 invalid_schedule / schedule_in_past / unknown_room / sensitive_word; 409 too_many_broadcasts.",
    body: createBroadcastBody,
    response: broadcastView,
    handle: async ({ body, principal }) => {
      const { owner: asked, ...rest } = body;
      const owner = ownerForCreate(principal, asked);
      await screenMaterials(owner, rest.materials);
      const created = await call(() => b.service.create(toInput(owner, rest)));
      if (created.schedule.kind === 'now') b.runner.kick();
      return created;
    },
  });

  api.add({
    method: 'post',
    path: '/broadcasts/preview',
    tag,
    permission: 'broadcasts.read',
    summary: 'The next five runs a schedule would have from now (nothing is created)',
    description:
      "For a form that shows when a broadcast would run before it is made: the same checks as creation (400 invalid_schedule). Times are instants; show them in the reader's time zone.",
    body: broadcastBody.pick({ schedule: true, endAt: true, maxRuns: true }).strict(),
    response: z.object({ runs: z.array(z.date()), timeZone: z.string() }),
    handle: async ({ body }) => {
      const s = body.schedule;
      return call(async () =>
        b.service.preview({
          schedule: s.kind === 'once' ? { kind: 'once', at: new Date(s.at) } : s,
          ...(body.endAt ? { endAt: new Date(body.endAt) } : {}),
          ...(body.maxRuns !== undefined ? { maxRuns: body.maxRuns } : {}),
        }),
      );
    },
  });

  api.add({
    method: 'get',
    path: '/broadcasts',
    tag,
    permission: 'broadcasts.read',
    summary: 'List broadcasts (id order)',
    query: z.object({ ...broadcastListFilter, ...pageQuery(deps.maxPageSize) }),
    response: pageOf(broadcastView),
    handle: async ({ query, principal }) =>
      b.service.page(
        { owner: ownerFilter(principal, query.owner), state: query.state },
        { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
      ),
  });

  api.add({
    method: 'get',
    path: '/broadcasts/:id',
    tag,
    permission: 'broadcasts.read',
    summary: 'Get a broadcast with its last run and the per-room status of that run',
    params: idParam,
    response: broadcastDetailView,
    handle: async ({ params, principal }) => {
      const task = await visible(b, principal, params.id);
      const lastRun = await b.service.latestRun(task.id);
      return { ...task, lastRun, deliveries: lastRun ? await b.service.deliveries(lastRun.id) : [] };
    },
  });

  api.add({
    method: 'get',
    path: '/broadcasts/:id/runs',
    tag,
    permission: 'broadcasts.read',
    summary: 'List the runs of a broadcast with their reports',
    params: idParam,
    query: z.object(pageQuery(deps.maxPageSize)),
    response: pageOf(runView),
    handle: async ({ params, query, principal }) => {
      const task = await visible(b, principal, params.id);
      return b.service.runs(task.id, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
    },
  });

  api.add({
    method: 'get',
    path: '/broadcasts/:id/runs/:seq',
    tag,
    permission: 'broadcasts.read',
    summary: 'Get one run with the per-room status',
    params: runParams,
    response: runView.extend({ deliveries: z.array(deliveryView) }),
    handle: async ({ params, principal }) => {
      const task = await visible(b, principal, params.id);
      const run = await b.service.run(task.id, params.seq);
      if (!run) throw notFound('run');
      return { ...run, deliveries: await b.service.deliveries(run.id) };
    },
  });

  api.add({
    method: 'put',
    path: '/broadcasts/:id',
    tag,
    permission: 'broadcasts.write',
    summary: 'Replace a broadcast that has not run yet',
    description: '409 broadcast_started once its first run began (recall it and create a new one).',
    params: idParam,
    body: broadcastBody,
    response: broadcastView,
    handle: async ({ params, body, principal }) => {
      const task = await visible(b, principal, params.id);
      await screenMaterials(task.owner, body.materials);
      const updated = await call(() => b.service.update(task.id, toInput(task.owner, body)));
      if (updated.schedule.kind === 'now' && updated.state === 'active') b.runner.kick();
      return updated;
    },
  });

  for (const [verb, summary] of [
    ['pause', 'Pause a broadcast (no run starts while paused)'],
    ['resume', 'Resume a paused broadcast (a run that fell due meanwhile runs if within the grace period)'],
  ] as const) {
    api.add({
      method: 'post',
      path: `/broadcasts/:id/${verb}`,
      tag,
      permission: 'broadcasts.write',
      summary,
      params: idParam,
      response: broadcastView,
      handle: async ({ params, principal }) => {
        const task = await visible(b, principal, params.id);
        const changed = await call(() => (verb === 'pause' ? b.service.pause(task.id) : b.service.resume(task.id)));
        if (verb === 'resume') b.runner.kick();
        return changed;
      },
    });
  }

  api.add({
    method: 'post',
    path: '/broadcasts/:id/recall',
    tag,
    permission: 'broadcasts.write',
    summary: 'Recall a broadcast (seed 002 群发消息撤回)',
    description:
      'No further runs; pending sends are cancelled; sent messages are withdrawn in WeChat where the puppet supports it within the recall window (2 minutes); the answer lists what could not be recalled and why.',
    params: idParam,
    response: recallView,
    handle: async ({ params, principal }) => {
      const task = await visible(b, principal, params.id);
      return call(() => b.recall(task.id));
    },
  });

  api.add({
    method: 'delete',
    path: '/broadcasts/:id',
    tag,
    permission: 'broadcasts.write',
    summary: 'Delete a broadcast with its runs (409 broadcast_sending while a run is sending: recall it first)',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      const task = await visible(b, principal, params.id);
      if (!(await call(() => b.service.delete(task.id)))) throw notFound('broadcast');
      return { ok: true as const };
    },
  });
}
