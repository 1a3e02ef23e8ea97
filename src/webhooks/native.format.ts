import { baseHeaders, type DeliveryFormat } from './formats';
import { deriveSecret, signedHeaders } from './signature';
import type { SubscriptionService } from './subscription.service';

/** Native webhooks: the stored event JSON. */
export const NATIVE_FORMAT = 'native';

/**
 * Native webhooks: the event JSON POSTed to the subscription's current URL, signed with the
 * subscription's secret (derived from the master key at each attempt). A delivery whose
 * subscription was deleted or switched off meanwhile is dropped.
 */
export function nativeFormat(deps: {
  masterKey: string;
  subscriptions: Pick<SubscriptionService, 'get'>;
}): DeliveryFormat {
  return {
    async render(d, ctx) {
      const sub = await deps.subscriptions.get(d.target);
      if (!sub) return { drop: 'subscription deleted' };
      if (!sub.active) return { drop: 'subscription inactive' };
      const body = d.body ?? '';
      const secret = deriveSecret(deps.masterKey, sub.id, sub.secretVersion);
      return {
        url: sub.url,
        method: 'POST',
        headers: {
          ...baseHeaders(d),
          'Content-Type': 'application/json',
          ...signedHeaders(secret, ctx.nowSec, body, { id: d.eventId, type: d.eventType }),
        },
        body,
        timeoutMs: ctx.timeouts.nativeMs,
      };
    },
  };
}
