import { baseHeaders, classifyStatus, type DeliveryFormat, type Verdict } from '../../../webhooks';

/**
 * The seed's answer to a developer callback is `{retCode, errorMsg}`, retCode 0 on success: a 2xx
 * whose JSON says another retCode failed and is retried (with the outbox's backoff, until the
 * delivery's deadline). A 2xx without a readable retCode counts as delivered (the status said so);
 * other statuses as for every webhook.
 */
export function judgeDeveloperAnswer(status: number, snippet: string | undefined): Verdict {
  if (status < 200 || status >= 300) return classifyStatus(status);
  let retCode: unknown;
  try {
    retCode = (JSON.parse(snippet ?? '') as { retCode?: unknown } | null)?.retCode;
  } catch {
    return 'delivered';
  }
  if (retCode === undefined || retCode === null) return 'delivered';
  return Number(retCode) === 0 ? 'delivered' : 'retry';
}

/** The delivery format of seed 001 developer callbacks. */
export const DEVELOPER_CALLBACK_FORMAT = 'seed001-developer';

/** The tokens of developer callbacks: an owner's own (derived), and the default callback's (configured). */
export interface DeveloperTokens {
  tokenFor(owner: string): string;
  defaultToken?: string | undefined;
}

/**
 * Seed 001 developer callback: the stored JSON POSTed as it is, unsigned, with the `token` put
 * first at send time: the owner's token for a delivery to an owner's callback, else the configured
 * default token (tokens are secrets: never stored with the delivery).
 */
export function developerCallbackFormat(tokens: DeveloperTokens): DeliveryFormat {
  return {
    render(d, ctx) {
      if (!d.url) return { drop: 'no url' };
      const stored = JSON.parse(d.body ?? '{}') as Record<string, unknown>;
      const token = d.owner === undefined ? (tokens.defaultToken ?? '') : tokens.tokenFor(d.owner);
      const body = JSON.stringify({ token, ...stored });
      return {
        url: d.url,
        method: 'POST',
        headers: { ...baseHeaders(d), 'Content-Type': 'application/json' },
        body,
        timeoutMs: ctx.timeouts.callbackMs,
      };
    },
    judge: judgeDeveloperAnswer,
  };
}
