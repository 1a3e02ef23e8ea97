import { baseHeaders, type DeliveryFormat } from '../../../webhooks';

/** The delivery format of seed 001 developer callbacks. */
export const DEVELOPER_CALLBACK_FORMAT = 'seed001-developer';

/**
 * Seed 001 developer callback: the stored JSON POSTed as it is, unsigned, with the configured
 * `token` put first at send time (the token is a secret: held here, never stored with the delivery).
 */
export function developerCallbackFormat(token: string | undefined): DeliveryFormat {
  return {
    render(d, ctx) {
      if (!d.url) return { drop: 'no url' };
      const stored = JSON.parse(d.body ?? '{}') as Record<string, unknown>;
      const body = JSON.stringify({ token: token ?? '', ...stored });
      return {
        url: d.url,
        method: 'POST',
        headers: { ...baseHeaders(d), 'Content-Type': 'application/json' },
        body,
        timeoutMs: ctx.timeouts.callbackMs,
      };
    },
  };
}
