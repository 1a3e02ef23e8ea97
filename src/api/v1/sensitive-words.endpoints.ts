import { safeText } from '../../bot/content';
import { z } from 'zod';
import { forbidden, notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { canSee, ownerFilter, ownerForCreate } from '../../http/access';
import { idParam, okBody, ownerName } from '../../http/schemas';
import type { SensitiveWordService } from '../../sensitive/sensitive-words.service';

const tag = 'sensitive words';

const wordView = z
  .object({
    id: z.string(),
    owner: z.string().nullable().meta({ description: 'null: the global list (applies to every owner)' }),
    word: z.string(),
    createdAt: z.date(),
  })
  .meta({ id: 'SensitiveWord' });

const word = z.string().trim().min(1).max(50);

/**
 * Sensitive-word lists (seed 002 code 2003): a global list (the configured file and words an
 * admin adds) and one per owner on top. Texts operators and owners write (welcome messages,
 * keyword replies, broadcast materials, script items, the robot's nickname) are checked against
 * both and refused with 400 `sensitive_word` naming each span.
 */
export function sensitiveWordEndpoints(api: EndpointRouter, words: SensitiveWordService): void {
  api.add({
    method: 'get',
    path: '/sensitive-words',
    tag,
    permission: 'sensitive_words.read',
    summary:
      "Listed words: an owner-limited caller sees its own and the global ones; an admin all, or one owner's (`owner`) or the global list (`global=true`)",
    query: z.object({ owner: ownerName.optional(), global: z.enum(['true', 'false']).optional() }),
    response: z.object({ items: z.array(wordView), fileWords: z.number().int() }),
    handle: async ({ query, principal }) => {
      const owner = ownerFilter(principal, query.owner);
      const items =
        query.global === 'true'
          ? await words.list(null)
          : owner === undefined
            ? await words.list()
            : [...(await words.list(owner)), ...(await words.list(null))];
      return { items, fileWords: words.fileSize };
    },
  });

  api.add({
    method: 'post',
    path: '/sensitive-words',
    tag,
    permission: 'sensitive_words.write',
    status: 201,
    summary:
      "Add words to the caller's owner list, or (admins) to `owner`'s or, with `global: true`, the global list; words already listed (however spelled) come back in `existing`",
    body: z
      .object({ words: z.array(word).min(1).max(1000), owner: ownerName.optional(), global: z.boolean().optional() })
      .strict(),
    response: z.object({ added: z.array(wordView), existing: z.array(z.string()) }),
    handle: async ({ body, principal }) => {
      if (body.global) {
        if (!principal.admin) throw forbidden('only an admin changes the global list');
        if (body.owner !== undefined) throw forbidden('send either owner or global');
        return words.add(null, body.words);
      }
      return words.add(ownerForCreate(principal, body.owner), body.words);
    },
  });

  api.add({
    method: 'delete',
    path: '/sensitive-words/:id',
    tag,
    permission: 'sensitive_words.write',
    summary: 'Remove a listed word (the global ones: admins only)',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      const w = await words.get(params.id);
      if (!w || (w.owner === null ? !principal.admin : !canSee(principal, w.owner))) throw notFound('sensitive word');
      await words.remove(w.id);
      return { ok: true as const };
    },
  });

  api.add({
    method: 'post',
    path: '/sensitive-words/check',
    tag,
    permission: 'sensitive_words.read',
    summary: "Check a text against the global list and an owner's (the caller's own; admins name `owner`)",
    body: z.object({ text: safeText(4000), owner: ownerName.optional() }).strict(),
    response: z.object({
      ok: z.boolean(),
      hits: z.array(z.object({ word: z.string(), start: z.number().int(), end: z.number().int() })),
    }),
    handle: async ({ body, principal }) => {
      const owner = ownerFilter(principal, body.owner) ?? '';
      const hits = (await words.screenFor(owner)).check(body.text);
      return { ok: hits.length === 0, hits };
    },
  });
}
