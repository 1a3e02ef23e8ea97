import { z } from 'zod';
import type { Principal } from '../../http/principal';
import type { SignInRule, SignInService } from './sign-in.service';
import { notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { idParam, okBody, pageOf, pageQuery } from '../../http/schemas';
import {
  createSignInRuleBody,
  leaderboardView,
  memberIdParam,
  patchSignInRuleBody,
  signInMemberView,
  signInRuleBody,
  signInRuleListFilter,
  signInRuleView,
} from './sign-in.schemas';
import { canSee, ownerFilter, ownerForCreate, visibleRoom } from '../../http/access';
import type { PluginEndpointDeps } from '../plugin-package';
import { checkOwnRooms } from '../../http/access';

const tag = 'sign-in';

async function visibleRule(signIn: SignInService, p: Principal, id: string): Promise<SignInRule> {
  const rule = await signIn.ruleById(id);
  if (!rule || !canSee(p, rule.owner)) throw notFound('sign-in rule');
  return rule;
}

/** Sign-in rules of an owner (the sign-in plugin applies them), and each room's points. */
export function signInEndpoints(api: EndpointRouter, deps: PluginEndpointDeps<{ signIn: SignInService }>): void {
  const { signIn } = deps.services;

  const save = async (rule: SignInRule, input: z.infer<typeof signInRuleBody>) => {
    await checkOwnRooms(deps, rule.owner, input.roomIds);
    const saved = await signIn.updateRule(rule.owner, rule.id, input);
    if (!saved) throw notFound('sign-in rule');
    return saved;
  };

  api.add({
    method: 'post',
    path: '/sign-in-rules',
    tag,
    permission: 'sign_in.write',
    summary: 'Create a sign-in rule',
    status: 201,
    description: "A room that is not the owner's is refused with 400 unknown_room.",
    body: createSignInRuleBody,
    response: signInRuleView,
    handle: async ({ body, principal }) => {
      const { owner: asked, ...input } = body;
      const owner = ownerForCreate(principal, asked);
      await checkOwnRooms(deps, owner, input.roomIds);
      return signIn.createRule(owner, input);
    },
  });

  api.add({
    method: 'get',
    path: '/sign-in-rules',
    tag,
    permission: 'sign_in.read',
    summary: 'List sign-in rules (id order)',
    query: z.object({ ...signInRuleListFilter, ...pageQuery(deps.maxPageSize) }),
    response: pageOf(signInRuleView),
    handle: async ({ query, principal }) => {
      const owner = ownerFilter(principal, query.owner);
      return signIn.rulePage(
        { owner, enabled: query.enabled },
        { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
      );
    },
  });

  api.add({
    method: 'get',
    path: '/sign-in-rules/:id',
    tag,
    permission: 'sign_in.read',
    summary: 'Get a sign-in rule',
    params: idParam,
    response: signInRuleView,
    handle: async ({ params, principal }) => visibleRule(signIn, principal, params.id),
  });

  api.add({
    method: 'put',
    path: '/sign-in-rules/:id',
    tag,
    permission: 'sign_in.write',
    summary: 'Replace a sign-in rule (fields left out take their defaults; reply templates left out are kept)',
    params: idParam,
    body: signInRuleBody,
    response: signInRuleView,
    handle: async ({ params, body, principal }) => save(await visibleRule(signIn, principal, params.id), body),
  });

  api.add({
    method: 'patch',
    path: '/sign-in-rules/:id',
    tag,
    permission: 'sign_in.write',
    summary: 'Change some fields of a sign-in rule',
    params: idParam,
    body: patchSignInRuleBody,
    response: signInRuleView,
    handle: async ({ params, body, principal }) => {
      const rule = await visibleRule(signIn, principal, params.id);
      const given = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      // Reply templates: only those given change (the service sets them one by one).
      const merged = {
        keywords: rule.keywords,
        roomIds: rule.roomIds,
        windows: rule.windows,
        points: rule.points,
        streakBonus: rule.streakBonus,
        maxStreakBonusDays: rule.maxStreakBonusDays,
        enabled: rule.enabled,
        replies: {},
        ...given,
      };
      return save(rule, merged as z.infer<typeof signInRuleBody>);
    },
  });

  api.add({
    method: 'delete',
    path: '/sign-in-rules/:id',
    tag,
    permission: 'sign_in.write',
    summary: 'Delete a sign-in rule (the records stay)',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      const rule = await visibleRule(signIn, principal, params.id);
      if (!(await signIn.removeRule(rule.owner, rule.id))) throw notFound('sign-in rule');
      return { ok: true as const };
    },
  });

  api.add({
    method: 'get',
    path: '/rooms/:id/sign-ins/leaderboard',
    tag,
    permission: 'sign_in.read',
    summary: 'Members of the room by sign-in points, highest first',
    params: idParam,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) }),
    response: leaderboardView,
    handle: async ({ params, query, principal }) => {
      const { room } = await visibleRoom(deps, principal, params.id);
      const rows = await signIn.leaderboard(room.id, query.limit);
      return { roomId: room.id, items: rows.map((r, i) => ({ rank: i + 1, ...r })) };
    },
  });

  api.add({
    method: 'get',
    path: '/rooms/:id/sign-ins/members/:memberId',
    tag,
    permission: 'sign_in.read',
    summary: "A member's sign-ins in the room (newest first) and total points",
    params: memberIdParam,
    query: z.object({ limit: z.coerce.number().int().min(1).max(366).default(30) }),
    response: signInMemberView,
    handle: async ({ params, query, principal }) => {
      const { room } = await visibleRoom(deps, principal, params.id);
      const [history, total] = await Promise.all([
        signIn.history(room.id, params.memberId, query.limit),
        signIn.total(room.id, params.memberId),
      ]);
      const memberName = history.find((h) => h.memberName)?.memberName;
      return {
        roomId: room.id,
        memberId: params.memberId,
        ...(memberName ? { memberName } : {}),
        total,
        history: history.map((h) => ({ day: h.day, at: h.at, points: h.points, streak: h.streak })),
      };
    },
  });
}
