import { z } from 'zod';
import { NoRobotError, OwnerBlockedError } from '../../../owners';
import { Code, notFound, ok, Seed002Error, unauthorized } from './envelope';
import type { RobotCards } from './robot-profile';
import { endpoint, type Seed002Deps } from './router';
import { optionalPlatformId, platformId } from './schemas';

const noRobot = () => new Seed002Error(Code.noRobot, '机器人未找到');

/**
 * Seed 002 robots: 分配机器人 (the least-loaded assignable robot of the tenant; the one a user has
 * while it exists), 将机器人置为不可分配, 获取用户当前绑定机器人, 用户已分配的机器人列表.
 */
export const robotEndpoints = (cards: RobotCards) => (deps: Seed002Deps) => {
  const { owners } = deps.groupOwners;
  const rt = deps.runtime;
  return [
    endpoint({
      method: 'post',
      path: '/robot/distribution',
      caller: 'platform',
      body: z.object({
        union_id: platformId,
        open_id: optionalPlatformId,
        sharing_user_id: optionalPlatformId,
        channel: optionalPlatformId,
      }),
      handle: async ({ body }) => {
        try {
          const { robotId } = await owners.assign(deps.tenant, {
            unionId: body.union_id,
            ...(body.open_id ? { openId: body.open_id } : {}),
            ...(body.sharing_user_id ? { sharingUserId: body.sharing_user_id } : {}),
            ...(body.channel ? { channel: body.channel } : {}),
          });
          const card = await cards.card(robotId);
          if (!card) throw noRobot();
          return ok({ head_url: card.headUrl, qr_code: card.qrCode, wechat_no: card.wechatNo, name: card.name });
        } catch (err) {
          if (err instanceof NoRobotError) throw noRobot();
          if (err instanceof OwnerBlockedError) throw unauthorized('this user is blocked (封号)');
          throw err;
        }
      },
    }),
    endpoint({
      method: 'post',
      path: '/robot/undistributable',
      caller: 'platform',
      body: z.object({ robot_id: z.string().min(1).max(64) }),
      handle: async ({ body }) => {
        const robot = await rt.robots.get(body.robot_id);
        if (!robot || robot.owner !== deps.tenant) throw notFound('机器人');
        await rt.robots.update(robot.id, { assignable: false });
        return ok('');
      },
    }),
    endpoint({
      method: 'get',
      path: '/robot/show',
      caller: 'owner',
      handle: async ({ owner }) => {
        const card = owner.robotId ? await cards.card(owner.robotId) : null;
        if (!card) throw noRobot();
        return ok({
          robot_id: card.id,
          robot_name: card.name,
          qr_code: card.qrCode,
          head_url: card.headUrl,
          wechat_no: card.wechatNo,
        });
      },
    }),
    endpoint({
      method: 'get',
      path: '/user/robots',
      caller: 'owner',
      handle: async ({ owner }) => {
        const card = owner.robotId ? await cards.card(owner.robotId) : null;
        return ok(card ? [{ id: card.id, name: card.name, wechat_no: card.wechatNo }] : []);
      },
    }),
  ];
};
