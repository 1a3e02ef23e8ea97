import { backoffDelay, type BackoffPolicy } from '../bot/core/backoff';

/** How a receiver's answer is taken. Redirects are not followed, so a 3xx is a refusal too. */
export type Verdict = 'delivered' | 'retry' | 'reject';

/** 2xx: delivered. 408, 425, 429 and 5xx: the receiver is busy or down, try again. Other: its answer is final. */
export function classifyStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'reject';
}

/** After a failed attempt: when to try again, or `dead` once the next try would pass the deadline. */
export function afterFailure(p: {
  attempts: number;
  now: number;
  deadline: number;
  backoff: BackoffPolicy;
  random?: () => number;
}): { retryAt: number } | { dead: true } {
  const retryAt = p.now + backoffDelay(p.backoff, p.attempts, p.random);
  return retryAt > p.deadline ? { dead: true } : { retryAt };
}
