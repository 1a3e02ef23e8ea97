import { baseHeaders, type DeliveryFormat } from '../../../webhooks';
import { seed003Signature } from './signature';

/** The delivery format of seed 003 notifications. */
export const NOTIFY_FORMAT = 'seed003-notify';

/** The delivery target of a notification to a channel: this prefix and the chid. */
export const NOTIFY_TARGET = 'seed003:';

export const notifyTarget = (chid: string) => `${NOTIFY_TARGET}${chid}`;

/**
 * Seed 003 notification: the stored JSON POSTed as it is, signed like a seed 003 request (MD5
 * over body + channel key). The keys are held here, from the channels configured now: never
 * stored with the delivery; a channel configured no longer gets nothing.
 */
export function notifyFormat(channels: ReadonlyMap<string, { key: string }>): DeliveryFormat {
  return {
    render(d, ctx) {
      if (!d.url) return { drop: 'no url' };
      const key = d.target.startsWith(NOTIFY_TARGET)
        ? channels.get(d.target.slice(NOTIFY_TARGET.length))?.key
        : undefined;
      if (!key) return { drop: 'seed003 channel no longer configured' };
      const body = d.body ?? '';
      const headers = {
        ...baseHeaders(d),
        'Content-Type': 'application/json',
        'X-Ecaspsplus-Signature': seed003Signature(body, key),
        'X-Ecaspsplus-SignatureType': 'MD5',
      };
      return { url: d.url, method: 'POST', headers, body, timeoutMs: ctx.timeouts.callbackMs };
    },
  };
}
