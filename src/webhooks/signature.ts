import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signing secret of one subscription: HMAC-SHA256(masterKey, "<id>:<version>"). Derived on
 * demand, so no secret is stored; rotating bumps the version.
 */
export function deriveSecret(masterKey: string, subscriptionId: string, version: number): string {
  return `whsec_${createHmac('sha256', masterKey).update(`${subscriptionId}:${version}`).digest('hex')}`;
}

/** `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>"). */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of a signed native webhook; `timestamp` is in seconds since the epoch. */
export function signedHeaders(
  secret: string,
  timestamp: number,
  body: string,
  event: { id: string; type: string },
): Record<string, string> {
  return {
    'X-Qunbot-Signature': sign(secret, timestamp, body),
    'X-Qunbot-Timestamp': String(timestamp),
    'X-Qunbot-Event-Id': event.id,
    'X-Qunbot-Event': event.type,
  };
}

/**
 * What a receiver does: recompute and compare in constant time, refusing timestamps older than
 * `toleranceSec` (replays). Exported for receivers written in TypeScript and for the tests.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  timestamp: string | undefined,
  body: string,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  if (!header || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSec - Number(timestamp)) > toleranceSec) return false;
  const expected = Buffer.from(sign(secret, Number(timestamp), body));
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
