import { z } from 'zod';
import type { EndpointRouter } from '../../http/endpoint';
import { AppError, conflict, notFound } from '../../http/errors';
import { canSee, ownerForCreate, ownerFilter, visibleRoom } from '../../http/access';
import type { Principal } from '../../http/principal';
import { httpUrl, nameText, ownerName, pageOf, pageQuery } from '../../http/schemas';
import {
  CANCEL_REASONS,
  STAR_STATES,
  NoRobotError,
  OwnerBlockedError,
  type GroupOwners,
  type GroupOwnerView,
} from '../../owners';
import type { V1Deps } from './deps';

const tag = 'group owners';

/** A platform's user id (union id, open id, app id, channel): short printable text. */
const platformId = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

const groupOwnerView = z
  .object({
    userId: z.string().meta({ description: 'the seed 002 user_id' }),
    unionId: z.string(),
    tenant: z.string().meta({ description: 'the qunbot owner whose robots serve this group owner' }),
    openId: z.string().optional(),
    appId: z.string().optional(),
    channel: z.string().optional(),
    sharingUserId: z.string().optional(),
    nickName: z.string().optional(),
    headUrl: z.string().optional(),
    robotId: z.string().optional().meta({ description: 'the assigned robot' }),
    assignedAt: z.date().optional(),
    wxId: z.string().optional().meta({ description: 'their WeChat contact id as the assigned robot sees it' }),
    blocked: z.boolean(),
    signedOutAt: z.date().optional().meta({ description: 'seed 002 access tokens issued up to then are refused' }),
    createdAt: z.date(),
  })
  .meta({ id: 'GroupOwner' });

const ownedGroupView = z
  .object({
    roomId: z.string(),
    robotId: z.string(),
    userId: z.string(),
    since: z.date(),
    cancelledAt: z.date().optional(),
    cancelReason: z.number().int().optional(),
  })
  .meta({ id: 'OwnedGroup' });

const starRatingView = z
  .object({
    roomId: z.string(),
    star: z.number().int(),
    state: z.number().int(),
    source: z.string().optional(),
    at: z.date(),
  })
  .meta({ id: 'StarRating' });

/** Who rated, for the history: the operator's username or the API key's id. */
const raterOf = (p: Principal) => (p.operator ? `operator:${p.operator.username}` : `api-key:${p.keyId}`);

const userIdParam = z.object({ userId: z.string().min(1).max(64) });

const reasonText = Object.entries(CANCEL_REASONS)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ');

/**
 * Group owners (seed 002 users) on the native API: sign up and assign a robot, list, change,
 * block; their groups; and an operator's view of a room's owner (assign, cancel).
 */
export function groupOwnerEndpoints(api: EndpointRouter, deps: V1Deps, go: GroupOwners): void {
  const rt = deps.runtime;

  /** The group owner, or 404 when unknown or of a tenant the caller does not see. */
  const visibleOwner = async (p: Principal, userId: string): Promise<GroupOwnerView> => {
    const owner = await go.owners.byUserId(userId);
    if (!owner || !canSee(p, owner.tenant)) throw notFound('group owner');
    return owner;
  };

  api.add({
    method: 'get',
    path: '/group-owners',
    tag,
    permission: 'group_owners.read',
    summary: 'List group owners in sign-up order',
    query: z.object({ owner: ownerName.optional(), ...pageQuery(deps.maxPageSize) }),
    response: pageOf(groupOwnerView),
    handle: async ({ query, principal }) =>
      go.owners.page(ownerFilter(principal, query.owner), {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      }),
  });

  api.add({
    method: 'post',
    path: '/group-owners/assign',
    tag,
    permission: 'group_owners.write',
    summary:
      'Sign a group owner up by union id (or find them) and assign a robot: the one they have, else the least-loaded logged-in assignable robot of the owner',
    description:
      'Answers 409 `no_robot` when no robot can take them (none logged in and assignable), 403 `owner_blocked` for a blocked group owner.',
    body: z
      .object({
        owner: ownerName.optional().meta({ description: 'the tenant (required with an admin key)' }),
        unionId: platformId,
        openId: platformId.optional(),
        appId: platformId.optional(),
        channel: platformId.optional(),
        sharingUserId: platformId.optional(),
      })
      .strict(),
    response: z.object({
      owner: groupOwnerView,
      robot: z.object({
        id: z.string(),
        name: z.string(),
        wxId: z.string().optional(),
        wxName: z.string().optional(),
      }),
    }),
    handle: async ({ body, principal }) => {
      const tenant = ownerForCreate(principal, body.owner);
      const signUp = {
        unionId: body.unionId,
        ...(body.openId ? { openId: body.openId } : {}),
        ...(body.appId ? { appId: body.appId } : {}),
        ...(body.channel ? { channel: body.channel } : {}),
        ...(body.sharingUserId ? { sharingUserId: body.sharingUserId } : {}),
      };
      try {
        const { owner, robotId } = await go.owners.assign(tenant, signUp);
        const robot = await rt.robots.get(robotId);
        if (!robot) throw notFound('robot');
        return {
          owner,
          robot: {
            id: robot.id,
            name: robot.name,
            ...(robot.wxId ? { wxId: robot.wxId } : {}),
            ...(robot.wxName ? { wxName: robot.wxName } : {}),
          },
        };
      } catch (err) {
        if (err instanceof NoRobotError) throw conflict('no_robot', err.message);
        if (err instanceof OwnerBlockedError) throw new AppError(403, 'owner_blocked', err.message);
        throw err;
      }
    },
  });

  api.add({
    method: 'get',
    path: '/group-owners/:userId',
    tag,
    permission: 'group_owners.read',
    summary: 'Get a group owner',
    params: userIdParam,
    response: groupOwnerView,
    handle: async ({ params, principal }) => visibleOwner(principal, params.userId),
  });

  api.add({
    method: 'patch',
    path: '/group-owners/:userId',
    tag,
    permission: 'group_owners.write',
    summary: "Change a group owner's profile, their WeChat id on the assigned robot, or block them",
    params: userIdParam,
    body: z
      .object({
        nickName: nameText(64),
        headUrl: httpUrl,
        openId: platformId,
        appId: platformId,
        wxId: z.string().trim().min(1).max(128),
        blocked: z.boolean(),
      })
      .partial()
      .strict(),
    response: groupOwnerView,
    handle: async ({ params, body, principal }) => {
      await visibleOwner(principal, params.userId);
      const { blocked, ...patch } = body;
      let now = await go.owners.update(params.userId, patch);
      if (blocked !== undefined) now = await go.owners.setBlocked(params.userId, blocked);
      // Blocking ends their tokens (as seed 002's 用户封号 does): unblocking brings none back.
      if (blocked === true) now = await go.owners.signOut(params.userId);
      if (!now) throw notFound('group owner');
      return now;
    },
  });

  api.add({
    method: 'post',
    path: '/group-owners/:userId/sign-out',
    tag,
    permission: 'group_owners.write',
    summary: 'End every seed 002 access token the group owner holds (they must get a new one from POST /auth)',
    params: userIdParam,
    response: groupOwnerView,
    handle: async ({ params, principal }) => {
      await visibleOwner(principal, params.userId);
      const now = await go.owners.signOut(params.userId);
      if (!now) throw notFound('group owner');
      return now;
    },
  });

  api.add({
    method: 'get',
    path: '/group-owners/:userId/groups',
    tag,
    permission: 'group_owners.read',
    summary: "A group owner's groups (rooms), page by page from 0, with the total",
    params: userIdParam,
    query: z.object({
      page: z.coerce.number().int().min(0).max(100_000).default(0),
      limit: z.coerce.number().int().min(1).max(deps.maxPageSize).default(Math.min(20, deps.maxPageSize)),
      cancelled: z.enum(['true', 'false']).default('false'),
    }),
    response: z.object({ items: z.array(ownedGroupView), total: z.number().int() }),
    handle: async ({ params, query, principal }) => {
      await visibleOwner(principal, params.userId);
      return go.groups.ofOwner(
        params.userId,
        { page: query.page, size: query.limit },
        { cancelled: query.cancelled === 'true' },
      );
    },
  });

  api.add({
    method: 'put',
    path: '/rooms/:id/group-owner',
    tag,
    permission: 'group_owners.write',
    summary: 'Make a room the group of a group owner served by its robot (when no invitation told)',
    params: z.object({ id: z.string().min(1).max(64) }),
    body: z.object({ userId: z.string().min(1).max(64) }).strict(),
    response: ownedGroupView,
    handle: async ({ params, body, principal }) => {
      const { room } = await visibleRoom(rt, principal, params.id);
      const owner = await visibleOwner(principal, body.userId);
      if (owner.robotId !== room.robotId)
        throw new AppError(400, 'invalid_request', "the room's robot is not the group owner's robot", [
          { path: 'userId', message: 'assigned another robot' },
        ]);
      const held = await go.groups.claim({ roomId: room.id, robotId: room.robotId, userId: owner.userId });
      if (held.userId !== owner.userId) throw conflict('group_owned', 'the room belongs to another group owner');
      return held;
    },
  });

  api.add({
    method: 'get',
    path: '/rooms/:id/group-owner',
    tag,
    permission: 'group_owners.read',
    summary: "A room's group ownership (404 when no group owner holds it)",
    params: z.object({ id: z.string().min(1).max(64) }),
    response: ownedGroupView,
    handle: async ({ params, principal }) => {
      await visibleRoom(rt, principal, params.id);
      const held = await go.groups.get(params.id);
      if (!held) throw notFound('group ownership');
      return held;
    },
  });

  api.add({
    method: 'post',
    path: '/rooms/star-ratings',
    tag,
    permission: 'group_owners.write',
    summary: "Rate rooms 1-5 stars (seed 002 群星级评定): kept as history, the room's starLevel is the latest",
    description: 'All or none: a room the caller does not see is 400 naming it, and nothing is rated.',
    body: z
      .object({
        items: z
          .array(
            z
              .object({
                roomId: z.string().min(1).max(64),
                star: z.number().int().min(1).max(5),
                state: z
                  .number()
                  .int()
                  .refine((n) => (STAR_STATES as readonly number[]).includes(n), `one of ${STAR_STATES.join(', ')}`)
                  .default(5)
                  .meta({ description: 'the rater’s state (seed 002): 5 manual set by default' }),
              })
              .strict(),
          )
          .min(1)
          .max(1000),
      })
      .strict(),
    response: z.object({ items: z.array(starRatingView) }),
    handle: async ({ body, principal }) => {
      const missing: { path: string; message: string }[] = [];
      for (const [i, item] of body.items.entries())
        await visibleRoom(rt, principal, item.roomId).catch(() =>
          missing.push({ path: `items.${i}.roomId`, message: 'not a room of yours' }),
        );
      if (missing.length > 0) throw new AppError(400, 'invalid_request', 'unknown rooms; nothing was rated', missing);
      const source = raterOf(principal);
      return { items: await go.stars.rate(body.items.map((i) => ({ ...i, roomId: i.roomId.toLowerCase(), source }))) };
    },
  });

  api.add({
    method: 'get',
    path: '/rooms/:id/star-ratings',
    tag,
    permission: 'group_owners.read',
    summary: "A room's star ratings, newest first (the last 100)",
    params: z.object({ id: z.string().min(1).max(64) }),
    response: z.object({ items: z.array(starRatingView) }),
    handle: async ({ params, principal }) => {
      const { room } = await visibleRoom(rt, principal, params.id);
      return { items: await go.stars.history(room.id) };
    },
  });

  api.add({
    method: 'post',
    path: '/rooms/:id/cancel',
    tag,
    permission: 'group_owners.write',
    summary: `Cancel a group (seed 002 注销): its ownership ends with a reason (${reasonText}) and the robot leaves the room`,
    params: z.object({ id: z.string().min(1).max(64) }),
    body: z.object({ reason: z.number().int().min(1).max(6).default(4) }).strict(),
    response: z.object({ roomId: z.string(), left: z.boolean() }),
    handle: async ({ params, body, principal }) => {
      await visibleRoom(rt, principal, params.id);
      const [outcome] = await go.cancel([params.id], body.reason as keyof typeof CANCEL_REASONS, () => true);
      if (!outcome || outcome.result !== 'cancelled')
        throw notFound('active group (no group owner holds this room, or it was cancelled)');
      return { roomId: params.id, left: outcome.left === true };
    },
  });
}
