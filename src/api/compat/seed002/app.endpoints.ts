import { z } from 'zod';
import { ok } from './envelope';
import { endpoint, type EndpointFactory } from './router';
import { ownerText } from './schemas';

/** Seed 002 service status (校验/设置当前服务状态): anyone may read it; the platform sets it. */
export const appEndpoints: EndpointFactory = (deps) => [
  endpoint({
    method: 'get',
    path: '/app/status',
    caller: 'anyone',
    handle: async () => ok(await deps.appStatus.get(deps.tenant)),
  }),
  endpoint({
    method: 'post',
    path: '/app/status',
    caller: 'platform',
    body: z.object({
      status: z.union([z.literal(1), z.literal(2)]),
      upGradeEndTime: z.preprocess((v) => (v === '' ? undefined : v), ownerText(64).optional()),
    }),
    handle: async ({ body }) =>
      ok(
        await deps.appStatus.set(deps.tenant, {
          status: body.status,
          ...(body.upGradeEndTime ? { upGradeEndTime: body.upGradeEndTime } : {}),
        }),
      ),
  }),
];
