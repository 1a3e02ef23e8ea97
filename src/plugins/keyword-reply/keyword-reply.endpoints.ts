import { writtenTexts, type OutboundContent } from '../../bot/content';
import type { Principal } from '../../http/principal';
import { keywordRegexProblems, type KeywordRule, type KeywordRuleService } from './keyword-rule.service';
import { AppError, notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { idParam, okBody, pageOf, pageQuery } from '../../http/schemas';
import {
  createKeywordRuleBody,
  keywordRuleBody,
  keywordRuleListFilter,
  keywordRuleView,
  patchKeywordRuleBody,
} from './keyword-rule.schemas';
import { z } from 'zod';
import { ownerFilter, ownerForCreate, canSee } from '../../http/access';
import type { PluginEndpointDeps } from '../plugin-package';
import { checkOwnRooms } from '../../http/access';

const tag = 'keyword rules';

/** A regex keyword that cannot be saved (invalid, or one that may backtrack catastrophically). */
function checkRegexes(v: { mode?: KeywordRule['mode'] | undefined; keywords: readonly string[] }): void {
  const problems = keywordRegexProblems(v);
  if (problems.length === 0) return;
  throw new AppError(
    400,
    'invalid_regex',
    'a regular-expression keyword is invalid or may backtrack catastrophically',
    problems.map((p) => ({ in: 'body', path: `keywords.${p.index}`, code: 'invalid_regex', message: p.problem })),
  );
}

async function visibleRule(keywords: KeywordRuleService, p: Principal, id: string): Promise<KeywordRule> {
  const rule = await keywords.byId(id);
  if (!rule || !canSee(p, rule.owner)) throw notFound('keyword rule');
  return rule;
}

/** The rule as input again (PATCH merges the change into it). */
function asInput(r: KeywordRule) {
  return {
    keywords: r.keywords,
    mode: r.mode,
    replies: r.replies,
    roomIds: r.roomIds,
    enabled: r.enabled,
    priority: r.priority,
    cooldownSec: r.cooldownSec,
  };
}

/** Seed 002 keywords: reply rules of an owner's robots (the keyword-reply plugin applies them). */
export function keywordEndpoints(
  api: EndpointRouter,
  deps: PluginEndpointDeps<{ keywords: KeywordRuleService }>,
): void {
  const { keywords } = deps.services;
  // The replies' written texts, screened for the owner's sensitive words.
  const screenReplies = (owner: string, replies: readonly OutboundContent[]) =>
    deps.screen?.(
      owner,
      replies.flatMap((r, i) => writtenTexts(r, `replies.${i}`)),
    );

  const save = async (rule: KeywordRule, input: z.infer<typeof keywordRuleBody>) => {
    checkRegexes(input);
    await checkOwnRooms(deps, rule.owner, input.roomIds);
    await screenReplies(rule.owner, input.replies);
    const saved = await keywords.update(rule.owner, rule.id, input);
    if (!saved) throw notFound('keyword rule');
    return saved;
  };

  api.add({
    method: 'post',
    path: '/keyword-rules',
    tag,
    permission: 'keywords.write',
    summary: 'Create a keyword rule',
    status: 201,
    description:
      "A regex keyword that is invalid or may backtrack catastrophically is refused with 400 invalid_regex; a room that is not the owner's with 400 unknown_room; a reply holding a sensitive word with 400 sensitive_word.",
    body: createKeywordRuleBody,
    response: keywordRuleView,
    handle: async ({ body, principal }) => {
      const { owner: asked, ...input } = body;
      const owner = ownerForCreate(principal, asked);
      checkRegexes(input);
      await checkOwnRooms(deps, owner, input.roomIds);
      await screenReplies(owner, input.replies);
      return keywords.create(owner, input);
    },
  });

  api.add({
    method: 'get',
    path: '/keyword-rules',
    tag,
    permission: 'keywords.read',
    summary: 'List keyword rules (id order)',
    query: z.object({ ...keywordRuleListFilter, ...pageQuery(deps.maxPageSize) }),
    response: pageOf(keywordRuleView),
    handle: async ({ query, principal }) => {
      const owner = ownerFilter(principal, query.owner);
      return keywords.page(
        { owner, enabled: query.enabled },
        { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
      );
    },
  });

  api.add({
    method: 'get',
    path: '/keyword-rules/:id',
    tag,
    permission: 'keywords.read',
    summary: 'Get a keyword rule with its trigger count',
    params: idParam,
    response: keywordRuleView,
    handle: async ({ params, principal }) => visibleRule(keywords, principal, params.id),
  });

  api.add({
    method: 'put',
    path: '/keyword-rules/:id',
    tag,
    permission: 'keywords.write',
    summary: 'Replace a keyword rule (fields left out take their defaults)',
    params: idParam,
    body: keywordRuleBody,
    response: keywordRuleView,
    handle: async ({ params, body, principal }) => save(await visibleRule(keywords, principal, params.id), body),
  });

  api.add({
    method: 'patch',
    path: '/keyword-rules/:id',
    tag,
    permission: 'keywords.write',
    summary: 'Change some fields of a keyword rule',
    params: idParam,
    body: patchKeywordRuleBody,
    response: keywordRuleView,
    handle: async ({ params, body, principal }) => {
      const rule = await visibleRule(keywords, principal, params.id);
      const merged = {
        ...asInput(rule),
        ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)),
      } as z.infer<typeof keywordRuleBody>;
      return save(rule, merged);
    },
  });

  api.add({
    method: 'delete',
    path: '/keyword-rules/:id',
    tag,
    permission: 'keywords.write',
    summary: 'Delete a keyword rule',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      const rule = await visibleRule(keywords, principal, params.id);
      if (!(await keywords.remove(rule.owner, rule.id))) throw notFound('keyword rule');
      return { ok: true as const };
    },
  });
}
