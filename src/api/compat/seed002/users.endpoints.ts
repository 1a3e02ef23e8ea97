import { z } from 'zod';
import { answer, Code, notFound, ok } from './envelope';
import { endpoint, type EndpointFactory } from './router';
import { optionalPlatformId, platformId } from './schemas';

/**
 * Seed 002 users: tokens (获取token, 获取当前token的用户ID), who am I (获取用户user_id), registered,
 * profile (补全用户信息; its payout field red_packed is always 0: payouts are out of scope),
 * block (用户封号: every token of the user ends) and block check (用户是否封号).
 */
export const userEndpoints: EndpointFactory = (deps) => {
  const { owners } = deps.groupOwners;
  return [
    endpoint({
      method: 'post',
      path: '/auth',
      caller: 'platform',
      body: z.object({ union_id: platformId }),
      handle: async ({ body }) => {
        const owner = await owners.byUnionId(deps.tenant, body.union_id);
        if (!owner) throw notFound('用户');
        // The seed's own shape for this one: {code, msg, access_token}.
        return { code: Code.ok, msg: '', access_token: await deps.tokens.issue(owner.userId) };
      },
    }),
    endpoint({
      method: 'get',
      path: '/auth/me',
      caller: 'owner',
      allowBlocked: true,
      handle: async ({ owner }) => ({ me: { user_id: owner.userId }, code: Code.ok, msg: '' }),
    }),
    endpoint({
      method: 'get',
      path: '/user',
      caller: 'owner',
      allowBlocked: true,
      handle: async ({ owner }) => ok(owner.userId),
    }),
    endpoint({
      method: 'get',
      path: '/users/:union_id/registered',
      caller: 'platform',
      handle: async ({ params }) => {
        return ok(Boolean(await owners.byUnionId(deps.tenant, params.union_id ?? '')));
      },
    }),
    endpoint({
      method: 'put',
      path: '/user/:user_id',
      caller: 'platform',
      body: z.object({
        union_id: platformId,
        head_url: z.preprocess(
          (v) => (v === '' ? undefined : v),
          z
            .url({ protocol: /^https?$/ })
            .max(2000)
            .optional(),
        ),
        nick_name: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().min(1).max(64).optional()),
        appid: optionalPlatformId,
        open_id: optionalPlatformId,
      }),
      handle: async ({ params, body }) => {
        const owner = await owners.byUserId(params.user_id ?? '');
        if (!owner || owner.tenant !== deps.tenant) throw notFound('用户');
        if (owner.unionId !== body.union_id)
          return answer(Code.badRequest, '请求参数错误 (union_id is not this user’s)', [
            { path: 'union_id', message: 'not this user’s' },
          ]);
        await owners.update(owner.userId, {
          ...(body.head_url ? { headUrl: body.head_url } : {}),
          ...(body.nick_name ? { nickName: body.nick_name } : {}),
          ...(body.appid ? { appId: body.appid } : {}),
          ...(body.open_id ? { openId: body.open_id } : {}),
        });
        return ok({ red_packed: 0 });
      },
    }),
    endpoint({
      method: 'put',
      path: '/users/:user_id/block',
      caller: 'platform',
      handle: async ({ params }) => {
        const owner = await owners.byUserId(params.user_id ?? '');
        if (!owner || owner.tenant !== deps.tenant) throw notFound('用户');
        await owners.setBlocked(owner.userId, true);
        await owners.signOut(owner.userId);
        return ok('');
      },
    }),
    endpoint({
      method: 'get',
      path: '/users/block_verify',
      caller: 'owner',
      allowBlocked: true,
      handle: async ({ owner }) => ok(owner.blocked),
    }),
  ];
};
