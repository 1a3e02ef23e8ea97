import { z } from 'zod';
import { DELIVERY_STATUSES } from '../../webhooks/delivery.model';
import type { Delivery } from '../../webhooks/delivery.service';
import { EVENT_TYPES } from '../../webhooks/events';
import type { Subscription } from '../../webhooks/subscription.service';
import type { WebhookOutbox } from '../../webhooks/outbox';
import { checkCallbackUrl } from '../../webhooks/url-guard';
import type { Principal } from '../../http/principal';
import { conflict, forbidden, notFound } from '../../http/errors';
import type { EndpointRouter } from '../../http/endpoint';
import { idParam, okBody, pageOf, pageQuery, recordId } from '../../http/schemas';
import { httpUrl, ownerName } from '../../http/schemas';
import { canSee, ownerFilter } from '../../http/access';
import type { V1Deps } from './deps';

const tag = 'webhooks';
const eventType = z.enum(EVENT_TYPES);
const events = z.array(eventType).min(1).max(EVENT_TYPES.length);

const subscriptionView = z
  .object({
    id: z.string(),
    owner: z.string().optional().meta({ description: "absent: an admin subscription, receiving every owner's events" }),
    url: z.string(),
    events: z.array(eventType),
    active: z.boolean(),
    description: z.string().optional(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'WebhookSubscription' });

const withSecret = subscriptionView
  .extend({
    secret: z.string().meta({
      description:
        'signing secret, shown only now: verify X-Qunbot-Signature = sha256=HMAC-SHA256(secret, "<X-Qunbot-Timestamp>.<body>")',
    }),
  })
  .meta({ id: 'WebhookSubscriptionWithSecret' });

const createBody = z.object({
  url: httpUrl,
  events,
  owner: ownerName
    .optional()
    .meta({ description: "admin keys: whose events (omit for every owner's); owner keys: their own" }),
  active: z.boolean().optional(),
  description: z.string().trim().max(200).optional(),
});

const patchBody = z
  .object({
    url: httpUrl.optional(),
    events: events.optional(),
    active: z.boolean().optional(),
    description: z.string().trim().max(200).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'send at least one field');

const deliveryView = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    format: z.string().meta({ description: "how it goes on the wire: native, login-callback, or a dialect's format" }),
    subscriptionId: z.string().optional(),
    owner: z.string().optional(),
    robotId: z.string().optional(),
    url: z.string().optional(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.date(),
    deadline: z.date(),
    lastStatus: z.number().int().optional(),
    lastError: z.string().optional(),
    lastAttemptAt: z.date().optional(),
    deliveredAt: z.date().optional(),
    createdAt: z.date(),
  })
  .meta({ id: 'WebhookDelivery' });

function publicSubscription(s: Subscription): z.infer<typeof subscriptionView> {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    active: s.active,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    ...(s.owner ? { owner: s.owner } : {}),
    ...(s.description ? { description: s.description } : {}),
  };
}

function publicDelivery(d: Delivery): z.infer<typeof deliveryView> {
  const rest: Partial<Delivery> = { ...d };
  delete rest.body;
  delete rest.target;
  return {
    ...(rest as Omit<Delivery, 'body' | 'target'>),
    ...(d.format === 'native' ? { subscriptionId: d.target } : {}),
  };
}

/** Owner keys see their own; admin keys see all, including owner-less (admin) ones. */
const visible = (p: Principal, owner: string | undefined) => (owner === undefined ? p.admin : canSee(p, owner));

/** Webhook subscriptions and their deliveries (the outbox), owner-scoped like robots. */
export function webhookEndpoints(api: EndpointRouter, deps: V1Deps): void {
  const outbox: WebhookOutbox | undefined = deps.webhooks;
  if (!outbox) return;
  const subs = outbox.subscriptions;

  const visibleSubscription = async (p: Principal, id: string) => {
    const s = await subs.get(id);
    if (!s || !visible(p, s.owner)) throw notFound('webhook');
    return s;
  };

  api.add({
    method: 'post',
    path: '/webhooks',
    tag,
    permission: 'webhooks.write',
    summary: 'Subscribe a URL to webhook events (the signing secret is shown once)',
    status: 201,
    description:
      'The URL is refused (400 callback_url_forbidden) when it resolves to a loopback, private, link-local or metadata address not allow-listed in webhooks.allowHosts.',
    body: createBody,
    response: withSecret,
    handle: async ({ body, principal }) => {
      if (!principal.admin && body.owner !== undefined && body.owner !== principal.owner)
        throw forbidden('this key is limited to its own owner');
      await checkCallbackUrl(outbox.guard, body.url);
      const owner = principal.admin ? body.owner : principal.owner;
      const created = await subs.create({
        url: body.url,
        events: body.events,
        ...(owner ? { owner } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
        ...(body.description ? { description: body.description } : {}),
      });
      return { ...publicSubscription(created), secret: outbox.secretFor(created) };
    },
  });

  api.add({
    method: 'get',
    path: '/webhooks',
    tag,
    permission: 'webhooks.read',
    summary: 'List webhook subscriptions',
    query: z.object({ owner: ownerName.optional(), ...pageQuery(deps.maxPageSize) }),
    response: pageOf(subscriptionView),
    handle: async ({ query, principal }) => {
      const owner = ownerFilter(principal, query.owner);
      const page = await subs.page(owner !== undefined ? { owner } : {}, {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return { ...page, items: page.items.map(publicSubscription) };
    },
  });

  api.add({
    method: 'get',
    path: '/webhooks/:id',
    tag,
    permission: 'webhooks.read',
    summary: 'Get a webhook subscription',
    params: idParam,
    response: subscriptionView,
    handle: async ({ params, principal }) => publicSubscription(await visibleSubscription(principal, params.id)),
  });

  api.add({
    method: 'patch',
    path: '/webhooks/:id',
    tag,
    permission: 'webhooks.write',
    summary: "Change a subscription's URL, events, description, or pause it (active: false)",
    params: idParam,
    body: patchBody,
    response: subscriptionView,
    handle: async ({ params, body, principal }) => {
      await visibleSubscription(principal, params.id);
      if (body.url) await checkCallbackUrl(outbox.guard, body.url);
      const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
      const updated = await subs.update(params.id, patch);
      if (!updated) throw notFound('webhook');
      return publicSubscription(updated);
    },
  });

  api.add({
    method: 'post',
    path: '/webhooks/:id/rotate-secret',
    tag,
    permission: 'webhooks.write',
    summary: 'Replace the signing secret (the new one is shown once; the old one stops at once)',
    params: idParam,
    response: withSecret,
    handle: async ({ params, principal }) => {
      await visibleSubscription(principal, params.id);
      const rotated = await subs.rotate(params.id);
      if (!rotated) throw notFound('webhook');
      return { ...publicSubscription(rotated), secret: outbox.secretFor(rotated) };
    },
  });

  api.add({
    method: 'delete',
    path: '/webhooks/:id',
    tag,
    permission: 'webhooks.write',
    summary: 'Delete a subscription (its queued deliveries are dropped at their next attempt)',
    params: idParam,
    response: okBody,
    handle: async ({ params, principal }) => {
      await visibleSubscription(principal, params.id);
      await subs.delete(params.id);
      return { ok: true as const };
    },
  });

  api.add({
    method: 'get',
    path: '/webhook-deliveries',
    tag,
    permission: 'webhooks.read',
    summary: 'List webhook deliveries (e.g. ?status=dead)',
    description:
      "Owner keys see the deliveries to their own subscriptions and their robots' login callbacks; admin keys see all.",
    query: z.object({
      status: z.enum(DELIVERY_STATUSES).optional(),
      subscriptionId: recordId.optional(),
      eventId: z.string().max(200).optional(),
      owner: ownerName.optional(),
      ...pageQuery(deps.maxPageSize),
    }),
    response: pageOf(deliveryView),
    handle: async ({ query, principal }) => {
      const owner = ownerFilter(principal, query.owner);
      const page = await outbox.deliveries.page(
        {
          ...(owner !== undefined ? { owner } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.subscriptionId ? { target: query.subscriptionId } : {}),
          ...(query.eventId ? { eventId: query.eventId } : {}),
        },
        { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
      );
      return { ...page, items: page.items.map(publicDelivery) };
    },
  });

  api.add({
    method: 'post',
    path: '/webhook-deliveries/:id/retry',
    tag,
    permission: 'webhooks.write',
    summary: 'Queue a dead delivery again (fresh deadline and attempt count)',
    description: 'Answers 409 delivery_not_dead when the delivery is not dead.',
    params: idParam,
    response: deliveryView,
    handle: async ({ params, principal }) => {
      const d = await outbox.deliveries.get(params.id);
      if (!d || !visible(principal, d.owner)) throw notFound('delivery');
      const queued = await outbox.retry(params.id);
      if (!queued) throw conflict('delivery_not_dead', `delivery is ${d.status}; only dead deliveries can be retried`);
      return publicDelivery(queued);
    },
  });
}
