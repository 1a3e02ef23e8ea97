import { seed003Signature } from '../api/compat/seed003/signature';
import { signedHeaders, deriveSecret } from './signature';
import type { Delivery } from './delivery.service';
import type { Subscription } from './subscription.service';

/** One HTTP request as it goes on the wire. */
export interface WireRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface RenderContext {
  /** The delivery's subscription (native only), as read just before the attempt. */
  subscription?: Subscription | null;
  masterKey: string;
  /** Seed 001 developer callback token (a secret: added here, never stored). */
  seed001Token?: string;
  /** Seed 003 channel keys by chid (secrets: applied here, never stored). */
  seed003Keys?: ReadonlyMap<string, string>;
  nowSec: number;
  timeouts: { nativeMs: number; callbackMs: number };
}

/** `target` of a seed 003 notification: this prefix and the chid. */
export const SEED003_TARGET = 'seed003:';

const base = (d: Delivery) => ({ 'User-Agent': 'qunbot-webhooks', 'X-Qunbot-Event-Id': d.eventId });

/**
 * How each kind of delivery goes on the wire, or why it is dropped. Native webhooks: signed JSON
 * POST to the subscription's current URL. Seed 001 login callback: a plain GET. Seed 001
 * developer callback: a plain JSON POST with the configured token. Seed 003 notification: a JSON
 * POST signed like a seed 003 request (MD5 over body + channel key) with the channel's key.
 */
export function render(d: Delivery, ctx: RenderContext): WireRequest | { drop: string } {
  switch (d.format) {
    case 'native': {
      const sub = ctx.subscription;
      if (!sub) return { drop: 'subscription deleted' };
      if (!sub.active) return { drop: 'subscription inactive' };
      const body = d.body ?? '';
      const secret = deriveSecret(ctx.masterKey, sub.id, sub.secretVersion);
      return {
        url: sub.url,
        method: 'POST',
        headers: {
          ...base(d),
          'Content-Type': 'application/json',
          ...signedHeaders(secret, ctx.nowSec, body, { id: d.eventId, type: d.eventType }),
        },
        body,
        timeoutMs: ctx.timeouts.nativeMs,
      };
    }
    case 'login-callback':
      if (!d.url) return { drop: 'no url' };
      return {
        url: d.url,
        method: 'GET',
        headers: { ...base(d), ...(d.robotId ? { 'X-Qunbot-Robot-Id': d.robotId } : {}) },
        timeoutMs: ctx.timeouts.callbackMs,
      };
    case 'seed001-developer': {
      if (!d.url) return { drop: 'no url' };
      const stored = JSON.parse(d.body ?? '{}') as Record<string, unknown>;
      const body = JSON.stringify({ token: ctx.seed001Token ?? '', ...stored });
      return {
        url: d.url,
        method: 'POST',
        headers: { ...base(d), 'Content-Type': 'application/json' },
        body,
        timeoutMs: ctx.timeouts.callbackMs,
      };
    }
    case 'seed003-notify': {
      if (!d.url) return { drop: 'no url' };
      const key = d.target.startsWith(SEED003_TARGET)
        ? ctx.seed003Keys?.get(d.target.slice(SEED003_TARGET.length))
        : undefined;
      if (!key) return { drop: 'seed003 channel no longer configured' };
      const body = d.body ?? '';
      const headers = {
        ...base(d),
        'Content-Type': 'application/json',
        'X-Ecaspsplus-Signature': seed003Signature(body, key),
        'X-Ecaspsplus-SignatureType': 'MD5',
      };
      return { url: d.url, method: 'POST', headers, body, timeoutMs: ctx.timeouts.callbackMs };
    }
    default:
      return { drop: `unknown format ${String(d.format)}` };
  }
}
